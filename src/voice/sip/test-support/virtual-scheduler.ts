/** A scheduler on virtual time, so transaction timer tests run in microseconds and never race the clock. */
import type { Cancel, Scheduler } from '../timers.js';

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class VirtualScheduler implements Scheduler {
  now = 0;
  private entries: Entry[] = [];
  private seq = 0;

  after(ms: number, fn: () => void): Cancel {
    const e: Entry = { at: this.now + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.entries.push(e);
    return () => {
      e.cancelled = true;
    };
  }

  get pending(): number {
    return this.entries.filter((e) => !e.cancelled).length;
  }

  /** Runs every timer due within `ms`, in time order, including ones scheduled while running. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (let guard = 0; guard < 100000; guard++) {
      this.entries = this.entries.filter((e) => !e.cancelled);
      let next: Entry | undefined;
      for (const e of this.entries) if (e.at <= end && (!next || e.at < next.at || (e.at === next.at && e.seq < next.seq))) next = e;
      if (!next) break;
      this.now = next.at;
      next.cancelled = true;
      next.fn();
    }
    this.now = end;
  }
}
