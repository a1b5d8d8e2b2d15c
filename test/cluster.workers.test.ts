import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { httpClient } from '../src/compat/http-client.js';
import { FakeApp, eventually } from './support/app.js';
import { Cli } from './support/cli.js';
import { admin, databaseUrl } from './support/postgres.js';

// `switchboard start --workers 2` on PostgreSQL: two processes share the API port, each a node of its own,
// and /metrics on either describes both. PostgreSQL runs on this machine (127.0.0.1:5432); .ci/run starts it.
const DB = `sb_workers_${process.pid}`;
const dbUrl = databaseUrl(DB);
const SID = `AC${'d'.repeat(32)}`;
const TOKEN = 'workers-token-12345-0123456789abcdef';
const MESSAGES = 16;

const app = new FakeApp();
let server: Cli | undefined;

/** Samples of one metric from the Prometheus text, with their labels. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}(?:\\{(.*)\\})? (\\S+)$`).exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ labels, value: Number(m[2]) });
  }
  return out;
}

async function metrics(url: string): Promise<string> {
  // Bounded: a connection the primary handed to a worker just as it was killed may never be answered.
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200);
  return res.text();
}

before(async () => {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  await app.start();
});

after(async () => {
  // What the primary and the workers said, when the test ends with them still running (a failure).
  const ended = server && (await Promise.race([server.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]));
  if (server && !ended) console.error(`switchboard --workers output:\n${server.stderr.slice(-4000)}\n${server.stdout.slice(-4000)}`);
  server?.kill();
  await app.stop();
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

test('--workers 2 on SQLite is refused with exit code 2 and the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-workers-'));
  try {
    const cli = new Cli(['start', '--workers', '2', '--port', '0', '--data-dir', dir]);
    assert.equal(await cli.exited, 2);
    assert.match(cli.stderr, /--workers \(SWITCHBOARD_WORKERS\): more than one worker needs PostgreSQL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two workers share the port: the SDK is served by both, /metrics sums them, a killed worker comes back, SIGTERM drains', async () => {
  server = new Cli(['start', '--workers', '2', '--port', '0', '--database-url', dbUrl, '--lease-ms', '3000'], {
    SWITCHBOARD_ACCOUNT_SID: SID,
    SWITCHBOARD_AUTH_TOKEN: TOKEN,
    SWITCHBOARD_LOG_LEVEL: 'warn',
  });
  const step = (what: string) => console.log(`# ${new Date().toISOString()} ${what}`);
  const { url, sid } = await server.banner();
  step('started');
  assert.equal(sid, SID);
  assert.match(server.stderr, /Workers: +2 processes/);

  const client = twilio(SID, TOKEN, { httpClient: httpClient(url) as never });
  const number = await client.incomingPhoneNumbers.create({ areaCode: '415' });
  // Concurrent requests open several connections, which the cluster hands to the workers in turn.
  const sent = await Promise.all(
    Array.from({ length: MESSAGES }, (_, i) =>
      client.messages.create({ to: `+1415555${String(1000 + i)}`, from: number.phoneNumber, body: `worker test ${i}`, statusCallback: `${app.base}/status` }),
    ),
  );
  for (const m of sent) assert.equal(m.status, 'queued');
  const delivered = () => app.receivedAt('/status').filter((r) => r.params.MessageStatus === 'delivered');
  await eventually(async () => (delivered().length >= MESSAGES ? true : undefined), 30_000);
  assert.deepEqual(new Set(delivered().map((r) => r.params.MessageSid)), new Set(sent.map((m) => m.sid)));
  // Signed with the account's token, whichever worker sent it.
  const cb = delivered()[0]!;
  assert.ok(twilio.validateRequest(TOKEN, cb.headers['x-twilio-signature'] as string, cb.url, cb.params));
  // Every message is readable through any worker.
  const listed = await client.messages.list({ from: number.phoneNumber, limit: 100 });
  assert.equal(listed.length, MESSAGES);

  step('messages delivered');
  const text = await metrics(url);
  const perWorker = samples(text, 'switchboard_worker_http_requests_total');
  assert.deepEqual(perWorker.map((s) => s.labels.worker).sort(), ['1', '2']);
  for (const s of perWorker) assert.ok(s.value > 0, `worker ${s.labels.worker} answered no request`);
  // The machine's total: every create, whichever worker took it, in one summed series.
  const creates = samples(text, 'switchboard_http_requests_total').filter(
    (s) => s.labels.method === 'POST' && s.labels.status === '201' && s.labels.route?.endsWith('/Messages'),
  );
  assert.equal(creates.length, 1);
  assert.equal(creates[0]!.value, MESSAGES);
  const total = perWorker.reduce((n, s) => n + s.value, 0);
  const all = samples(text, 'switchboard_http_requests_total').reduce((n, s) => n + s.value, 0);
  assert.equal(all, total);

  // A worker that dies is started again under the same index.
  const info = samples(text, 'switchboard_worker_info');
  const second = info.find((s) => s.labels.worker === '2')!;
  process.kill(Number(second.labels.pid), 'SIGKILL');
  await eventually(
    async () => {
      const now = samples(await metrics(url).catch(() => ''), 'switchboard_worker_info');
      const w2 = now.find((s) => s.labels.worker === '2');
      return w2 && w2.labels.pid !== second.labels.pid && now.length === 2 ? true : undefined;
    },
    30_000,
    200,
  );
  step('worker 2 restarted');
  // And serves: a message created now is delivered.
  const late = await client.messages.create({ to: '+14155559999', from: number.phoneNumber, body: 'after the restart', statusCallback: `${app.base}/status` });
  await app.waitFor((r) => r.params.MessageSid === late.sid && r.params.MessageStatus === 'delivered', 30_000);

  step('served after the restart');
  server.signal('SIGTERM');
  assert.equal(await server.exited, 0);
});
