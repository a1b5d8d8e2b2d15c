/**
 * The one media clock (one per thread): a single timer ticks every 20 ms and every session sends its next
 * frame from that tick, instead of one timer per call. Ticks are counted against a monotonic start time,
 * so a late wake-up runs the missed ticks at once (no drift); after a long stall beyond `maxCatchUp` ticks
 * the backlog is dropped and clients are told how many ticks they skipped.
 *
 * With `phases` > 1 the clients are spread over that many groups, each ticking every 20 ms but offset by
 * 20/phases ms: each call still sends exactly every 20 ms, while the thread sends a quarter (say) of its
 * calls' frames per wake-up instead of all of them in one burst, so the last frame of a wake-up goes out
 * that much sooner (a send costs some microseconds, times hundreds of calls).
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
  /** Groups of clients ticking at offsets of intervalMs/phases (default 1: everyone at once). */
  phases?: number;
  now?: () => number;
}

export class MediaClock {
  readonly intervalMs: number;
  readonly phases: number;
  private readonly stepMs: number;
  private readonly maxCatchUp: number;
  private readonly now: () => number;
  private readonly groups: ClockClient[][] = [];
  private readonly phaseOf = new Map<ClockClient, number>();
  private pendingRemovals: ClockClient[] = [];
  private ticking = false;
  private timer: NodeJS.Timeout | null = null;
  private start = 0;
  /** Steps (interval/phases) run since start. */
  private count = 0;
  /** Ticks dropped after stalls (a tick of one phase's clients), for metrics. */
  skippedTicks = 0;
  /** Largest lateness seen at wake-up, in ms, for metrics. */
  maxLatenessMs = 0;
  /**
   * Metrics hook: after each tick (of one phase), how late its last frame went out (ms past the tick's
   * ideal time), and how many sessions it served. One call per tick, never per packet.
   */
  onTick: ((latenessMs: number, clients: number) => void) | null = null;

  constructor(options: MediaClockOptions = {}) {
    this.intervalMs = options.intervalMs ?? 20;
    this.phases = Math.max(1, Math.floor(options.phases ?? 1));
    this.stepMs = this.intervalMs / this.phases;
    this.maxCatchUp = (options.maxCatchUp ?? 10) * this.phases;
    this.now = options.now ?? (() => performance.now());
    for (let p = 0; p < this.phases; p++) this.groups.push([]);
  }

  get size(): number {
    return this.phaseOf.size;
  }

  add(client: ClockClient): void {
    if (this.phaseOf.has(client)) return;
    let phase = 0;
    for (let p = 1; p < this.phases; p++) if ((this.groups[p]?.length ?? 0) < (this.groups[phase]?.length ?? 0)) phase = p;
    this.groups[phase]?.push(client);
    this.phaseOf.set(client, phase);
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
    const phase = this.phaseOf.get(client);
    if (phase === undefined) return;
    this.phaseOf.delete(client);
    const group = this.groups[phase] ?? [];
    const i = group.indexOf(client);
    if (i >= 0) group.splice(i, 1);
    if (!this.phaseOf.size && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private schedule(): void {
    const due = this.start + (this.count + 1) * this.stepMs;
    const delay = Math.max(0, Math.ceil(due - this.now()));
    this.timer = setTimeout(this.run, delay);
  }

  /** Runs every tick that is due by now; exposed for tests that drive a fake `now`. */
  readonly run = (): void => {
    this.timer = null;
    const now = this.now();
    let due = Math.floor((now - this.start) / this.stepMs) - this.count;
    const late = now - (this.start + (this.count + 1) * this.stepMs);
    if (late > this.maxLatenessMs) this.maxLatenessMs = late;
    this.ticking = true;
    if (due > this.maxCatchUp) {
      this.drop(due - this.maxCatchUp);
      due = this.maxCatchUp;
    }
    for (let t = 0; t < due; t++) {
      const group = this.groups[this.count % this.phases] ?? [];
      this.count++;
      for (let i = 0; i < group.length; i++) {
        try {
          group[i]?.tick();
        } catch {
          // One broken session must not silence every other call.
        }
      }
      if (this.onTick && group.length) this.onTick(this.now() - (this.start + this.count * this.stepMs), group.length);
    }
    this.ticking = false;
    if (this.pendingRemovals.length) {
      const removals = this.pendingRemovals;
      this.pendingRemovals = [];
      for (const c of removals) this.remove(c);
    }
    if (this.phaseOf.size && !this.timer) this.schedule();
  };

  /** Drops `steps` steps from the backlog: each phase's clients skip the ticks of theirs among them. */
  private drop(steps: number): void {
    for (let p = 0; p < this.phases; p++) {
      // Steps count, count+1, ... count+steps-1 belong to phase (step % phases).
      const first = (p - (this.count % this.phases) + this.phases) % this.phases;
      const n = first < steps ? Math.floor((steps - 1 - first) / this.phases) + 1 : 0;
      if (n === 0) continue;
      this.skippedTicks += n;
      const group = this.groups[p] ?? [];
      for (let i = 0; i < group.length; i++) group[i]?.skip?.(n);
    }
    this.count += steps;
  }
}

/** The process-wide clock every session uses unless told otherwise. */
export const sharedMediaClock = new MediaClock();
