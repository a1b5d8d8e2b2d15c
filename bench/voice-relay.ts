// The media engine's relay path alone (issue 14's bridged-call target without SIP, HTTP or the database):
// `node --import tsx bench/voice-relay.ts --bridges 250 --seconds 10 --media-workers 1 [--profile]`.
// A MediaEngine with `--media-workers` threads (the stock engine, see voice-relay-engine.ts) holds
// `--bridges` bridged pairs of sessions (strict RTP on, PCMU both sides, the 'bridge' command, both legs on
// one thread as <Dial> places them). The RTP is sent and received by the driver threads of the bridged-call
// benchmark (voice-bridge-worker.ts: each leg one packet every 20 ms, a quarter of the legs every 5 ms,
// stamped with its send time). Reported: packets lost, relay latency p50/p99 (send to receive, both
// loopback hops and the drivers' own delays included), the same sockets sending to each other directly
// (the harness alone), each engine thread's CPU time from /proc (user + system, so the kernel's share of
// receiving and sending is in it) per relayed packet, and the load average. --profile writes a V8 CPU
// profile of each engine thread (over the timed window) to --profile-dir (default: the system's temp dir).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriverThread } from './driver-thread.js';
import { flag } from './lib.js';
import { MediaEngine, engineEntry } from '../src/voice/media/engine/pool.js';
import type { RemoteRtpSession } from '../src/voice/media/engine/remote-session.js';
import type { FromDriver, ToDriver } from './voice-bridge-worker.js';

const BRIDGES = Number(flag('bridges', '250'));
const SECONDS = Number(flag('seconds', '10'));
const WORKERS = Number(flag('media-workers', '1'));
const RUNS = Number(flag('runs', '1'));
const PROFILE = process.argv.includes('--profile');
const PROFILE_DIR = flag('profile-dir', join(tmpdir(), 'sb-relay-profiles'));
const DRIVERS = 2;

const dir = mkdtempSync(join(tmpdir(), 'sb-relay-'));
process.env.RELAY_DIR = dir;
if (PROFILE) process.env.RELAY_PROFILE = '1';

type Driver = DriverThread<ToDriver, FromDriver>;
const newDriver = (): Driver => new DriverThread(new URL('./voice-bridge-worker.ts', import.meta.url));

async function driveAll(drivers: Driver[], seconds: number) {
  const results = await Promise.all(drivers.map((d) => d.ask<Extract<FromDriver, { t: 'driven' }>>({ t: 'drive', holdSeconds: seconds, phases: 4 })));
  const hist = new Uint32Array(1001);
  let sent = 0;
  let received = 0;
  for (const r of results) {
    sent += r.sent;
    received += r.received;
    for (let i = 0; i < hist.length; i++) hist[i]! += r.hist[i]!;
  }
  const pct = (p: number): number => {
    let seen = 0;
    for (let i = 0; i < hist.length; i++) {
      seen += hist[i]!;
      if (seen >= received * p) return i / 10;
    }
    return 100;
  };
  return { sent, received, lost: Math.max(0, sent - received), p50: pct(0.5), p99: pct(0.99), p999: pct(0.999) };
}

