// npm run bench:sms [-- --messages 20000 --concurrency 64 --rate 1500 --seconds 5 --nodes 1 --workers 1 --store sqlite|postgres]
// The default rate is issue 19's latency target: create p99 under 25 ms at 1,500 messages/s.
// --workers N starts each node as `switchboard start --workers N` (PostgreSQL only): N processes sharing the port.
// N messages are created over HTTP with a StatusCallback, carried by the simulator, until every `delivered`
// callback has arrived. Prints sustained messages/s, create latency p50/p99 and callback lag p99, then a
// fixed-rate run for create latency at that rate, and writes the figures to docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { flag, loadClient, machine, median, percentile, receiver, startSwitchboardProcess, writeSection, type RunningSwitchboard } from './lib.js';

const N = Number(flag('messages', '20000'));
const CONCURRENCY = Number(flag('concurrency', '64'));
const RATE = Number(flag('rate', '1500'));
const RATE_SECONDS = Number(flag('seconds', '5'));
const NODES = Number(flag('nodes', '1'));
const STORE = flag('store', 'sqlite');
const WORKERS = Number(flag('workers', '1'));
// One sender by default; several spread the per-sender schedule rows (each create locks its sender's row).
const SENDERS = Number(flag('senders', '1'));
const PG_ADMIN = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DEADLINE_MS = 300_000;

const sid = `AC${randomBytes(16).toString('hex')}`;
const token = randomBytes(16).toString('hex');
const auth = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;

async function database(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (STORE !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
    return { url: join(dir, 'bench.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `sb_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const http = loadClient(CONCURRENCY);

async function post(base: string, path: string, form: Record<string, string>): Promise<{ status: number; body: { sid?: string; phone_number?: string } }> {
  const res = await http(base + path, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: JSON.parse(res.text) as { sid?: string } };
}

interface Run {
  created: Map<string, number>;
  createMs: number[];
  delivered: Map<string, number>;
  started: number;
  failed: number;
}

async function burst(nodes: RunningSwitchboard[], senders: string[], cb: string, count: number, ratePerSec: number | null, run: Run): Promise<void> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      if (ratePerSec) {
        const due = t0 + (i * 1000) / ratePerSec;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const node = nodes[i % nodes.length]!;
      const start = performance.now();
      const res = await post(node.url, `/2010-04-01/Accounts/${sid}/Messages.json`, {
        To: `+1555${String(1000000 + (i % 9000000)).slice(-7)}`,
        From: senders[i % senders.length]!,
        Body: `bench message ${i}`,
        StatusCallback: cb,
      });
      const end = performance.now();
      if (res.status !== 201 || !res.body.sid) {
        if (run.failed++ === 0) console.error(`first create error: ${res.status} ${JSON.stringify(res.body)}`);
        continue;
      }
      run.createMs.push(end - start);
      run.created.set(res.body.sid, end);
    }
  };
  await Promise.all(Array.from({ length: ratePerSec ? Math.max(CONCURRENCY, 128) : CONCURRENCY }, worker));
}

async function waitDelivered(run: Run, count: number): Promise<void> {
  const until = Date.now() + DEADLINE_MS;
  while (run.delivered.size < count - run.failed && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

function lags(run: Run): number[] {
  const out: number[] = [];
  for (const [s, created] of run.created) {
    const d = run.delivered.get(s);
    if (d !== undefined) out.push(d - created);
  }
  return out;
}

async function main(): Promise<void> {
  const startLoad = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const db = await database();
  const runs: Run[] = [];
  let current: Run | undefined;
  const rx = await receiver((_path, params) => {
    if (params.get('MessageStatus') === 'delivered' && current) current.delivered.set(params.get('MessageSid')!, performance.now());
  });
  const nodes: RunningSwitchboard[] = [];
  try {
    for (let i = 0; i < NODES; i++) {
      nodes.push(
        await startSwitchboardProcess(
          [
            ...['--port', '0', '--database-url', db.url, '--mps-long-code', '1000000', '--api-concurrency', '100000', '--deterministic'],
            ...(WORKERS > 1 ? ['--workers', String(WORKERS)] : []),
          ],
          { SWITCHBOARD_ACCOUNT_SID: sid, SWITCHBOARD_AUTH_TOKEN: token },
        ),
      );
    }
    const senders: string[] = [];
    for (let i = 0; i < SENDERS; i++)
      senders.push((await post(nodes[0]!.url, `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`, { AreaCode: '415' })).body.phone_number!);
    // Warm-up: JIT, connection pools, SQLite pages.
    current = { created: new Map(), createMs: [], delivered: new Map(), started: performance.now(), failed: 0 };
    await burst(nodes, senders, `${rx.url}/cb`, 500, null, current);
    await waitDelivered(current, 500);

    current = { created: new Map(), createMs: [], delivered: new Map(), started: performance.now(), failed: 0 };
    await burst(nodes, senders, `${rx.url}/cb`, N, null, current);
    await waitDelivered(current, N);
    runs.push(current);
    const a = current;
    const lastDelivered = Math.max(...a.delivered.values());
    const sustained = a.delivered.size / ((lastDelivered - a.started) / 1000);

    current = { created: new Map(), createMs: [], delivered: new Map(), started: performance.now(), failed: 0 };
    await burst(nodes, senders, `${rx.url}/cb`, RATE * RATE_SECONDS, RATE, current);
    await waitDelivered(current, RATE * RATE_SECONDS);
    const b = current;

    const rows = [
      ['store', `${STORE} (${NODES} node${NODES > 1 ? 's' : ''}${WORKERS > 1 ? ` of ${WORKERS} workers` : ''}, ${SENDERS} sender${SENDERS > 1 ? 's' : ''})`],
      ['messages (burst)', `${a.delivered.size}/${N} delivered, ${a.failed} create errors`],
      ['sustained end to end', `${sustained.toFixed(0)} messages/s`],
      [`create latency (burst, concurrency ${CONCURRENCY})`, `p50 ${median(a.createMs).toFixed(1)} ms, p99 ${percentile(a.createMs, 99).toFixed(1)} ms`],
      ['callback lag (burst)', `p50 ${median(lags(a)).toFixed(0)} ms, p99 ${percentile(lags(a), 99).toFixed(0)} ms`],
      [`create latency at ${RATE}/s`, `p50 ${median(b.createMs).toFixed(1)} ms, p99 ${percentile(b.createMs, 99).toFixed(1)} ms (${b.created.size} messages)`],
      [`callback lag at ${RATE}/s`, `p50 ${median(lags(b)).toFixed(0)} ms, p99 ${percentile(lags(b), 99).toFixed(0)} ms`],
    ];
    const table = ['| measure | result |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
    console.log(table);
    const key = `sms-${STORE}-${NODES}${WORKERS > 1 ? `-workers${WORKERS}` : ''}${SENDERS > 1 ? `-senders${SENDERS}` : ''}`;
    writeSection(
      key,
      `### SMS end to end: ${STORE}, ${NODES} node${NODES > 1 ? 's' : ''}${WORKERS > 1 ? `, ${WORKERS} workers each` : ''}\n\n\`npm run bench:sms -- --store ${STORE} --nodes ${NODES} --messages ${N}${WORKERS > 1 ? ` --workers ${WORKERS}` : ''}${SENDERS > 1 ? ` --senders ${SENDERS}` : ''}\` on ${machine()}, load average at start ${startLoad}.\nEach message: HTTP create with a StatusCallback, the simulator carrier, signed status callbacks (sent and delivered; before 2026-12-06 also sending) to a local receiver.\n\n${table}`,
    );
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    rx.server.close();
    await db.drop();
  }
}

await main();
