/**
 * The one media clock: a single timer for the whole process ticks every 20 ms and every session sends
 * its next frame from that tick, instead of one timer per call. Ticks are counted against a monotonic
 * start time, so a late wake-up runs the missed ticks at once (no drift); after a long stall beyond
 * `maxCatchUp` ticks the backlog is dropped and clients are told how many ticks they skipped.
 */
import { performance } from 'node:perf_hooks';

export interface ClockClient {
  /** One 20 ms frame is due. Must not throw, must not allocate. */
  tick(): void;
  /** Ticks dropped after a stall; clients advance their RTP timestamps without sending. */
  skip?(ticks: number): void;
}

export interface MediaClockOptions {
  intervalMs?: number;
  maxCatchUp?: number;
  now?: () => number;
}

export class MediaClock {
  readonly intervalMs: number;
  private readonly maxCatchUp: number;
  private readonly now: () => number;
  private clients: ClockClient[] = [];
  private pendingRemovals: ClockClient[] = [];
  private ticking = false;
  private timer: NodeJS.Timeout | null = null;
  private start = 0;
  private count = 0;
  /** Ticks dropped after stalls, for metrics. */
  skippedTicks = 0;
  /** Largest lateness seen at wake-up, in ms, for metrics. */
  maxLatenessMs = 0;
  /**
   * Metrics hook: after each tick, how late its last frame went out (ms past the tick's ideal time), and
   * how many sessions it served. One call per 20 ms tick, never per packet.
   */
  onTick: ((latenessMs: number, clients: number) => void) | null = null;

  constructor(options: MediaClockOptions = {}) {
    this.intervalMs = options.intervalMs ?? 20;
    this.maxCatchUp = options.maxCatchUp ?? 10;
    this.now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.clients.length;
  }

  add(client: ClockClient): void {
    if (this.clients.includes(client)) return;
    this.clients.push(client);
    if (!this.timer) {
      this.start = this.now();
      this.count = 0;
      this.schedule();
    }
  }

  remove(client: ClockClient): void {
    if (this.ticking) {
      this.pendingRemovals.push(client);
      return;
    }
    const i = this.clients.indexOf(client);
    if (i >= 0) this.clients.splice(i, 1);
    if (!this.clients.length && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private schedule(): void {
    const due = this.start + (this.count + 1) * this.intervalMs;
    const delay = Math.max(0, Math.ceil(due - this.now()));
    this.timer = setTimeout(this.run, delay);
  }

  /** Runs every tick that is due by now; exposed for tests that drive a fake `now`. */
  readonly run = (): void => {
    this.timer = null;
    const now = this.now();
    let due = Math.floor((now - this.start) / this.intervalMs) - this.count;
    const late = now - (this.start + (this.count + 1) * this.intervalMs);
    if (late > this.maxLatenessMs) this.maxLatenessMs = late;
    this.ticking = true;
    if (due > this.maxCatchUp) {
      const dropped = due - this.maxCatchUp;
      this.skippedTicks += dropped;
      this.count += dropped;
      due = this.maxCatchUp;
      for (let i = 0; i < this.clients.length; i++) this.clients[i]?.skip?.(dropped);
    }
    for (let t = 0; t < due; t++) {
      this.count++;
      for (let i = 0; i < this.clients.length; i++) {
        try {
          this.clients[i]?.tick();
        } catch {
          // One broken session must not silence every other call.
        }
      }
      if (this.onTick) this.onTick(this.now() - (this.start + this.count * this.intervalMs), this.clients.length);
    }
    this.ticking = false;
    if (this.pendingRemovals.length) {
      const removals = this.pendingRemovals;
      this.pendingRemovals = [];
      for (const c of removals) this.remove(c);
    }
    if (this.clients.length && !this.timer) this.schedule();
  };
}

/** The process-wide clock every session uses unless told otherwise. */
export const sharedMediaClock = new MediaClock();
