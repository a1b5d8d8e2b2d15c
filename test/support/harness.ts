import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import twilio from 'twilio';
import { httpClient } from '../../src/compat/http-client.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { startSwitchboard, type StartOptions, type Switchboard } from '../../src/main.js';
import { PG_ADMIN as PG_ADMIN_URL } from './postgres.js';

/**
 * Which store the suite runs against: `SWITCHBOARD_TEST_STORE=postgres` gives every server its own
 * fresh PostgreSQL database (created and dropped here); the default is a SQLite file in a temp folder.
 */
export const TEST_STORE = process.env.SWITCHBOARD_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestServer {
  sb: Switchboard;
  url: string;
  accountSid: string;
  authToken: string;
  config: Config;
  /** An official twilio-node client pointed at this server. */
  client: ReturnType<typeof twilio>;
  clientFor(sid: string, secret: string, accountSid?: string): ReturnType<typeof twilio>;
  /** Raw HTTP with the root credentials. */
  fetch(path: string, init?: RequestInit & { form?: Record<string, string | string[]> }): Promise<Response>;
  close(): Promise<void>;
}

async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sb_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      // A closed pool finishes disconnecting after pool.end() resolves: wait for its sessions (bounded) rather
      // than terminate them, since a terminated client raises an uncaught error in this process.
      for (let i = 0; i < 50; i++) {
        const r = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if ((r.rows[0]?.n ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startTestServer(overrides: Partial<Config> = {}, env: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-test-'));
  let dropDb: (() => Promise<void>) | undefined;
  let databaseUrl = join(dataDir, 'switchboard.db');
  if (TEST_STORE === 'postgres' && overrides.databaseUrl === undefined) {
    const created = await createPgDatabase();
    databaseUrl = created.url;
    dropDb = created.drop;
  }
  const config: Config = {
    ...loadConfig([], { SWITCHBOARD_PORT: '0', SWITCHBOARD_SIP_PORT: '-1', SWITCHBOARD_LOG_LEVEL: 'warn', ...env }, dataDir),
    dataDir,
    databaseUrl,
    deterministic: true,
    ...overrides,
  };
  const sb = await startSwitchboard(config, opts);
  const { accountSid, authToken } = sb.root;
  const clientFor = (sid: string, secret: string, acct?: string) =>
    twilio(sid, secret, { httpClient: httpClient(sb.url) as never, ...(acct ? { accountSid: acct } : {}) });
  return {
    sb,
    url: sb.url,
    accountSid,
    authToken,
    config,
    client: clientFor(accountSid, authToken),
    clientFor,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`);
      let body = init.body;
      if (init.form) {
        const form = new URLSearchParams();
        for (const [k, v] of Object.entries(init.form)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, item);
        body = form.toString();
        headers.set('content-type', 'application/x-www-form-urlencoded');
      }
      return fetch(sb.url + path, { ...init, headers, body });
    },
    close: async () => {
      await sb.close();
      await dropDb?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
