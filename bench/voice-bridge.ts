// The bridged-calls part of `npm run bench:voice` (--parts bridge, --bridge-levels 50,100,250, --bridge-hold 10).
// N bridged calls at once, each two legs through Switchboard: the benchmark's own SIP endpoint (Switchboard's
// SIP stack, in this process) calls a number whose TwiML is <Dial><Sip> back to the same endpoint, which
// answers. Each leg's RTP is a UDP socket in one of two driver threads (voice-bridge-worker.ts, both legs of a
// call in the same one): every 20 ms each socket sends one PCMU packet (on a grid of --bridge-phases steps: 4
// is bursts every 5 ms, as the engine spreads its own sends; 20 is one step a millisecond, like independent phones) carrying its send time, Switchboard relays it to the other leg, and the other
// socket receives it. Reported: packets lost (sent - received, after a settling second) and relay latency
// p50/p99 from send to receive, which includes both loopback hops and the drivers' own scheduling (it errs
// high), next to the same drivers sending directly to each other without Switchboard. A level passes with
// every call set up, no loss and p99 <= 5 ms; the run stops at the first level with loss.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { DriverThread } from './driver-thread.js';
import { histogramQuantileMs, median, processCpuSeconds } from './lib.js';
import { createAnswer, createOffer, parseAnswer } from '../src/voice/media/index.js';
import { createSipEndpoint, type IncomingCall, type OutgoingCall, type SipEndpoint } from '../src/voice/sip/index.js';
import type { FromDriver, ToDriver } from './voice-bridge-worker.js';

const DRIVERS = 2;

export interface BridgeDeps {
  /** The server's SIP port on 127.0.0.1. */
  sipPort: number;
  /** Buys a number whose voice URL is `voiceUrl`; returns it. */
  buyNumber(voiceUrl: string): Promise<string>;
  /** Calls in progress on the server (its metrics). */
  activeCalls(): Promise<number>;
  /** The engine threads' tick lateness p99 (ms) over a window: call to start, call the result to end. */
  tickLateness(): Promise<() => Promise<number>>;
  /** The server's process id, for its CPU time. */
  serverPid: number | undefined;
}

export interface BridgeRow {
  calls: number;
  setUp: number;
  sent: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  /** Switchboard's media tick lateness p99 meanwhile: how late its engine threads ran. */
  tickP99Ms: number;
  /** p99 of the same sockets and pattern sent directly to each other (the harness alone). */
  baselineP99Ms: number;
  serverCpu: number;
  /** Switchboard's CPU time per relayed packet (us): all its threads, kernel time included. */
  usPerPacket: number;
  /** CPU the benchmark process itself used meanwhile (its driver threads, in cores). */
  benchCpu: number;
  pass: boolean;
}

/** CPU seconds a process has used (Linux /proc); NaN without a pid. */
const cpuSeconds = (pid: number | undefined): number => (pid === undefined ? Number.NaN : processCpuSeconds(pid));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Each level `runs` times (the machine is shared: one run is noise); a level's row is the median of its
 * runs, with packets lost summed over them. Stops after a level that lost packets or failed a call.
 */
export async function bridgedCalls(
  d: BridgeDeps,
  levels: number[],
  holdSeconds: number,
  runs: number,
  phases: number,
  log: (line: string) => void,
): Promise<BridgeRow[]> {
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0, maxRingMs: 60_000 });
  const twiml = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(`<Response><Dial timeout="30" timeLimit="600"><Sip>sip:callee@127.0.0.1:${ep.ports.udp}</Sip></Dial></Response>`),
    );
  });
  twiml.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => twiml.listen(0, '127.0.0.1', r));
  const number = await d.buyNumber(`http://127.0.0.1:${(twiml.address() as AddressInfo).port}/bridge`);
  const rows: BridgeRow[] = [];
  try {
    for (const n of levels) {
      const each: BridgeRow[] = [];
      for (let r = 0; r < runs; r++) {
        const row = await level(d, ep, number, n, holdSeconds, phases);
        each.push(row);
        log(
          `bridged ${n} (run ${r + 1}, load ${loadavg()[0]!.toFixed(1)}): ${row.setUp} set up, ${row.lost} of ${row.sent} lost, latency p50 ${row.p50Ms} ms p99 ${row.p99Ms} ms (harness alone p99 ${row.baselineP99Ms} ms), engine tick lateness p99 ${row.tickP99Ms} ms, server CPU ${row.serverCpu.toFixed(2)} cores (${row.usPerPacket.toFixed(1)} us per relayed packet), benchmark CPU ${row.benchCpu.toFixed(2)} cores`,
        );
      }
      const med = (f: (r: BridgeRow) => number): number => median(each.map(f));
      const row: BridgeRow = {
        calls: n,
        setUp: Math.min(...each.map((r) => r.setUp)),
        sent: each.reduce((a, r) => a + r.sent, 0),
        lost: each.reduce((a, r) => a + r.lost, 0),
        p50Ms: med((r) => r.p50Ms),
        p99Ms: med((r) => r.p99Ms),
        baselineP99Ms: med((r) => r.baselineP99Ms),
        tickP99Ms: med((r) => r.tickP99Ms),
        serverCpu: med((r) => r.serverCpu),
        usPerPacket: med((r) => r.usPerPacket),
        benchCpu: med((r) => r.benchCpu),
        pass: false,
      };
      row.pass = row.setUp === n && row.lost === 0 && row.p99Ms <= 5;
      rows.push(row);
      if (row.lost > 0 || row.setUp < n) break;
    }
  } finally {
    twiml.close();
    await ep.close();
  }
  return rows;
}

