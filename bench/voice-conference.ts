// The conference part of `npm run bench:voice` (--parts conference, --conference-levels 20x5,100x5,1x250,
// --conference-hold 10, --conference-runs 1). A level CxN is C conferences of N participants at once. The
// benchmark's own SIP endpoint (Switchboard's SIP stack, in this process) calls a number whose TwiML is
// <Dial><Conference> (the caller's number says which conference), each call's RTP a UDP socket in one of
// two driver threads (voice-conference-worker.ts): every 20 ms each socket sends a PCMU tone (spread over
// four 5 ms phases) and receives the mix of the others. Reported: mix frames expected (participants x 50 a
// second of the sending window) and received, frames lost (sequence gaps), the share that carried sound,
// the engine's tick lateness p99 (its histogram, the mixers' ticks included) and skipped ticks, arrival
// spacing p99 at the receivers (|spacing - 20 ms|, the drivers' own scheduling included: errs high), and
// the CPU of Switchboard and of the benchmark. A level passes with every participant in, no frame lost or
// missing, and tick lateness p99 <= 5 ms. Bounded: calls are set up at 50 a second, the hold is fixed.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { DriverThread } from './driver-thread.js';
import { histogramQuantileMs, median, processCpuSeconds } from './lib.js';
import { createOffer, parseAnswer } from '../src/voice/media/index.js';
import { createSipEndpoint, type OutgoingCall, type SipEndpoint } from '../src/voice/sip/index.js';
import type { FromConfDriver, ToConfDriver } from './voice-conference-worker.js';

const DRIVERS = 2;

export interface ConferenceDeps {
  sipPort: number;
  /** Buys a number whose voice URL is `voiceUrl`; returns it. */
  buyNumber(voiceUrl: string): Promise<string>;
  /** Calls in progress on the server (its metrics). */
  activeCalls(): Promise<number>;
  /** Participants in in-progress conferences whose name starts with `prefix` (the REST API). */
  participantsIn(prefix: string): Promise<{ conferences: number; participants: number }>;
  /** Tick lateness p99 (ms) and skipped ticks over a window: call to start, call the result to end. */
  tickLateness(): Promise<() => Promise<{ p99Ms: number; skipped: number }>>;
  serverPid: number | undefined;
}

export interface ConferenceRow {
  conferences: number;
  size: number;
  /** Participants found in in-progress conferences before measuring. */
  joined: number;
  expected: number;
  received: number;
  lost: number;
  audible: number;
  tickP99Ms: number;
  skipped: number;
  spacingP99Ms: number;
  serverCpu: number;
  benchCpu: number;
  pass: boolean;
}

export function parseLevels(s: string): Array<{ conferences: number; size: number }> {
  return s.split(',').map((l) => {
    const [c, n] = l.split('x').map(Number);
    if (!(c! >= 1 && n! >= 2 && n! <= 250)) throw new Error(`bad conference level ${l}: CxN, N from 2 to 250`);
    return { conferences: c!, size: n! };
  });
}

/** CPU seconds a process has used (Linux /proc); NaN without a pid. */
const cpuSeconds = (pid: number | undefined): number => (pid === undefined ? Number.NaN : processCpuSeconds(pid));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const callerFrom = (i: number) => `+1666${String(1_000_000 + i).slice(1)}`;

type Driver = DriverThread<ToConfDriver, FromConfDriver>;
const newDriver = (): Driver => new DriverThread(new URL('./voice-conference-worker.ts', import.meta.url));

/** Each level `runs` times; a level's row holds the medians of its runs (frames: totals). */
export async function conferences(
  d: ConferenceDeps,
  levels: Array<{ conferences: number; size: number }>,
  holdSeconds: number,
  runs: number,
  log: (line: string) => void,
): Promise<ConferenceRow[]> {
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0, maxRingMs: 60_000 });
  // Which conference a caller joins: its number's index and the level's size, set before each run.
  let current = { prefix: '', size: 1 };
  const twiml = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const from = new URLSearchParams(Buffer.concat(chunks).toString()).get('From') ?? '';
      const i = Number(from.slice(5));
      const room = `${current.prefix}-${Math.floor(i / current.size)}`;
      res.writeHead(200, { 'content-type': 'text/xml' }).end(`<Response><Dial timeLimit="600"><Conference>${room}</Conference></Dial></Response>`);
    });
  });
  twiml.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => twiml.listen(0, '127.0.0.1', r));
  const number = await d.buyNumber(`http://127.0.0.1:${(twiml.address() as AddressInfo).port}/conference`);
  const rows: ConferenceRow[] = [];
  try {
    for (const lv of levels) {
      const each: ConferenceRow[] = [];
      for (let r = 0; r < runs; r++) {
        current = { prefix: `bench-${lv.conferences}x${lv.size}-${r}-${Date.now()}`, size: lv.size };
        const row = await level(d, ep, number, lv.conferences, lv.size, holdSeconds, current.prefix);
        each.push(row);
        log(
          `conferences ${lv.conferences}x${lv.size} (run ${r + 1}, load ${loadavg()[0]!.toFixed(1)}): ${row.joined} joined, mix frames ${row.received} of ${row.expected} received, ${row.lost} lost, ${row.audible} with sound, tick lateness p99 ${row.tickP99Ms} ms (${row.skipped} skipped), arrival spacing p99 ${row.spacingP99Ms} ms, CPU Switchboard ${row.serverCpu.toFixed(2)} / benchmark ${row.benchCpu.toFixed(2)} cores`,
        );
      }
      const med = (f: (r: ConferenceRow) => number): number => median(each.map(f));
      const sum = (f: (r: ConferenceRow) => number): number => each.reduce((a, r) => a + f(r), 0);
      const row: ConferenceRow = {
        ...lv,
        joined: Math.min(...each.map((r) => r.joined)),
        expected: sum((r) => r.expected),
        received: sum((r) => r.received),
        lost: sum((r) => r.lost),
        audible: sum((r) => r.audible),
        tickP99Ms: med((r) => r.tickP99Ms),
        skipped: sum((r) => r.skipped),
        spacingP99Ms: med((r) => r.spacingP99Ms),
        serverCpu: med((r) => r.serverCpu),
        benchCpu: med((r) => r.benchCpu),
        pass: each.every((r) => r.pass),
      };
      rows.push(row);
    }
  } finally {
    twiml.close();
    await ep.close();
  }
  return rows;
}

