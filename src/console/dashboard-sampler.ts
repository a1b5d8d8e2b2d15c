import type { Clock } from '../core/clock.js';
import type { QueueDepth } from '../store/repositories/dashboard.js';
import type { CarrierHealth } from './dashboard.js';
import { MinuteRing } from './minute-ring.js';

const MINUTE = 60_000;
/** Carriers are the operator's, shared by every account: their series have no account. */
const ALL_ACCOUNTS = '';

/** Waits `ms`, then runs `fn`; returns how to cancel. Injectable so a test can run the timer itself. */
export type Schedule = (fn: () => void, ms: number) => () => void;

const realSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms).unref();
  return () => clearTimeout(t);
};

export interface DashboardSamplerDeps {
  clock: Clock;
  /** Every account's queues and their depth now (a repository read). */
  queues: () => Promise<QueueDepth[]>;
  /** Each carrier's health now. */
  carriers: () => CarrierHealth[];
  onError: (err: unknown) => void;
  /** How many minutes are kept (60) and how many queues at most (the rest are not charted). */
  minutes?: number;
  maxQueues?: number;
  schedule?: Schedule;
}

/** Queues whose history one node keeps at most; the sampler's query reads no more than this. */
export const MAX_SAMPLED_QUEUES = 10_000;

/**
 * The history the store does not keep: once a minute (and at start) every queue's depth and longest wait,
 * per account, and each carrier's up/down, into in-memory rings of the last hour. Only this node's samples:
 * the history starts empty after a restart, and each node of a cluster has its own.
 */
export class DashboardSampler {
  private readonly queueRing: MinuteRing;
  private readonly carrierRing: MinuteRing;
  private readonly schedule: Schedule;
  private cancel: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly d: DashboardSamplerDeps) {
    const minutes = d.minutes ?? 60;
    // A queue: size and longest wait (s); a carrier: 1 up, 0 down.
    this.queueRing = new MinuteRing(minutes, 2, d.maxQueues ?? MAX_SAMPLED_QUEUES);
    this.carrierRing = new MinuteRing(minutes, 1, 1000);
    this.schedule = d.schedule ?? realSchedule;
  }

  /** Samples now, then at the start of every minute until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      this.cancel = undefined;
      this.running = this.sampleOnce().finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        // Just past the next minute's start, so each sample lands in its own minute.
        this.cancel = this.schedule(tick, MINUTE - (this.d.clock.now() % MINUTE) + 1000);
      });
    };
    tick();
  }

  /** Stops the timer and waits for a sample in flight (its query), so the store can close after. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
    await this.running;
  }

  /** One sample of every queue and carrier, recorded under the current minute; errors go to onError. */
  async sampleOnce(): Promise<void> {
    try {
      // Carriers first: a failing queue query does not cost their minute.
      const carriers = this.d.carriers();
      this.carrierRing.record(this.d.clock.now(), new Map(carriers.map((c) => [c.name, { owner: ALL_ACCOUNTS, reading: [c.up ? 1 : 0] }])));
      const queues = await this.d.queues();
      const now = this.d.clock.now();
      this.queueRing.record(
        now,
        new Map(queues.map((q) => [q.sid, { owner: q.accountSid, reading: [q.size, q.oldest === null ? 0 : (now - q.oldest) / 1000] }])),
      );
    } catch (err) {
      this.d.onError(err);
    }
  }

  /** A queue's sampled depth per minute from minute `first`, for its own account only. */
  queueDepths(accountSid: string, queueSid: string, first: number, count: number): Array<number | null> {
    return this.queueRing.values(queueSid, accountSid, first, count, 0);
  }

  /** A queue's longest wait (s) per minute from minute `first`, for its own account only. */
  queueWaits(accountSid: string, queueSid: string, first: number, count: number): Array<number | null> {
    return this.queueRing.values(queueSid, accountSid, first, count, 1);
  }

  /** A carrier's health per minute (1 up, 0 down) from minute `first`. */
  carrierUp(name: string, first: number, count: number): Array<number | null> {
    return this.carrierRing.values(name, ALL_ACCOUNTS, first, count);
  }

  /** Start (ms) of the first minute this node sampled; null before the first sample. */
  get since(): number | null {
    const m = this.carrierRing.since ?? this.queueRing.since;
    return m === null ? null : m * MINUTE;
  }

  /** Series kept now (queues, carriers): bounded, for the test of the bound. */
  get kept(): { queues: number; carriers: number } {
    return { queues: this.queueRing.size, carriers: this.carrierRing.size };
  }
}
