import { isAbsolute, join } from 'node:path';
import { OPTIONS, type Config, type OptionSpec } from './schema.js';

export class ConfigError extends Error {}

function coerce(spec: OptionSpec, raw: string, source: string): string | number | boolean {
  if (spec.type === 'int') {
    if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${source}: expected an integer, got "${raw}"`);
    return Number(raw);
  }
  if (spec.type === 'bool') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off|)$/i.test(raw)) return false;
    throw new ConfigError(`${source}: expected true or false, got "${raw}"`);
  }
  return raw;
}

/** Parses `--flag value`, `--flag=value` and bare boolean flags; unknown flags are an error, not a surprise. */
export function parseFlags(argv: readonly string[]): Map<OptionSpec, string> {
  const out = new Map<OptionSpec, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = OPTIONS.find((o) => o.flag === name);
    if (!spec) throw new ConfigError(`unknown option ${name} (see --help)`);
    if (eq > 0) out.set(spec, arg.slice(eq + 1));
    else if (spec.type === 'bool' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))) out.set(spec, 'true');
    else {
      const value = argv[++i];
      if (value === undefined) throw new ConfigError(`${name} needs a value`);
      out.set(spec, value);
    }
  }
  return out;
}

/** Defaults, then environment, then flags, type-checked; resolveSettings (resolve.ts) parses the structured ones. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Config {
  const flags = parseFlags(argv);
  const values: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    let value: unknown = spec.default;
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') value = coerce(spec, fromEnv, spec.env);
    const fromFlag = flags.get(spec);
    if (fromFlag !== undefined) value = coerce(spec, fromFlag, spec.flag);
    values[spec.key] = value;
  }
  const config = values as unknown as Config;
  config.dataDir = isAbsolute(config.dataDir) ? config.dataDir : join(cwd, config.dataDir);
  config.databaseUrl ??= join(config.dataDir, 'switchboard.db');
  validate(config);
  return config;
}

function validate(c: Config): void {
  if (c.port < 0 || c.port > 65535) throw new ConfigError(`port ${c.port} is out of range`);
  if (c.sipPort < -1 || c.sipPort > 65535) throw new ConfigError(`SIP port ${c.sipPort} is out of range`);
  if (c.accountSid !== undefined && !/^AC[0-9a-f]{32}$/.test(c.accountSid)) {
    throw new ConfigError('SWITCHBOARD_ACCOUNT_SID must be AC followed by 32 lowercase hex digits');
  }
  if ((c.accountSid === undefined) !== (c.authToken === undefined)) {
    throw new ConfigError('SWITCHBOARD_ACCOUNT_SID and SWITCHBOARD_AUTH_TOKEN are set together or not at all');
  }
  // 32 characters, as long as a generated token: a short one is guessable even at a few tries a minute.
  if (c.authToken !== undefined && c.authToken.length < 32)
    throw new ConfigError('SWITCHBOARD_AUTH_TOKEN is too short: use at least 32 characters (e.g. openssl rand -hex 16)');
  if (c.publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(c.publicUrl)) throw new ConfigError('SWITCHBOARD_PUBLIC_URL must be an http(s) URL');
  if (c.nodeUrl !== undefined && !/^https?:\/\/[^/]+/.test(c.nodeUrl)) throw new ConfigError('SWITCHBOARD_NODE_URL must be an http(s) URL');
  for (const k of ['mpsLongCode', 'mpsTollFree', 'mpsShortCode'] as const) if (c[k] < 1) throw new ConfigError(`${k} must be at least 1`);
  if (c.simulatorFailureRate < 0 || c.simulatorFailureRate > 100) throw new ConfigError('simulator failure rate is a percentage (0-100)');
  if (c.leaseMs < 1000) throw new ConfigError('lease must be at least 1000 ms');
  if (c.apiConcurrency < 1) throw new ConfigError('API concurrency must be at least 1');
  if (c.authFailureLimit < 0) throw new ConfigError('SWITCHBOARD_AUTH_FAILURE_LIMIT must not be negative');
  if (c.bodyLimit < 1024) throw new ConfigError('body limit must be at least 1024 bytes');
  // Checked here so a typo fails at start with exit code 2, not as a stack trace from the logger or a timer.
  if (!LOG_LEVELS.includes(c.logLevel)) throw new ConfigError(`SWITCHBOARD_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${c.logLevel}"`);
  if (c.webhookTimeoutMs < 1) throw new ConfigError('SWITCHBOARD_WEBHOOK_TIMEOUT_MS must be at least 1');
  if (c.mediaTimeoutMs < 1) throw new ConfigError('SWITCHBOARD_MEDIA_TIMEOUT_MS must be at least 1');
  if (c.speechTimeoutMs < 1) throw new ConfigError('SWITCHBOARD_SPEECH_TIMEOUT_MS must be at least 1');
  // No slot at all would leave every recognition waiting for ever.
  if (c.speechConcurrency < 1) throw new ConfigError('SWITCHBOARD_SPEECH_CONCURRENCY must be at least 1');
  if (c.stallMs < 1000) throw new ConfigError('SWITCHBOARD_STALL_MS must be at least 1000');
  if (c.webhookRetryBaseMs < 0) throw new ConfigError('SWITCHBOARD_WEBHOOK_RETRY_BASE_MS must not be negative');
  if (c.retentionIntervalMs < 1000) throw new ConfigError('SWITCHBOARD_RETENTION_INTERVAL_MS must be at least 1000');
  if (c.workers < 1 || c.workers > 64) throw new ConfigError('--workers (SWITCHBOARD_WORKERS) must be between 1 and 64');
  // SQLite has one writer: several processes would take turns on its write lock with busy waits that stall
  // each event loop, and the group commit and the checkpointer assume one connection writes (docs/deploy.md).
  if (c.workers > 1 && !/^postgres(ql)?:\/\//.test(c.databaseUrl))
    throw new ConfigError(
      '--workers (SWITCHBOARD_WORKERS): more than one worker needs PostgreSQL (--database-url postgres://...); SQLite has one writer, run one worker',
    );
  if (c.simulatorLatencyMs < 0) throw new ConfigError('SWITCHBOARD_SIMULATOR_LATENCY_MS must not be negative');
}

/** Which worker of `--workers` this process is (1..N; 0 when not started by a primary): the primary sets it per fork. */
export function workerIndex(env: NodeJS.ProcessEnv): number {
  const n = Number(env.SWITCHBOARD_WORKER_INDEX);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function helpText(): string {
  const rows = OPTIONS.map((o) => {
    const def = o.default === undefined ? '' : ` (default: ${String(o.default)})`;
    return `  ${(o.flag + (o.type === 'bool' ? '' : ' <value>')).padEnd(28)} ${o.env.padEnd(34)} ${o.help}${def}`;
  });
  return ['Usage: switchboard start [options]', '', 'Every option has an environment variable:', ...rows].join('\n');
}
