// npm run bench:scale [-- --store sqlite|postgres|both --messages 1000000 --webhooks 3000000 --calls 100000 --samples 200]
// Cost as data grows. For each store: measure message create latency on an empty store; then fill the
// store in bulk (INSERT ... SELECT over generated rows inside the database, not through HTTP) with the
// messages, webhook records (one alert per 100 of them, for the failed ones) and calls of 30 days of one
// account; then measure, against the running server over HTTP, create again, list first page and page 100
// with and without To / From / DateSent filters, fetch, and the console's message log, message detail and
// inspector queries. Each figure is a p50/p99 over `--samples` sequential requests. Sizes are flags, so a
// smaller fill (`--messages 100000 --webhooks 300000 --calls 10000`) runs in seconds while developing.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/load.js';
import { startSwitchboard, type Switchboard } from '../src/main.js';
import { flag, loadClient, machine, percentile, writeSection } from './lib.js';
import { fill } from './scale-fill.js';

const STORES = flag('store', 'both') === 'both' ? ['sqlite', 'postgres'] : [flag('store', 'sqlite')];
const MESSAGES = Number(flag('messages', '1000000'));
const WEBHOOKS = Number(flag('webhooks', '3000000'));
const CALLS = Number(flag('calls', '100000'));
const SAMPLES = Number(flag('samples', '200'));
const PG_ADMIN = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TARGET_MS = 50;

const sid = `AC${randomBytes(16).toString('hex')}`;
const token = randomBytes(16).toString('hex');
const auth = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
const http = loadClient(4);

interface Figure {
  name: string;
  p50: number;
  p99: number;
  /** CPU of this process (server and client) per request, median: steadier than wall time on a busy machine. */
  cpu: number;
}

async function database(store: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (store !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'sb-scale-'));
    return { url: join(dir, 'scale.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `sb_scale_${Date.now()}`;
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

async function start(url: string, dataDir: string): Promise<Switchboard> {
  const env = {
    SWITCHBOARD_PORT: '0',
    SWITCHBOARD_SIP_PORT: '-1',
    SWITCHBOARD_LOG_LEVEL: 'warn',
    SWITCHBOARD_ACCOUNT_SID: sid,
    SWITCHBOARD_AUTH_TOKEN: token,
    SWITCHBOARD_MPS_LONG_CODE: '1000000',
    // The filled records are up to 30 days old: keep them while measuring.
    SWITCHBOARD_WEBHOOK_LOG_RETENTION: 'off',
    SWITCHBOARD_ALERT_RETENTION: 'off',
    SWITCHBOARD_MEDIA_WORKERS: '0',
  };
  return startSwitchboard({ ...loadConfig([], env, dataDir), databaseUrl: url, deterministic: true });
}

async function get(base: string, path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await http(base + path, { headers: { authorization: auth } });
  return { status: res.status, json: JSON.parse(res.text) as Record<string, unknown> };
}

/** p50/p99 of `SAMPLES` sequential calls of `one` (its argument: the sample's index). */
async function measure(name: string, one: (i: number) => Promise<void>): Promise<Figure> {
  for (let i = 0; i < 5; i++) await one(i); // warm statement caches
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await one(i);
    const used = process.cpuUsage(c);
    ms.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  const f = { name, p50: percentile(ms, 50), p99: percentile(ms, 99), cpu: percentile(cpu, 50) };
  console.log(`  ${name}: p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, CPU ${f.cpu.toFixed(2)} ms`);
  return f;
}

function ok(status: number, what: string): void {
  if (status < 200 || status >= 300) throw new Error(`${what}: HTTP ${status}`);
}

async function create(base: string, from: string, i: number): Promise<void> {
  const res = await http(`${base}/2010-04-01/Accounts/${sid}/Messages.json`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ To: `+1415${String(5_000_000 + (i % 1_000_000)).padStart(7, '0')}`, From: from, Body: `Scale ${i}` }).toString(),
  });
  ok(res.status, 'create');
}

// --- one store ----------------------------------------------------------------------------------------------