async function level(
  d: ConferenceDeps,
  ep: SipEndpoint,
  number: string,
  count: number,
  size: number,
  holdSeconds: number,
  prefix: string,
): Promise<ConferenceRow> {
  const n = count * size;
  const drivers = Array.from({ length: DRIVERS }, newDriver);
  const outgoing: OutgoingCall[] = [];
  try {
    // Participants in contiguous halves: driver w has participants [start(w), start(w + 1)).
    const start = (w: number) => Math.ceil((n * w) / DRIVERS);
    const ports = await Promise.all(
      drivers.map((dr, w) => dr.ask<Extract<FromConfDriver, { t: 'opened' }>>({ t: 'open', legs: start(w + 1) - start(w), first: start(w) })),
    );
    const remotes = drivers.map((_, w) => new Array<number>(start(w + 1) - start(w)).fill(0));
    const slot = (i: number) => {
      const w = i < start(1) ? 0 : 1;
      return { w, k: i - start(w) };
    };
    // Set up at 50 calls a second, one conference's participants after another.
    const setups = Array.from({ length: n }, async (_, i) => {
      await sleep(i * 20);
      const { w, k } = slot(i);
      const offer = createOffer({ address: '127.0.0.1', port: ports[w]!.ports[k]!, codecs: ['PCMU'] });
      const call = ep.invite(`sip:${number}@127.0.0.1:${d.sipPort}`, offer, { from: `sip:${callerFrom(i)}@127.0.0.1` });
      outgoing.push(call);
      const res = await call.result;
      const media = res.kind === 'answered' ? parseAnswer(res.sdp) : null;
      if (media) remotes[w]![k] = media.remotePort;
      return media !== null;
    });
    await Promise.all(setups);
    // Every participant is mixed a moment after its answer: wait until the REST API lists them all.
    const by = Date.now() + 30_000;
    let seen = await d.participantsIn(prefix);
    while (seen.participants < n && Date.now() < by) {
      await sleep(500);
      seen = await d.participantsIn(prefix);
    }
    await sleep(2000);
    await Promise.all(drivers.map((dr, w) => dr.ask({ t: 'remotes', remotes: remotes[w]! })));
    const cpu0 = cpuSeconds(d.serverPid);
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const ticks = await d.tickLateness();
    const results = await Promise.all(drivers.map((dr) => dr.ask<Extract<FromConfDriver, { t: 'driven' }>>({ t: 'drive', holdSeconds })));
    const tick = await ticks();
    const seconds = (performance.now() - t0) / 1000;
    const serverCpu = (cpuSeconds(d.serverPid) - cpu0) / seconds;
    const own = process.cpuUsage(own0);
    const benchCpu = (own.user + own.system) / 1e6 / seconds;
    const hist = new Uint32Array(1001);
    let received = 0,
      lost = 0,
      audible = 0,
      legs = 0;
    for (const r of results) {
      received += r.received;
      lost += r.lost;
      audible += r.audible;
      legs += r.legs;
      for (let i = 0; i < hist.length; i++) hist[i]! += r.hist[i]!;
    }
    const spacingP99Ms = histogramQuantileMs(hist, 0.99);
    // 50 frames a second per participant over the sending window (which ends 5 ms short of holdSeconds).
    const expected = n * holdSeconds * 50;
    // A frame either side of the window may fall out: one per participant is not counted missing.
    const missing = Math.max(0, expected - legs - received);
    const pass = seen.participants === n && legs === n && lost === 0 && missing === 0 && tick.skipped === 0 && tick.p99Ms <= 5;
    return {
      conferences: count,
      size,
      joined: seen.participants,
      expected,
      received,
      lost: lost + missing,
      audible,
      tickP99Ms: tick.p99Ms,
      skipped: tick.skipped,
      spacingP99Ms,
      serverCpu,
      benchCpu,
      pass,
    };
  } finally {
    await Promise.all(outgoing.map((c) => c.bye().catch(() => undefined)));
    const idleBy = Date.now() + 60_000;
    while (Date.now() < idleBy && (await d.activeCalls()) > 0) await sleep(500);
    await Promise.all(drivers.map((dr) => dr.ask({ t: 'close' }).then(() => dr.stop())));
  }
}
