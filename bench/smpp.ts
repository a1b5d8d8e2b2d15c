// npm run bench:smpp [-- --messages 5000 --warmup 2000 --concurrency 64 --window 100 --timeout 300 --only kannel|switchboard]
// One run, one machine, one sink SMSC (the TypeScript test SMSC: answers every submit_sm and sends a
// delivery receipt for each), two gateways in turn: Kannel 1.4.5 (HTTP sendsms with a dlr-url) and
// Switchboard (REST create with a StatusCallback, started as a child process with SQLite in a temp folder).
// For each: delivered callbacks per second end to end, and latency from request to delivered callback.
// Loopback only; bounded by message count, concurrency and an overall timeout; children killed in finally.
// BENCH_PROFILE=<dir> writes a CPU profile of the Switchboard process there.
import { execSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestSmsc } from '../src/messaging/carriers/smpp/test-support/smsc.js';
import { ensureKannel, startKannel } from './kannel.js';
import { ROOT, SERVER_NODE_FLAGS, flag, loadClient, machineCpuSeconds, percentile, processCpuSeconds, writeSection } from './lib.js';

const N = Number(flag('messages', '5000'));
const CONCURRENCY = Number(flag('concurrency', '64'));
const WINDOW = Number(flag('window', '100'));
const TIMEOUT_MS = Number(flag('timeout', '300')) * 1000;
const ONLY = flag('only', '');
const WARMUP = Number(flag('warmup', '2000'));
const http = loadClient(CONCURRENCY);

interface Result {
  gateway: string;
  sent: number;
  delivered: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  seconds: number;
  /** CPU milliseconds per delivered message: the gateway's processes, this harness, the whole machine. */
  gatewayCpuMs: number;
  harnessCpuMs: number;
  machineCpuMs: number;
  machineBusy: number;
  /** Requests accepted and callbacks delivered in each second of the run. */
  acceptedPerSecond: number[];
  deliveredPerSecond: number[];
}

/** How many of `times` (performance.now() values) fall in each whole second after t0. */
function perSecond(times: Iterable<number>, t0: number): number[] {
  const counts: number[] = [];
  for (const at of times) {
    const second = Math.floor((at - t0) / 1000);
    while (counts.length <= second) counts.push(0);
    counts[second]!++;
  }
  return counts;
}

/** nproc, CPU model and memory as /proc tells them, plus Node and the date. */
function machine(): string {
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() || '?';
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU';
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  // The load average says whether other work shared the two cores during the run (it often does here).
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return `nproc ${nproc}, ${model}, ${(memKb / 2 ** 20).toFixed(1)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average at start ${load}`;
}

/** Records the time of the first `delivered` callback per key; GET query and POST form both read. */
async function receiver(keyOf: (path: string, p: URLSearchParams) => string | null): Promise<{ url: string; server: Server; done: Map<string, number> }> {
  const done = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const params = new URLSearchParams(Buffer.concat(chunks).toString());
      for (const [k, v] of url.searchParams) params.append(k, v);
      const key = keyOf(url.pathname, params);
      if (key !== null && !done.has(key)) done.set(key, performance.now());
      res.writeHead(200, { 'content-type': 'text/plain' }).end('');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, done };
}

