/**
 * The media engine: worker threads that own calls' RTP sockets and media clocks (worker.ts), and the
 * placement of each call on one of them for its whole life. The main thread talks to a call's media
 * through a RemoteRtpSession (remote-session.ts), which sends ToEngine commands and gets FromEngine events.
 *
 * A call goes to the worker with the fewest calls; workers start on demand up to `size`, so a server
 * that never carries a call pays nothing. A worker that throws or exits ends only its own calls (their
 * sessions emit `failed`, and the call layer hangs them up) and the next call starts a replacement.
 */
import { Worker } from 'node:worker_threads';
import type { RtpDropCounters } from '../source-filter.js';
import type { EngineOpenOptions, EngineWorkerData, FromEngine, ToEngine } from './protocol.js';
import { RemoteRtpSession } from './remote-session.js';
import type { EngineLink } from './remote-session.js';
import type { ThreadPriorityReport } from './thread-priority.js';

// In the build the worker is worker.js. Under tsx (tests, development) it is TypeScript, and tsx's loader
// hooks do not reach worker threads on Node 20: the worker then starts from a line that registers tsx
// first (the same boot as the video SFU's pool).
const UNDER_TSX = import.meta.url.endsWith('.ts');

/** The URL of an engine entry module (`./name` next to `base`, an import.meta.url), in the build or under tsx. */
export function engineEntry(base: string, name: string): URL {
  return new URL(`${name}${UNDER_TSX ? '.ts' : '.js'}`, base);
}

/** The default entry: the media layer alone (no Media Streams). */
const WORKER_URL = engineEntry(import.meta.url, './worker');

