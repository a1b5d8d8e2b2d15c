// The lookup cache on PostgreSQL, where other processes write too (store/cache/): the repositories'
// contract with a caching reader on another node, writes from outside Switchboard, the listener's
// connection lost (the cache empties and reads go through until it is back), and two real nodes where a
// release, a STOP and a suspension on one take effect on the other at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { migrate, openStore, type Store } from '../src/store/db.js';
import { LookupCache } from '../src/store/cache/lookup-cache.js';
import { CacheListener } from '../src/store/cache/pg-listener.js';
import { cachingStack, lookupContract, plainStack } from '../src/store/test-support/lookup-contract.js';
import { phoneNumberRow, sid } from '../src/store/test-support/rows.js';
import { eventually } from './support/app.js';
import { Cli } from './support/cli.js';
import { admin, databaseUrl } from './support/postgres.js';

const DB = `sb_lookup_cache_${process.pid}`;
const dbUrl = databaseUrl(DB);
const stores: Store[] = [];
const listeners: CacheListener[] = [];

before(async () => {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  await migrate(await store());
});

after(async () => {
  for (const l of listeners) await l.stop();
  for (const s of stores) await s.close();
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

async function store(): Promise<Store> {
  const s = openStore(dbUrl);
  stores.push(s);
  return s;
}

/** A node's cache, listening as platform.ts sets it up; `connect` lets a test keep it from reconnecting. */
async function listeningCache(connect?: (url: string) => Promise<pg.Client>): Promise<{ cache: LookupCache; listener: CacheListener; warnings: string[] }> {
  const cache = new LookupCache();
  const warnings: string[] = [];
  const listener = new CacheListener({ url: dbUrl, cache, onWarning: (m) => warnings.push(m), ...(connect ? { connect } : {}) });
  listeners.push(listener);
  await listener.start();
  assert.equal(cache.caching, true);
  return { cache, listener, warnings };
}

lookupContract('PostgreSQL, plain repositories', async () => {
  const stack = plainStack(await store());
  return { writer: stack, reader: stack, promptMs: 0, close: async () => undefined };
});

lookupContract('PostgreSQL, caching repositories on one node', async () => {
  const { cache } = await listeningCache();
  const stack = cachingStack(await store(), cache);
  return { writer: stack, reader: stack, promptMs: 0, close: async () => undefined };
});

lookupContract('PostgreSQL, two nodes: written on one, read through the cache of the other', async () => {
  const a = await listeningCache();
  const b = await listeningCache();
  return { writer: cachingStack(await store(), a.cache), reader: cachingStack(await store(), b.cache), promptMs: 3000, close: async () => undefined };
});

describe('the listener', () => {
  let sql: pg.Client;
  before(async () => {
    sql = new pg.Client({ connectionString: dbUrl });
    await sql.connect();
  });
  after(() => sql.end());

  test('a write made outside Switchboard (psql) reaches the cache too', async () => {
    const { cache } = await listeningCache();
    const numbers = cachingStack(await store(), cache).numbers;
    const row = phoneNumberRow({ sid: sid('PN', 0xe1), phone_number: '+14155550171' });
    await numbers.insertIfFree(row);
    assert.equal((await numbers.findByNumber(row.phone_number))?.sms_url, null);
    await sql.query(`UPDATE phone_numbers SET sms_url = 'https://example.com/psql' WHERE sid = $1`, [row.sid]);
    await eventually(async () => ((await numbers.findByNumber(row.phone_number))?.sms_url === 'https://example.com/psql' ? true : undefined), 3000, 20);
  });

  test('connection lost: the cache empties and reads go to the database until it listens again', async () => {
    let reachable = true;
    const { cache, listener, warnings } = await listeningCache(async (url) => {
      if (!reachable) throw new Error('refused by the test');
      const c = new pg.Client({ connectionString: url, application_name: 'switchboard-cache-test' });
      await c.connect();
      return c;
    });
    const numbers = cachingStack(await store(), cache).numbers;
    const row = phoneNumberRow({ sid: sid('PN', 0xe2), phone_number: '+14155550172' });
    await numbers.insertIfFree(row);
    // The insert's own notification comes back a moment later and empties the entry once more.
    await eventually(async () => {
      await numbers.findByNumber(row.phone_number);
      return cache.size('numbers') === 1 ? true : undefined;
    });

    reachable = false;
    await sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'switchboard-cache-test' AND datname = current_database()`,
    );
    await eventually(async () => (cache.caching ? undefined : true), 5000, 10);
    assert.equal(listener.listening, false);
    assert.equal(cache.size('numbers'), 0);
    assert.ok(
      warnings.some((w) => w.includes('connection lost')),
      warnings.join('\n'),
    );
    // Written while nobody listens: no notification will ever come for it.
    await sql.query(`UPDATE phone_numbers SET sms_url = 'https://example.com/while-down' WHERE sid = $1`, [row.sid]);
    const misses = cache.stats.misses;
    assert.equal((await numbers.findByNumber(row.phone_number))?.sms_url, 'https://example.com/while-down');
    assert.equal((await numbers.findByNumber(row.phone_number))?.sms_url, 'https://example.com/while-down');
    assert.equal(cache.size('numbers'), 0, 'nothing cached while not listening');
    assert.equal(cache.stats.misses, misses, 'not even counted: read straight through');

    reachable = true;
    await eventually(async () => (listener.listening && cache.caching ? true : undefined), 10_000, 20);
    assert.equal((await numbers.findByNumber(row.phone_number))?.sms_url, 'https://example.com/while-down');
    const hits = cache.stats.hits;
    await numbers.findByNumber(row.phone_number);
    assert.equal(cache.stats.hits, hits + 1, 'caching again');
    // And invalidations arrive again on the new connection.
    await sql.query(`UPDATE phone_numbers SET sms_url = 'https://example.com/after' WHERE sid = $1`, [row.sid]);
    await eventually(async () => ((await numbers.findByNumber(row.phone_number))?.sms_url === 'https://example.com/after' ? true : undefined), 3000, 20);
  });
});

describe('two Switchboard nodes on one database', () => {
  const NODE_DB = `${DB}_nodes`;
  const SID = `AC${'d'.repeat(32)}`;
  const TOKEN = 'lookup-cache-token-0123456789abcdef';
  const nodes: Cli[] = [];
  const urls: string[] = [];

  before(async () => {
    await admin(`DROP DATABASE IF EXISTS ${NODE_DB} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${NODE_DB}`);
    for (let i = 0; i < 2; i++) {
      const node = new Cli(['start', '--port', '0', '--database-url', databaseUrl(NODE_DB)], {
        SWITCHBOARD_ACCOUNT_SID: SID,
        SWITCHBOARD_AUTH_TOKEN: TOKEN,
        SWITCHBOARD_LOG_LEVEL: 'warn',
      });
      nodes.push(node);
      urls.push((await node.banner()).url); // one after the other: the first migrates
    }
  });
  after(async () => {
    for (const n of nodes) n.kill();
    await Promise.all(nodes.map((n) => n.exited));
    await admin(`DROP DATABASE IF EXISTS ${NODE_DB} WITH (FORCE)`);
  });

  async function call(node: number, method: string, path: string, form?: Record<string, string>, creds = `${SID}:${TOKEN}`) {
    const res = await fetch(urls[node]! + path, {
      method,
      headers: { authorization: `Basic ${Buffer.from(creds).toString('base64')}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }
  const send = (node: number, from: string, to: string) => call(node, 'POST', `/2010-04-01/Accounts/${SID}/Messages.json`, { From: from, To: to, Body: 'hi' });
  /** Retries `attempt` until its HTTP status or Twilio code is `expected`, for a few seconds ("promptly"). */
  async function answers(expected: number, attempt: () => Promise<{ status: number; body: Record<string, unknown> }>): Promise<void> {
    let last: unknown;
    await eventually(
      async () => {
        const r = await attempt();
        last = r;
        return r.status === expected || r.body.code === expected ? true : undefined;
      },
      3000,
      25,
    ).catch(() => assert.fail(`expected ${expected}, last answer ${JSON.stringify(last)}`));
  }

  test('a number released on one node no longer sends from the other', async () => {
    const bought = await call(0, 'POST', `/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, { PhoneNumber: '+14155550181' });
    assert.equal(bought.status, 201);
    assert.equal((await send(1, '+14155550181', '+15558670001')).status, 201); // node 1 now holds the number
    assert.equal((await call(0, 'DELETE', `/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers/${bought.body.sid}.json`)).status, 204);
    await answers(21606, () => send(1, '+14155550181', '+15558670001'));
  });

  test('STOP texted to one node blocks sends through the other; START lifts it', async () => {
    await call(0, 'POST', `/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, { PhoneNumber: '+14155550182' });
    const phone = '+15558670002';
    assert.equal((await send(1, '+14155550182', phone)).status, 201);
    const text = (body: string) => call(0, 'POST', `/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Messages`, { To: '+14155550182', Body: body });
    assert.equal((await text('STOP')).status, 201);
    await answers(21610, () => send(1, '+14155550182', phone));
    assert.equal((await text('START')).status, 201);
    await answers(201, () => send(1, '+14155550182', phone));
  });

  test('a subaccount suspended on one node is refused by the other', async () => {
    const sub = await call(0, 'POST', '/2010-04-01/Accounts.json', { FriendlyName: 'sub' });
    const subCreds = `${sub.body.sid}:${sub.body.auth_token}`;
    const fetchSelf = () => call(1, 'GET', `/2010-04-01/Accounts/${sub.body.sid}.json`, undefined, subCreds);
    assert.equal((await fetchSelf()).status, 200);
    assert.equal((await call(0, 'POST', `/2010-04-01/Accounts/${sub.body.sid}.json`, { Status: 'suspended' })).status, 200);
    await answers(20005, fetchSelf);
    assert.equal((await call(0, 'POST', `/2010-04-01/Accounts/${sub.body.sid}.json`, { Status: 'active' })).status, 200);
    await answers(200, fetchSelf);
  });
});
