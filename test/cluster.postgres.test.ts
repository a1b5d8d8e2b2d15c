import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { FakeApp, eventually } from './support/app.js';
import { Cli } from './support/cli.js';
import { openStore } from '../src/store/db.js';
import { MessagesRepository } from '../src/store/repositories/messages.js';
import { transactor } from '../src/store/transactor.js';
import { admin, databaseUrl } from './support/postgres.js';

// Three `switchboard start` processes share one PostgreSQL database, as a deployment behind a load
// balancer would. PostgreSQL runs on this machine kind (127.0.0.1:5432); .ci/run starts it.
const DB = `sb_cluster_${process.pid}`;
const dbUrl = databaseUrl(DB);
const SID = `AC${'c'.repeat(32)}`;
const TOKEN = 'cluster-token-12345-0123456789abcdef';
const auth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
const MPS = 40;

const app = new FakeApp();
const nodes: Cli[] = [];
const urls: string[] = [];
let sql: pg.Client;

before(async () => {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  await app.start();
  for (let i = 0; i < 3; i++) {
    const node = new Cli(['start', '--port', '0', '--database-url', dbUrl, '--mps-long-code', String(MPS), '--lease-ms', '3000', '--webhook-timeout', '2000'], {
      SWITCHBOARD_ACCOUNT_SID: SID,
      SWITCHBOARD_AUTH_TOKEN: TOKEN,
      SWITCHBOARD_LOG_LEVEL: 'warn',
    });
    nodes.push(node);
    // Started one after another: the first applies the migrations.
    urls.push((await node.banner()).url);
  }
  sql = new pg.Client({ connectionString: dbUrl });
  await sql.connect();
});