function startWorker(entry: URL, workerData: EngineWorkerData): Worker {
  if (!UNDER_TSX) return new Worker(entry, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

interface Slot {
  worker: Worker;
  drops: Float64Array;
  sessions: Map<number, RemoteRtpSession>;
  dead: boolean;
}

export interface MediaEngineEvents {
  /** Once a second per worker: tick lateness samples (ms) and ticks skipped after stalls. */
  onTicks?(lateness: Float64Array, count: number, skipped: number): void;
  /** A worker died; `calls` sessions on it were failed. */
  onCrash?(error: Error, calls: number): void;
  /** A worker started with a raised priority asked for: what it got, and why anything was refused. */
  onPriority?(report: ThreadPriorityReport): void;
  /** A worker's warm-up failed (warm-up.ts). */
  onWarmUpFailed?(message: string): void;
}

export interface MediaEngineSetup {
  /**
   * The module each thread starts from (engineEntry): it calls serveEngine with what the sessions need from
   * above the media layer. Default: media alone (worker.ts); the server's is voice/engine-worker.ts.
   */
  entry?: URL;
  /**
   * Nice steps the engine threads run above the rest of the process (0: the same). Media servers run their
   * packet threads above the rest (FreeSWITCH, rtpengine): when the CPU is full, the 20 ms clock then wins
   * over call setup instead of waiting its turn. Raising needs root or CAP_SYS_NICE.
   */
  priorityBoost?: number;
  /**
   * SCHED_RR priority for the engine threads (0: none). A real-time thread takes a core from ordinary ones
   * the moment it is runnable, so the clock no longer waits behind setup at all (thread-priority.ts); where
   * it is refused, `priorityBoost` applies instead.
   */
  realtime?: number;
}

export class MediaEngine {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  /** Drops counted by workers that have since died, so the counters never go backwards. */
  private retired = { source: 0, ssrc: 0 };
  /** Workers that died since start (metrics). */
  crashes = 0;

  constructor(
    readonly size: number,
    private readonly events: MediaEngineEvents = {},
    private readonly setup: MediaEngineSetup = {},
  ) {
    if (size < 1) throw new RangeError('a media engine needs at least one thread');
    const sum = (i: 0 | 1): number => this.sumDrops(i);
    this.drops = {
      get source(): number {
        return sum(0);
      },
      get ssrc(): number {
        return sum(1);
      },
    };
  }

  /** Strict-RTP drops summed over every engine thread (shared memory), read in place by /metrics. */
  readonly drops: RtpDropCounters;

  private sumDrops(i: 0 | 1): number {
    let n = i === 0 ? this.retired.source : this.retired.ssrc;
    for (const s of this.slots) n += s.drops[i] ?? 0;
    return n;
  }

  /** Running engine threads and their call counts (tests, docs). */
  load(): number[] {
    return this.slots.map((s) => s.sessions.size);
  }

  /**
   * Opens a call's RTP socket on the least-loaded engine thread, or on the thread of `near` when it is
   * still alive: the legs of a <Dial> bridge share a thread, so packets are relayed without crossing one.
   */
  open(options: EngineOpenOptions, near?: unknown): Promise<RemoteRtpSession> {
    const with_ = near instanceof RemoteRtpSession ? this.slots.find((s) => !s.dead && s.sessions.get(near.id) === near) : undefined;
    const slot = with_ ?? this.place();
    const id = this.nextId++;
    const link: EngineLink = {
      send: (msg: ToEngine) => {
        if (!slot.dead) slot.worker.postMessage(msg);
      },
      forget: () => void slot.sessions.delete(id),
    };
    const session = new RemoteRtpSession(id, link, slot);
    slot.sessions.set(id, session);
    link.send({ t: 'open', id, options });
    return session.ready;
  }

  private place(): Slot {
    const live = this.slots.filter((s) => !s.dead);
    if (live.length < this.size) {
      const idle = live.find((s) => s.sessions.size === 0);
      return idle ?? this.spawn();
    }
    return live.reduce((a, b) => (b.sessions.size < a.sessions.size ? b : a));
  }

  private spawn(): Slot {
    const shared = new SharedArrayBuffer(16);
    const worker = startWorker(this.setup.entry ?? WORKER_URL, {
      drops: shared,
      priorityBoost: this.setup.priorityBoost ?? 0,
      realtime: this.setup.realtime ?? 0,
    });
    const slot: Slot = { worker, drops: new Float64Array(shared), sessions: new Map(), dead: false };
    // The main thread's own sockets keep the process alive; an engine must not hold it up at exit.
    worker.unref();
    worker.on('message', (msg: FromEngine) => this.dispatch(slot, msg));
    const fail = (error: Error): void => {
      if (slot.dead) return;
      slot.dead = true;
      this.crashes++;
      this.retired.source += slot.drops[0] ?? 0;
      this.retired.ssrc += slot.drops[1] ?? 0;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const sessions = [...slot.sessions.values()];
      slot.sessions.clear();
      for (const s of sessions) s.fail(`media engine thread failed: ${error.message}`);
      this.events.onCrash?.(error, sessions.length);
      void worker.terminate();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private dispatch(slot: Slot, msg: FromEngine): void {
    if (msg.t === 'ticks') return this.events.onTicks?.(msg.lateness, msg.count, msg.skipped);
    if (msg.t === 'priority') return this.events.onPriority?.({ realtime: msg.realtime, nice: msg.nice, error: msg.error });
    if (msg.t === 'warm-up-failed') return this.events.onWarmUpFailed?.(msg.message);
    slot.sessions.get(msg.id)?.receive(msg);
  }

  /** Crash-containment tests: the thread carrying `session` throws from its event loop. */
  crashThreadOf(session: RemoteRtpSession): void {
    const slot = this.slots.find((s) => s.sessions.get(session.id) === session);
    slot?.worker.postMessage({ t: 'crash' } satisfies ToEngine);
  }

  /** Crash-containment tests: engine thread `index` (in load() order) throws from its event loop. */
  crashThread(index: number): void {
    this.slots[index]?.worker.postMessage({ t: 'crash' } satisfies ToEngine);
  }

  /** Closes every call's socket and ends the threads. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (slot) => {
        slot.dead = true;
        slot.worker.removeAllListeners('exit');
        slot.worker.removeAllListeners('error');
        const done = new Promise<void>((resolve) => {
          slot.worker.on('message', (m: { t: string }) => {
            if (m.t === 'shutdown-done') resolve();
          });
          setTimeout(resolve, 2000).unref();
        });
        slot.worker.postMessage({ t: 'shutdown' });
        await done;
        for (const s of slot.sessions.values()) s.fail('media engine closed');
        await slot.worker.terminate();
      }),
    );
  }
}
