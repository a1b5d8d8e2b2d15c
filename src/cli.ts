import { ConfigError, helpText, loadConfig } from './config/load.js';
import { startSwitchboard } from './main.js';
import { migrate, openStore } from './store/db.js';

const USAGE = `Usage: switchboard <command> [options]

Commands:
  start     run the API server (and everything else)
  migrate   apply database migrations and exit
  help      show this text

Run \`switchboard start --help\` for the options.`;

/**
 * What bin/switchboard.js runs: sets the exit code and lets the process end on its own once everything is
 * closed, so buffered log lines are flushed rather than cut off by process.exit().
 */
export function main(argv: string[]): void {
  run(argv).then(
    (code) => { process.exitCode = code; },
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
      case 'start': return await start(rest);
      case 'migrate': return await migrateCommand(rest);
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

async function start(argv: string[]): Promise<number> {
  const config = loadConfig(argv, process.env, process.cwd());
  const sb = await startSwitchboard(config);
  const { accountSid, authToken } = sb.root;
  // Humans read this banner; scripts read the JSON log line after it.
  process.stderr.write([
    '',
    `  Switchboard is running at ${sb.url}`,
    `  Account SID: ${accountSid}`,
    `  Auth token:  ${authToken}`,
    '',
    '  Point the official SDK at it:',
    `    const { httpClient } = require('switchboard');  // or: node --require switchboard/register app.js`,
    `    const client = require('twilio')('${accountSid}', '<auth token>', { httpClient: httpClient('${sb.publicUrl}') });`,
    '',
  ].join('\n') + '\n');
  sb.app.log.info({ url: sb.url, accountSid }, 'switchboard started');

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
