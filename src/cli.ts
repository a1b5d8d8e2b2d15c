import cluster from 'node:cluster';
import { AccountsService } from './accounts/service.js';
import { ConfigError, helpText, loadConfig, workerIndex } from './config/load.js';
import { resolveSettings } from './config/resolve.js';
import type { Config } from './config/schema.js';
import { systemClock } from './core/clock.js';
import { createLogger } from './core/logger.js';
import { startSwitchboard } from './main.js';
import { migrate, openStore } from './store/db.js';
import { AccountsRepository } from './store/repositories/accounts.js';
import { ApiKeysRepository } from './store/repositories/api-keys.js';
import { SettingsRepository } from './store/repositories/settings.js';
import { listeningMessage, runPrimary } from './workers/primary.js';

const USAGE = `Usage: switchboard <command> [options]

Commands:
  start     run the API server (and everything else)
  migrate   apply database migrations and exit
  credentials  print the root account SID and auth token (same --data-dir / --database-url as start)
  help      show this text

Run \`switchboard start --help\` for the options.`;

/**
 * What bin/switchboard.js runs: sets the exit code and lets the process end on its own once everything is
 * closed, so buffered log lines are flushed rather than cut off by process.exit().
 */
export function main(argv: string[]): void {
  run(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`switchboard: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}

/** The `switchboard` command. Returns the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(helpText());
    return 0;
  }
  try {
    switch (command) {
      case 'start':
        return await start(rest);
      case 'migrate':
        return await migrateCommand(rest);
      case 'credentials':
        return await credentialsCommand(rest);
      default:
        console.error(`switchboard: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`switchboard: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

async function migrateCommand(argv: string[]): Promise<number> {
  const config = loadConfig(argv, process.env, process.cwd());
  const store = openStore(config.databaseUrl);
  const applied = await migrate(store);
  await store.close();
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  return 0;
}

/** The root credentials as stored: for whoever can read the database anyway, since the banner shows them once. */
async function credentialsCommand(argv: string[]): Promise<number> {
  const config = loadConfig(argv, process.env, process.cwd());
  const store = openStore(config.databaseUrl);
  try {
    await migrate(store);
    const sid = await new SettingsRepository(store.db).get('root_account_sid');
    const row = sid ? await new AccountsRepository(store.db).find(sid) : undefined;
    if (!row) {
      console.error('switchboard: no root account in this database yet: run `switchboard start` once');
      return 1;
    }
    console.log(`SWITCHBOARD_ACCOUNT_SID=${row.sid}\nSWITCHBOARD_AUTH_TOKEN=${row.auth_token}`);
    return 0;
  } finally {
    await store.close();
  }
}

async function start(argv: string[]): Promise<number> {
  const config = loadConfig(argv, process.env, process.cwd());
  if (config.workers > 1) return cluster.isPrimary ? startPrimary(config) : startWorker(config);
  const sb = await startSwitchboard(config);
  printBanner(config, sb.url, sb.publicUrl, sb.root);
  sb.app.log.info({ url: sb.url, accountSid: sb.root.accountSid }, 'switchboard started');

  await new Promise<void>((resolve) => {
    // Both handlers go after the first signal, so a second one (either kind) ends the process at once.
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      sb.app.log.info({ signal }, 'draining in-flight work');
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await sb.close();
  return 0;
}

interface Root {
  accountSid: string;
  authToken: string;
  tokenGenerated: boolean;
}

function printBanner(config: Config, url: string, publicUrl: string, root: Root): void {
  const { accountSid, authToken, tokenGenerated } = root;
  // Humans read this banner; scripts read the JSON log line after it. The token is shown only the one time it
  // was generated: banners end up in service logs, and an operator's own token needs no echo.
  const token = tokenGenerated
    ? [`  Auth token:  ${authToken}`, '  (shown this once; `switchboard credentials` prints it again)']
    : [
        config.authToken
          ? '  The auth token is the one set in SWITCHBOARD_AUTH_TOKEN.'
          : '  The auth token is not shown again: `switchboard credentials` prints it.',
      ];
  const workers = config.workers > 1 ? [`  Workers:     ${config.workers} processes sharing the port (SIP in worker 1)`] : [];
  process.stderr.write(
    [
      '',
      `  Switchboard is running at ${url}`,
      `  Account SID: ${accountSid}`,
      ...token,
      ...workers,
      '',
      '  Point the official SDK at it:',
      `    const { httpClient } = require('switchboard');  // or: node --require switchboard/register app.js`,
      `    const client = require('twilio')('${accountSid}', '<auth token>', { httpClient: httpClient('${publicUrl}') });`,
      '',
    ].join('\n') + '\n',
  );
}

/**
 * `--workers N`: this process migrates and makes the root account once (so workers never race to create it),
 * then forks the workers, which share the HTTP port (node:cluster), and prints the banner when all listen.
 */
async function startPrimary(config: Config): Promise<number> {
  resolveSettings(config); // a bad value ends the start here (exit code 2), before any worker is forked
  const log = createLogger(config.logLevel);
  const store = openStore(config.databaseUrl);
  let root: Root;
  try {
    await migrate(store);
    const accounts = new AccountsService({
      accounts: new AccountsRepository(store.db),
      keys: new ApiKeysRepository(store.db),
      settings: new SettingsRepository(store.db),
      clock: systemClock,
    });
    const row = await accounts.ensureRoot(config.accountSid && config.authToken ? { sid: config.accountSid, token: config.authToken } : undefined);
    root = { accountSid: row.sid, authToken: row.auth_token, tokenGenerated: row.generatedToken };
  } finally {
    await store.close();
  }
  return runPrimary({
    count: config.workers,
    log,
    onReady: (url, publicUrl) => {
      printBanner(config, url, publicUrl, root);
      log.info({ url, accountSid: root.accountSid, workers: config.workers }, 'switchboard started');
    },
  });
}

/**
 * One worker of `--workers`: a node of its own (own node id, leases, heartbeats), SIP only in worker 1 (a SIP
 * dialog lives in one process, and the kernel would spread a shared socket's packets over all of them). It
 * drains on SIGTERM from the primary, or when the primary is gone; SIGINT from a terminal reaches the whole
 * process group, and the primary turns it into a SIGTERM, so the workers ignore it themselves.
 */
async function startWorker(config: Config): Promise<number> {
  const index = workerIndex(process.env);
  const sb = await startSwitchboard({ ...config, sipPort: index === 1 ? config.sipPort : -1 }, { workerIndex: index });
  process.send?.(listeningMessage(sb.url, sb.publicUrl));
  await new Promise<void>((resolve) => {
    const stop = (why: string) => {
      process.off('SIGTERM', onTerm);
      process.off('disconnect', onGone);
      sb.app.log.info({ worker: index, why }, 'draining in-flight work');
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onGone = () => stop('the primary is gone');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', () => undefined);
    process.on('disconnect', onGone);
  });
  await sb.close();
  if (process.connected) process.disconnect();
  return 0;
}