after(async () => {
  for (const n of nodes) n.kill();
  await sql?.end();
  await app.stop();
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

async function post(url: string, path: string, form: Record<string, string>) {
  return fetch(url + path, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

/** Sends `count` messages round-robin over the given nodes; returns the SIDs that were accepted (201). */
async function burst(targets: string[], from: string, count: number, tag: string, onProgress?: (n: number) => void): Promise<string[]> {
  const accepted: string[] = [];
  await Promise.all(
    Array.from({ length: 12 }, async (_, worker) => {
      for (let i = worker; i < count; i += 12) {
        const url = targets[i % targets.length]!;
        try {
          const res = await post(url, `/2010-04-01/Accounts/${SID}/Messages.json`, {
            To: `+1555${tag}${String(100000 + i).slice(-5)}`,
            From: from,
            Body: `${tag} ${i}`,
            StatusCallback: `${app.base}/status`,
          });
          if (res.status === 201) {
            accepted.push(((await res.json()) as { sid: string }).sid);
            onProgress?.(accepted.length);
          }
        } catch {
          /* that node is gone; the request was never accepted */
        }
      }
    }),
  );
  return accepted;
}

async function allDelivered(sids: string[]): Promise<boolean | undefined> {
  const r = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE sid = ANY($1) AND status = 'delivered'`, [sids]);
  return Number(r.rows[0]!.n) === sids.length ? true : undefined;
}

/** Where the messages stand, for a failure message. */
async function statuses(sids: string[]): Promise<string> {
  const r = await sql.query<{ status: string; locked: boolean; n: string }>(
    `SELECT status, locked_by IS NOT NULL AS locked, count(*) AS n FROM messages WHERE sid = ANY($1) GROUP BY 1, 2`,
    [sids],
  );
  return JSON.stringify(r.rows);
}

function callbackCounts(sids: Set<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of app.received) {
    if (r.path !== '/status' || !sids.has(r.params.MessageSid!)) continue;
    const key = `${r.params.MessageSid}:${r.params.MessageStatus}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

async function inboxCounts(sids: string[]): Promise<Map<string, number>> {
  const r = await sql.query<{ message_sid: string; n: string }>(
    `SELECT message_sid, count(*) AS n FROM virtual_phone_messages WHERE message_sid = ANY($1) GROUP BY message_sid`,
    [sids],
  );
  return new Map(r.rows.map((row) => [row.message_sid, Number(row.n)]));
}

let from = '';

/** How many messages the node at `url` handed to a carrier, from its own metrics. */
async function sentBy(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^switchboard_messages_sent_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

test("a burst over three nodes: each message sent once, each status reported once, the sender's MPS held globally", async () => {
  const bought = (await (await post(urls[0]!, `/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, { AreaCode: '415' })).json()) as {
    phone_number: string;
  };
  from = bought.phone_number;
  const sids = await burst(urls, from, 150, '20');
  assert.equal(sids.length, 150);
  await eventually(() => allDelivered(sids), 60_000, 200);
  const inbox = await inboxCounts(sids);
  for (const sid of sids) assert.equal(inbox.get(sid), 1, `${sid} reached its phone once`);
  // Two status callbacks per message, sent and delivered (Twilio posts none for sending).
  await eventually(async () => (callbackCounts(new Set(sids)).size === sids.length * 2 ? true : undefined), 30_000, 100);
  for (const [key, n] of callbackCounts(new Set(sids))) assert.equal(n, 1, `${key} reported once`);
  // Every node did part of the sending: the work is shared, not pinned to the node that took the request.
  // Each node counts the messages it handed to a carrier (switchboard_messages_sent_total on its /metrics).
  const perNode = await Promise.all(urls.map(sentBy));
  assert.equal(
    perNode.reduce((a, b) => a + b, 0),
    150,
    `the nodes sent ${perNode.join(' + ')} messages`,
  );
  assert.ok(
    perNode.every((n) => n > 0),
    `every node sent some: ${perNode.join(', ')}`,
  );
  // The sender's pace holds across the three nodes: slots are handed out one 1/MPS apart from one schedule
  // row, and nothing is sent before its slot, so the k-th send is at least k/MPS seconds after the first
  // message was created. A loaded node may send late (sends then bunch), which is allowed; early never is.
  // (The earlier check, at most MPS in any one-second window of send times, measured the machine's load.)
  const sent = (await sql.query<{ t: string }>(`SELECT date_sent AS t FROM messages WHERE sid = ANY($1) ORDER BY date_sent`, [sids])).rows.map((r) =>
    Number(r.t),
  );
  const created = Number((await sql.query<{ t: string }>(`SELECT min(date_created) AS t FROM messages WHERE sid = ANY($1)`, [sids])).rows[0]!.t);
  const early = sent.findIndex((t, k) => t < created + Math.floor((k * 1000) / MPS));
  assert.equal(
    early,
    -1,
    `send ${early} went before its slot: ${sent[early]! - created} ms after the first create, slot at ${Math.floor((early * 1000) / MPS)} ms`,
  );
  assert.ok(sent[sent.length - 1]! - sent[0]! >= ((150 - MPS - 1) / MPS) * 1000, 'the burst was spread over time by the pace');
});

test('one node is SIGKILLed mid-burst: the others finish its work, nothing is lost or sent twice', async () => {
  let killed = false;
  const killer = (n: number) => {
    if (!killed && n >= 60) {
      killed = true;
      nodes[2]!.signal('SIGKILL');
    }
  };
  const sids = await burst(urls, from, 150, '30', killer);
  assert.ok(killed);
  assert.ok(sids.length >= 60, `accepted ${sids.length}`);
  // The dead node's claims come back after its lease (3 s here) and the two others send them.
  await eventually(() => allDelivered(sids), 60_000, 250).catch(async (err: Error) => {
    throw new Error(`${err.message}: ${await statuses(sids)}`);
  });
  const inbox = await inboxCounts(sids);
  for (const sid of sids) assert.equal(inbox.get(sid), 1, `${sid} reached its phone once`);
  // Status callbacks are at-least-once: each status arrives; a repeat is possible only for a callback the
  // dead node had in flight when it died.
  await eventually(async () => (callbackCounts(new Set(sids)).size === sids.length * 2 ? true : undefined), 60_000, 200);
});

test("two nodes taking a new sender's first slots at the same moment get slots one 1/MPS apart, not the same one", async () => {
  // Two repositories on two connections, as two nodes have: both reserve while the other's transaction is open.
  const stores = [openStore(dbUrl), openStore(dbUrl)];
  try {
    const repos = stores.map((s) => new MessagesRepository(s.db, s.dialect));
    const sender = '+14155559876';
    const now = Date.now();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Node A reserves and keeps its transaction open; node B's reservation must wait for it, then follow it.
    const a = transactor(stores[0]!.db).transaction(async (trx) => {
      const slot = await repos[0]!.reserveSlot(sender, now, 25, 60_000, trx);
      await held;
      return slot;
    });
    await new Promise((r) => setTimeout(r, 100));
    const b = transactor(stores[1]!.db).transaction((trx) => repos[1]!.reserveSlot(sender, now, 25, 60_000, trx));
    await new Promise((r) => setTimeout(r, 100));
    release();
    const slots = [await a, await b];
    assert.deepEqual(slots, [now, now + 25]);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});