/** Sends N requests, at most CONCURRENCY at once, then waits for N deliveries or the deadline. */
async function drive(name: string, send: (i: number) => Promise<string | null>, done: Map<string, number>, gatewayPids: number[]): Promise<Result> {
  if (WARMUP > 0) await warmUp(name, send, done);
  const gatewayCpu = () => gatewayPids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const [gateway0, harness0, machine0] = [gatewayCpu(), process.cpuUsage(), machineCpuSeconds()];
  const started = new Map<string, number>();
  const deadline = Date.now() + TIMEOUT_MS;
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < N && Date.now() < deadline) {
      const i = next++;
      const at = performance.now();
      try {
        const key = await send(i);
        if (key === null) errors++;
        else started.set(key, at);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const sent = started.size;
  const acceptSeconds = (performance.now() - t0) / 1000;
  while (Date.now() < deadline && [...started.keys()].some((k) => !done.has(k))) await new Promise((r) => setTimeout(r, 50));
  const latencies: number[] = [];
  const deliveredAt: number[] = [];
  let last = t0;
  for (const [k, at] of started) {
    const d = done.get(k);
    if (d === undefined) continue;
    latencies.push(d - at);
    deliveredAt.push(d);
    last = Math.max(last, d);
  }
  const seconds = (last - t0) / 1000;
  const harness = process.cpuUsage(harness0);
  const machine1 = machineCpuSeconds();
  const perMessage = (cpuSeconds: number) => (1000 * cpuSeconds) / Math.max(1, latencies.length);
  const r: Result = {
    gateway: name,
    sent,
    delivered: latencies.length,
    errors,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    seconds,
    gatewayCpuMs: perMessage(gatewayCpu() - gateway0),
    harnessCpuMs: perMessage((harness.user + harness.system) / 1e6),
    machineCpuMs: perMessage(machine1.busy - machine0.busy),
    machineBusy: (machine1.busy - machine0.busy) / Math.max(0.01, machine1.total - machine0.total),
    acceptedPerSecond: perSecond(started.values(), t0),
    deliveredPerSecond: perSecond(deliveredAt, t0),
  };
  console.log(
    `${name}: ${r.delivered}/${N} delivered in ${seconds.toFixed(1)} s, ${r.perSecond.toFixed(0)}/s, p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, ${errors} request errors`,
  );
  console.log(
    `  requests accepted in ${acceptSeconds.toFixed(1)} s (${(sent / acceptSeconds).toFixed(0)}/s); per second, accepted ${r.acceptedPerSecond.join(' ')}; delivered ${r.deliveredPerSecond.join(' ')}`,
  );
  console.log(
    `  CPU per delivered message: gateway ${r.gatewayCpuMs.toFixed(2)} ms, harness ${r.harnessCpuMs.toFixed(2)} ms, whole machine ${r.machineCpuMs.toFixed(2)} ms (machine ${(100 * r.machineBusy).toFixed(0)} % busy)`,
  );
  return r;
}

/**
 * Both gateways first carry WARMUP messages that are not measured (recipients numbered after the measured
 * ones): the figures are a running gateway's, not a fresh process's first seconds (V8 compiling the hot
 * paths, SQLite's page cache, pools filling). Kannel gets the same warm-up.
 */
async function warmUp(name: string, send: (i: number) => Promise<string | null>, done: Map<string, number>): Promise<void> {
  const keys: string[] = [];
  let next = 0;
  const deadline = Date.now() + TIMEOUT_MS;
  const worker = async () => {
    while (next < WARMUP && Date.now() < deadline) {
      const key = await send(N + next++).catch(() => null);
      if (key !== null) keys.push(key);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  while (Date.now() < deadline && keys.some((k) => !done.has(k))) await new Promise((r) => setTimeout(r, 50));
  console.log(`${name}: warm-up, ${keys.filter((k) => done.has(k)).length}/${WARMUP} delivered (not measured)`);
}

const to = (i: number) => `447700${String(900000 + i).padStart(6, '0')}`;

async function kannelRun(): Promise<Result | null> {
  const version = ensureKannel();
  if (!version) {
    console.log('kannel: not available, skipped');
    return null;
  }
  const sink = new TestSmsc({ idFormat: 'decimal', receipts: { delayMs: 0 } });
  const smscPort = await sink.start();
  const recv = await receiver((path, p) => (path === '/dlr' && p.get('t') === '1' ? p.get('i') : null));
  const kannel = await startKannel(smscPort, WINDOW, version).catch(async (err: unknown) => {
    await sink.close();
    recv.server.close();
    throw err;
  });
  try {
    for (let i = 0; i < 150 && sink.connectionCount === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500)); // bind answered, smsc marked online
    const send = async (i: number) => {
      const dlr = `${recv.url}/dlr?i=${i}&t=%d`;
      const q = new URLSearchParams({
        username: 'api',
        password: 'apipw',
        from: '15550001111',
        to: to(i),
        text: `Bench message ${i}`,
        'dlr-mask': '31',
        'dlr-url': dlr,
      });
      const res = await http(`${kannel.sendsmsUrl}?${q}`);
      return res.status === 202 || res.status === 200 ? String(i) : null;
    };
    return { ...(await drive(`Kannel ${version}`, send, recv.done, kannel.pids)) };
  } finally {
    await kannel.stop();
    await sink.close();
    recv.server.closeAllConnections();
    recv.server.close();
  }
}

async function switchboardRun(): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-smpp-'));
  const sink = new TestSmsc({ idFormat: 'decimal', receipts: { delayMs: 0 } });
  const smscPort = await sink.start();
  const recv = await receiver((path, p) => (path === '/status' && p.get('MessageStatus') === 'delivered' ? p.get('MessageSid') : null));
  writeFileSync(
    join(dir, 'carriers.json'),
    JSON.stringify({
      carriers: [
        {
          name: 'sink',
          host: '127.0.0.1',
          port: smscPort,
          systemId: 'switchboard',
          password: 'secret',
          window: WINDOW,
          submitIdFormat: 'decimal',
          receiptIdFormat: 'decimal',
        },
      ],
    }),
  );
  const sid = `AC${randomBytes(16).toString('hex')}`;
  const token = randomBytes(16).toString('hex');
  const auth = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
  execSync('node scripts/ensure.mjs dist', { cwd: ROOT, stdio: 'inherit' }); // measure the current sources, as users run them
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...SERVER_NODE_FLAGS,
      ...profile,
      join(ROOT, 'bin/switchboard.js'),
      'start',
      '--port',
      '0',
      '--sip-port',
      '-1',
      '--log-level',
      'warn',
      '--data-dir',
      dir,
      '--database-url',
      join(dir, 'sb.db'),
      '--carriers-file',
      join(dir, 'carriers.json'),
      '--account-sid',
      sid,
      '--auth-token',
      token,
      '--mps-long-code',
      '1000000',
      '--webhook-timeout',
      '15000',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let err = '';
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`switchboard did not start:\n${err}`)), 60_000);
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        if (err.length < 100_000) err += d;
        const m = /running at (http:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`switchboard exited ${code}:\n${err}`));
      });
    });
    const api = `${base}/2010-04-01/Accounts/${sid}`;
    const post = (url: string, form: Record<string, string>) =>
      http(url, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    for (let i = 0; i < 150; i++) {
      const c = JSON.parse((await http(`${base}/switchboard/v1/Carriers/sink`, { headers: { authorization: auth } })).text) as { health?: { up: boolean } };
      if (c.health?.up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const from = '+14155550100';
    const bought = await post(`${api}/IncomingPhoneNumbers.json`, { PhoneNumber: from });
    if (bought.status !== 201) throw new Error(`buying ${from}: ${bought.status} ${bought.text}`);
    const send = async (i: number) => {
      const res = await post(`${api}/Messages.json`, { To: `+${to(i)}`, From: from, Body: `Bench message ${i}`, StatusCallback: `${recv.url}/status` });
      const body = JSON.parse(res.text) as { sid?: string };
      return res.status === 201 && body.sid ? body.sid : null;
    };
    return await drive('Switchboard', send, recv.done, [child.pid!]);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
    await sink.close();
    recv.server.closeAllConnections();
    recv.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the target (Kannel's rate, at no more CPU a message) leaves on this machine: at Kannel's rate, every message may use at most
 * cores / rate of CPU in all, of which the harness already takes what it took per Switchboard message.
 */
function kannelRateBudget(kannel: Result, sb: Result): string {
  const cores = cpus().length;
  const target = kannel.perSecond;
  const machineMs = (1000 * cores) / target;
  const gatewayMs = machineMs - sb.harnessCpuMs;
  return (
    `Kannel's rate is ${target.toFixed(0)} messages/s: with ${cores} cores that leaves ${machineMs.toFixed(2)} ms of CPU per message for everything, ` +
    `and after the harness's ${sb.harnessCpuMs.toFixed(2)} ms, ${gatewayMs.toFixed(2)} ms for Switchboard, if it used every core fully ` +
    `(Kannel used ${kannel.gatewayCpuMs.toFixed(2)} ms; Switchboard used ${sb.gatewayCpuMs.toFixed(2)} ms).`
  );
}

async function main(): Promise<void> {
  const host = machine();
  console.log(`bench:smpp: ${N} messages, concurrency ${CONCURRENCY}, window ${WINDOW}; ${host}`);
  const kannel = ONLY === 'switchboard' ? null : await kannelRun();
  const sb = ONLY === 'kannel' ? null : await switchboardRun();
  const rows = [kannel, sb].filter((r): r is Result => r !== null);
  const ratio = kannel && sb ? sb.perSecond / kannel.perSecond : null;
  const table = [
    '| gateway | delivered | end-to-end delivered/s | latency p50 | latency p99 | gateway CPU / message | harness CPU / message | machine busy |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.gateway} | ${r.delivered}/${N} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${r.gatewayCpuMs.toFixed(2)} ms | ${r.harnessCpuMs.toFixed(2)} ms | ${(100 * r.machineBusy).toFixed(0)} % |`,
    ),
  ];
  const budget = kannel && sb ? kannelRateBudget(kannel, sb) : '';
  console.log(`\n${table.join('\n')}\n${ratio === null ? '' : `\nSwitchboard / Kannel: ${ratio.toFixed(2)}x`}${budget ? `\n${budget}` : ''}`);
  if (rows.length === 0 || ONLY) return; // a partial run does not replace the side-by-side figures
  writeSection(
    'smpp-kannel',
    `### SMS over SMPP: Switchboard and Kannel, same sink

\`npm run bench:smpp -- --messages ${N} --warmup ${WARMUP} --concurrency ${CONCURRENCY} --window ${WINDOW}\` on ${host}.
One sink SMSC (the TypeScript test SMSC: every submit_sm answered, a delivery receipt for each), loopback only,
the two gateways one after the other. Kannel: bearerbox + smsbox, HTTP \`sendsms\` with \`dlr-mask=31\` and a
\`dlr-url\`, \`max-pending-submits = ${WINDOW}\`, log level errors. Switchboard: a child process, SQLite in a temp folder,
REST create with a \`StatusCallback\` (sent and delivered callbacks, signed; before 2026-12-06 also sending), SMPP window ${WINDOW}, log level
warn. Each gateway first carries ${WARMUP} messages that are not measured (since 2026-12-07; before, the
figures included a fresh process's first seconds). Rate: delivered callbacks / time from the first request to the last delivered callback. Latency: from the
request to its delivered callback.

${table.join('\n')}

Switchboard / Kannel end-to-end rate: ${ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`}.

CPU per delivered message is CPU time (user + system, all threads) over the run divided by messages delivered:
the gateway's own processes (bearerbox + smsbox; the Switchboard process), and this harness (load generator,
sink SMSC and callback receiver in one Node process), which shares the same two cores. ${budget}

Requests accepted / delivered callbacks in each second of the run:

${rows.map((r) => `- ${r.gateway}: accepted ${r.acceptedPerSecond.join(' ')}; delivered ${r.deliveredPerSecond.join(' ')}`).join('\n')}`,
  );
  console.log('docs/benchmarks.md updated');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