/** user + system CPU seconds of one thread of this process. */
function threadCpu(tid: string): number {
  const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function engineTids(): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tid'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

async function run(): Promise<void> {
  const ticks: number[] = [];
  let skipped = 0;
  const engine = new MediaEngine(
    WORKERS,
    {
      onTicks: (lateness, count, skip) => {
        for (let i = 0; i < count; i++) ticks.push(lateness[i] ?? 0);
        skipped += skip;
      },
    },
    { entry: engineEntry(new URL('./voice-relay-engine.ts', import.meta.url).href, './voice-relay-engine') },
  );
  const drivers = Array.from({ length: DRIVERS }, newDriver);
  try {
    const share = (w: number) => Math.ceil((BRIDGES - w) / DRIVERS);
    const opened = await Promise.all(drivers.map((d, w) => d.ask<Extract<FromDriver, { t: 'opened' }>>({ t: 'open', legs: 2 * share(w) })));
    const remotes = drivers.map((_, w) => new Array<number>(2 * share(w)).fill(0));
    const sessions: RemoteRtpSession[] = [];
    for (let i = 0; i < BRIDGES; i++) {
      const w = i % DRIVERS;
      const k = Math.floor(i / DRIVERS);
      const a = await engine.open({ host: '127.0.0.1', strict: { probation: 4 } });
      const b = await engine.open({ host: '127.0.0.1', strict: { probation: 4 } }, a);
      a.setRemote('127.0.0.1', opened[w]!.ports[2 * k]!);
      b.setRemote('127.0.0.1', opened[w]!.ports[2 * k + 1]!);
      a.setCodec('PCMU', 101);
      b.setCodec('PCMU', 101);
      if (!a.bridge(b)) throw new Error('bridge refused');
      remotes[w]![2 * k] = a.port;
      remotes[w]![2 * k + 1] = b.port;
      sessions.push(a, b);
    }
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all(drivers.map((d, w) => d.ask({ t: 'remotes', remotes: remotes[w]! })));
    // One short warm-up (JIT, latching) outside the timed window.
    await driveAll(drivers, 1);
    const tids = engineTids();
    // For `perf record -t TID` (kernel and Node's share of the per-packet cost), started now by hand.
    console.log(`engine thread ids: ${tids.join(' ')} (measuring for ${SECONDS} s)`);
    const cpu0 = tids.map(threadCpu);
    const load0 = loadavg()[0]!;
    writeFileSync(join(dir, 'window-start'), '');
    ticks.length = 0;
    skipped = 0;
    const t0 = performance.now();
    const relayed = await driveAll(drivers, SECONDS);
    const wall = (performance.now() - t0) / 1000;
    writeFileSync(join(dir, 'window-stop'), '');
    const tickSamples = ticks.slice().sort((x, y) => x - y);
    const tickP99 = tickSamples[Math.floor(tickSamples.length * 0.99)] ?? Number.NaN;
    const tickMax = tickSamples[tickSamples.length - 1] ?? Number.NaN;
    const cpu = tids.map((t, i) => threadCpu(t) - cpu0[i]!);
    const load1 = loadavg()[0]!;
    const engineCpu = cpu.reduce((a, b) => a + b, 0);
    const usPerPacket = (engineCpu / relayed.received) * 1e6;
    await Promise.all(sessions.map((s) => s.close()));
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all(drivers.map((d, w) => d.ask({ t: 'remotes', remotes: opened[w]!.ports.map((_, j) => opened[w]!.ports[j ^ 1]!) })));
    const alone = await driveAll(drivers, SECONDS);
    console.log(
      `relay ${BRIDGES} bridges, ${WORKERS} engine thread(s), ${SECONDS} s: ${relayed.lost} of ${relayed.sent} lost; latency p50 ${relayed.p50} ms p99 ${relayed.p99} ms p99.9 ${relayed.p999} ms (harness alone p99 ${alone.p99} ms); engine CPU ${(engineCpu / wall).toFixed(3)} cores [${cpu.map((c) => (c / wall).toFixed(3)).join(', ')}] = ${usPerPacket.toFixed(1)} us per relayed packet; load average ${load0.toFixed(2)} -> ${load1.toFixed(2)}`,
    );
    await new Promise((r) => setTimeout(r, 500));
    const gc = readdirSync(dir)
      .filter((f) => f.endsWith('.gc.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, { count: number; totalMs: number; maxMs: number }>);
    console.log(
      `  engine tick lateness p99 ${tickP99.toFixed(2)} ms, max ${tickMax.toFixed(2)} ms (${tickSamples.length} ticks, ${skipped} skipped); engine GC: ${gc
        .map((g) =>
          Object.entries(g)
            .map(([k, v]) => `${k} ${v.count}x (total ${v.totalMs.toFixed(1)} ms, max ${v.maxMs.toFixed(2)} ms)`)
            .join(', '),
        )
        .join(' | ')}`,
    );
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.gc.json'))) rmSync(join(dir, f));
    if (PROFILE) {
      const out = PROFILE_DIR;
      mkdirSync(out, { recursive: true });
      for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
        const to = join(out, `relay-${Date.now()}-${f}`);
        copyFileSync(join(dir, f), to);
        console.log(`profile: ${to}`);
      }
    }
  } finally {
    await Promise.all(drivers.map((d) => d.ask({ t: 'close' }).then(() => d.stop())));
    await engine.close();
  }
}

try {
  for (let r = 0; r < RUNS; r++) await run();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
