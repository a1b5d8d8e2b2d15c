/**
 * Every setting, once: its flag, its env var, its type, default and help. `switchboard start --help` is
 * generated from this table, and nothing outside src/config reads process.env.
 */
export interface OptionSpec {
  key: keyof Config;
  flag: string;
  env: string;
  type: 'string' | 'int' | 'bool';
  default: string | number | boolean | undefined;
  help: string;
}

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  publicUrl: string | undefined;
  accountSid: string | undefined;
  authToken: string | undefined;
  dataDir: string;
  logLevel: string;
  sipPort: number;
  sipHost: string;
  bodyLimit: number;
  webhookTimeoutMs: number;
  numberPool: string | undefined;
  simulatorLatencyMs: number;
  deterministic: boolean;
}

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'host', flag: '--host', env: 'SWITCHBOARD_HOST', type: 'string', default: '127.0.0.1', help: 'address the HTTP API binds to' },
  { key: 'port', flag: '--port', env: 'SWITCHBOARD_PORT', type: 'int', default: 4242, help: 'HTTP API port (0 picks a free one)' },
  { key: 'databaseUrl', flag: '--database-url', env: 'SWITCHBOARD_DATABASE_URL', type: 'string', default: undefined, help: 'SQLite file path, :memory:, or postgres://... (default: <data-dir>/switchboard.db)' },
  { key: 'publicUrl', flag: '--public-url', env: 'SWITCHBOARD_PUBLIC_URL', type: 'string', default: undefined, help: 'base URL for absolute links in responses (default: http://HOST:PORT)' },
  { key: 'accountSid', flag: '--account-sid', env: 'SWITCHBOARD_ACCOUNT_SID', type: 'string', default: undefined, help: 'fixed root account SID (AC + 32 hex); otherwise generated once and kept' },
  { key: 'authToken', flag: '--auth-token', env: 'SWITCHBOARD_AUTH_TOKEN', type: 'string', default: undefined, help: 'fixed root auth token; otherwise generated once and kept' },
  { key: 'dataDir', flag: '--data-dir', env: 'SWITCHBOARD_DATA_DIR', type: 'string', default: './data', help: 'folder for the SQLite file, media and recordings' },
  { key: 'logLevel', flag: '--log-level', env: 'SWITCHBOARD_LOG_LEVEL', type: 'string', default: 'info', help: 'fatal, error, warn, info, debug, trace or silent' },
  { key: 'sipPort', flag: '--sip-port', env: 'SWITCHBOARD_SIP_PORT', type: 'int', default: 5060, help: 'SIP port, UDP and TCP (0 picks a free one, -1 disables SIP)' },
  { key: 'sipHost', flag: '--sip-host', env: 'SWITCHBOARD_SIP_HOST', type: 'string', default: '127.0.0.1', help: 'address SIP and RTP bind to' },
  { key: 'bodyLimit', flag: '--body-limit', env: 'SWITCHBOARD_BODY_LIMIT', type: 'int', default: 1_048_576, help: 'largest accepted request body in bytes' },
  { key: 'webhookTimeoutMs', flag: '--webhook-timeout', env: 'SWITCHBOARD_WEBHOOK_TIMEOUT_MS', type: 'int', default: 15_000, help: 'webhook request timeout in milliseconds (Twilio: 15 s)' },
  { key: 'numberPool', flag: '--number-pool', env: 'SWITCHBOARD_NUMBER_POOL', type: 'string', default: undefined, help: 'file listing the E.164 numbers that can be bought (default: a generated pool)' },
  { key: 'simulatorLatencyMs', flag: '--simulator-latency', env: 'SWITCHBOARD_SIMULATOR_LATENCY_MS', type: 'int', default: 0, help: 'simulated carrier delivery latency in milliseconds' },
  { key: 'deterministic', flag: '--deterministic', env: 'SWITCHBOARD_DETERMINISTIC', type: 'bool', default: false, help: 'test mode: no simulated latency or random failures' },
];