type Driver = DriverThread<ToDriver, FromDriver>;
const newDriver = (): Driver => new DriverThread(new URL('./voice-bridge-worker.ts', import.meta.url));

interface Drive {
  sent: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
}

/** All drivers send for `holdSeconds` at once; their latency histograms are summed. */
async function driveAll(drivers: Driver[], holdSeconds: number, phases: number): Promise<Drive> {
  const results = await Promise.all(drivers.map((dr) => dr.ask<Extract<FromDriver, { t: 'driven' }>>({ t: 'drive', holdSeconds, phases })));
  const hist = new Uint32Array(1001);
  let sent = 0;
  let received = 0;
  for (const r of results) {
    sent += r.sent;
    received += r.received;
    for (let i = 0; i < hist.length; i++) hist[i]! += r.hist[i]!;
  }
  return { sent, lost: Math.max(0, sent - received), p50Ms: histogramQuantileMs(hist, 0.5), p99Ms: histogramQuantileMs(hist, 0.99) };
}

async function level(d: BridgeDeps, ep: SipEndpoint, number: string, n: number, holdSeconds: number, phases: number): Promise<BridgeRow> {
  const drivers = Array.from({ length: DRIVERS }, newDriver);
  try {
    // Call i is driver i % DRIVERS's call i / DRIVERS: its legs are sockets 2k (caller) and 2k + 1 (callee).
    const share = (w: number) => Math.ceil((n - w) / DRIVERS);
    const ports = await Promise.all(drivers.map((dr, w) => dr.ask<Extract<FromDriver, { t: 'opened' }>>({ t: 'open', legs: 2 * share(w) })));
    const remotes = drivers.map((_, w) => new Array<number>(2 * share(w)).fill(0));
    const slot = (i: number) => ({ w: i % DRIVERS, k: Math.floor(i / DRIVERS) });
    const callerFrom = (i: number) => `+1555${String(1_000_000 + i).slice(1)}`;
    let answeredIn = 0;
    // The dialled leg's INVITE comes from the caller's number (callerId defaults to it): that names the call.
    const onInvite = (call: IncomingCall): void => {
      const i = Number((call.fromUser ?? '').slice(5));
      if (!(call.fromUser ?? '').startsWith('+1555') || !(i >= 0 && i < n)) return void call.reject(404);
      const { w, k } = slot(i);
      const answer = createAnswer(call.remoteSdp ?? '', { address: '127.0.0.1', port: ports[w]!.ports[2 * k + 1]!, codecs: ['PCMU'] });
      if (!answer.ok) return void call.reject(488);
      remotes[w]![2 * k + 1] = answer.media.remotePort;
      void call.answer(answer.sdp).then(
        () => void answeredIn++,
        () => undefined,
      );
    };
    ep.on('invite', onInvite);
    // Set up at 50 calls a second (each is an HTTP TwiML fetch, an answer, and a second INVITE).
    const outgoing: OutgoingCall[] = [];
    const setups = Array.from({ length: n }, async (_, i) => {
      await sleep(i * 20);
      const { w, k } = slot(i);
      const offer = createOffer({ address: '127.0.0.1', port: ports[w]!.ports[2 * k]!, codecs: ['PCMU'] });
      const call = ep.invite(`sip:${number}@127.0.0.1:${d.sipPort}`, offer, { from: `sip:${callerFrom(i)}@127.0.0.1` });
      outgoing.push(call);
      const r = await call.result;
      const media = r.kind === 'answered' ? parseAnswer(r.sdp) : null;
      if (media) remotes[w]![2 * k] = media.remotePort;
      return media !== null;
    });
    const setUpOut = (await Promise.all(setups)).filter(Boolean).length;
    const by = Date.now() + 30_000;
    while (answeredIn < setUpOut && Date.now() < by) await sleep(100);
    await sleep(2000); // every bridge is connected a moment after its callee's answer
    await Promise.all(drivers.map((dr, w) => dr.ask({ t: 'remotes', remotes: remotes[w]! })));
    const cpu0 = cpuSeconds(d.serverPid);
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const ticks = await d.tickLateness();
    const relayed = await driveAll(drivers, holdSeconds, phases);
    const tickP99Ms = await ticks();
    const seconds = (performance.now() - t0) / 1000;
    const serverCpu = (cpuSeconds(d.serverPid) - cpu0) / seconds;
    const own = process.cpuUsage(own0);
    const benchCpu = (own.user + own.system) / 1e6 / seconds;
    ep.off('invite', onInvite);
    await Promise.all(outgoing.map((c) => c.bye().catch(() => undefined)));
    const idleBy = Date.now() + 60_000;
    while (Date.now() < idleBy && (await d.activeCalls()) > 0) await sleep(500);
    // The harness alone: each call's two sockets send directly to each other, the same pattern, no Switchboard.
    await Promise.all(drivers.map((dr, w) => dr.ask({ t: 'remotes', remotes: ports[w]!.ports.map((_, j) => ports[w]!.ports[j ^ 1]!) })));
    const baseline = await driveAll(drivers, holdSeconds, phases);
    const setUp = Math.min(setUpOut, answeredIn);
    return {
      calls: n,
      setUp,
      ...relayed,
      baselineP99Ms: baseline.p99Ms,
      tickP99Ms,
      serverCpu,
      usPerPacket: (serverCpu * seconds * 1e6) / Math.max(1, relayed.sent - relayed.lost),
      benchCpu,
      pass: setUp === n && relayed.lost === 0 && relayed.p99Ms <= 5,
    };
  } finally {
    await Promise.all(drivers.map((dr) => dr.ask({ t: 'close' }).then(() => dr.stop())));
  }
}