async function runStore(store: string): Promise<{ store: string; fillSeconds: number; figures: Figure[]; emptyCreate: Figure }> {
  console.log(`${store}:`);
  const db = await database(store);
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-scale-data-'));
  let sb = await start(db.url, dataDir);
  try {
    const bought = await http(`${sb.url}/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'AreaCode=415',
    });
    ok(bought.status, 'buying a number');
    const from = (JSON.parse(bought.text) as { phone_number: string }).phone_number;
    const emptyCreate = await measure('create, empty store', (i) => create(sb.url, from, i));
    // Filled by the same process's store connection while the server idles (the server's pipeline has
    // nothing to claim: every filled message is delivered).
    const filled = await fill(sb.store, { accountSid: sid, from, messages: MESSAGES, webhooks: WEBHOOKS, calls: CALLS });
    console.log(`  filled in ${filled.seconds.toFixed(0)} s`);
    // Restart, so the measurements see a server that opens a store of this size.
    await sb.close();
    sb = await start(db.url, dataDir);
    const base = sb.url;
    const list = `/2010-04-01/Accounts/${sid}/Messages.json`;
    const figures: Figure[] = [];
    const page = async (path: string) => {
      const r = await get(base, path);
      ok(r.status, path);
      return r.json;
    };
    /** The URL of page `n` (1-based) of a list, by following next_page_uri as a client does. */
    const pageUrl = async (first: string, n: number): Promise<string> => {
      let url = first;
      for (let i = 1; i < n; i++) {
        const body = await page(url);
        const meta = body.meta as { next_page_url?: string | null } | undefined;
        const next = typeof body.next_page_uri === 'string' ? body.next_page_uri : meta?.next_page_url?.slice(base.length);
        if (typeof next !== 'string') throw new Error(`${first} has fewer than ${n} pages`);
        url = next;
      }
      return url;
    };
    const day = 86_400_000;
    const sentOn = new Date(Date.now() - 10 * day).toISOString().slice(0, 10);
    const sentAfter = new Date(Date.now() - 20 * day).toISOString();
    const sentBefore = new Date(Date.now() - 19 * day).toISOString();
    const lists: [string, string][] = [
      ['list, no filter', `${list}?PageSize=50`],
      ['list, To', `${list}?PageSize=50&To=${encodeURIComponent(filled.sampleTo)}`],
      ['list, From', `${list}?PageSize=50&From=${encodeURIComponent(from)}`],
      ['list, DateSent (one day)', `${list}?PageSize=50&DateSent=${sentOn}`],
      [
        'list, DateSent> DateSent< (a day, 20 days ago)',
        `${list}?PageSize=50&${encodeURIComponent('DateSent>')}=${sentAfter}&${encodeURIComponent('DateSent<')}=${sentBefore}`,
      ],
    ];
    for (const [name, url] of lists) {
      figures.push(await measure(`${name}: first page`, () => page(url).then(() => undefined)));
      const hundredth = await pageUrl(url, 100).catch(() => undefined);
      if (hundredth) figures.push(await measure(`${name}: page 100`, () => page(hundredth).then(() => undefined)));
    }
    figures.push(await measure('fetch a message', () => page(`${list.slice(0, -5)}/${filled.sampleMessage}.json`).then(() => undefined)));
    figures.push(await measure('create, filled store', (i) => create(base, from, SAMPLES + 10 + i)));
    // What the console asks for: the message log is the list above; a message's detail; the inspector.
    const wr = '/switchboard/v1/WebhookRequests';
    figures.push(
      await measure('console: message detail (its webhook records)', () =>
        page(`${wr}?ResourceSid=${filled.sampleMessage}&PageSize=200`).then(() => undefined),
      ),
    );
    figures.push(
      await measure('console: message detail (its alerts)', () =>
        page(`/switchboard/v1/Alerts?ResourceSid=${filled.sampleMessage}&PageSize=100`).then(() => undefined),
      ),
    );
    figures.push(await measure('console: inspector, first page', () => page(`${wr}?PageSize=50`).then(() => undefined)));
    const wr100 = await pageUrl(`${wr}?PageSize=50`, 100);
    figures.push(await measure('console: inspector, page 100', () => page(wr100).then(() => undefined)));
    figures.push(await measure('console: inspector, failed only', () => page(`${wr}?PageSize=50&Failed=true`).then(() => undefined)));
    const firstRecord = ((await page(`${wr}?PageSize=1`)).webhook_requests as { sid: string }[])[0]!.sid;
    figures.push(await measure('console: inspector, one record', () => page(`${wr}/${firstRecord}`).then(() => undefined)));
    figures.push(await measure('console: alerts, first page', () => page('/switchboard/v1/Alerts?PageSize=50').then(() => undefined)));
    figures.push(await measure('calls: list, first page', () => page(`/2010-04-01/Accounts/${sid}/Calls.json?PageSize=50`).then(() => undefined)));
    return { store, fillSeconds: filled.seconds, figures, emptyCreate };
  } finally {
    await sb.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(
  `bench:scale: ${MESSAGES.toLocaleString('en')} messages, ${WEBHOOKS.toLocaleString('en')} webhook records, ${CALLS.toLocaleString('en')} calls; ${machine()}; load average ${load}`,
);
const results: Awaited<ReturnType<typeof runStore>>[] = [];
for (const store of STORES) results.push(await runStore(store));

const rows = results[0]!.figures.map((f, i) => {
  const cells = results.map((r) => {
    const g = r.figures[i]!;
    const over = g.p99 > TARGET_MS && !g.name.startsWith('create') ? ' (over 50 ms)' : '';
    return `${g.p50.toFixed(1)} / ${g.p99.toFixed(1)} ms${over}, CPU ${g.cpu.toFixed(1)} ms`;
  });
  return `| ${f.name} | ${cells.join(' | ')} |`;
});
const createRows = results.map(
  (r) =>
    `- ${r.store}: create p99 ${r.emptyCreate.p99.toFixed(1)} ms empty, ${r.figures.find((f) => f.name === 'create, filled store')!.p99.toFixed(1)} ms filled; fill took ${r.fillSeconds.toFixed(0)} s`,
);
writeSection(
  'scale',
  `### Cost as data grows (\`npm run bench:scale\`)

\`npm run bench:scale -- --messages ${MESSAGES} --webhooks ${WEBHOOKS} --calls ${CALLS} --samples ${SAMPLES}\` on ${machine()}, load average at start ${load}.
One account; the store is filled in bulk inside the database (30 days of messages to 10,000 recipients from 10 senders, three webhook records per message, one alert per 100 records, calls), then the running server is asked over HTTP, one request at a time; p50 / p99 of ${SAMPLES} requests each, and the median CPU time of the process (server and client together; requests are sequential) per request, which a busy machine disturbs less than wall time.

| request | ${results.map((r) => `${r.store}: p50 / p99, CPU`).join(' | ')} |
| --- | ${results.map(() => '---').join(' | ')} |
${rows.join('\n')}

${createRows.join('\n')}
`,
);
