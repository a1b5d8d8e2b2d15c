/**
 * Warm decoder processes of one kind (with grammars, or with the language model), at most `max` of them:
 * a recognition takes an idle one, or starts one while under the bound, or waits its turn (Slots). A
 * process that reached its utterance budget is replaced at once, so the next recognition finds a warm one;
 * one that died is replaced only when next needed (no restart loop when the program is broken).
 */
import type { DecoderProcess } from './decoder-process.js';
import { Slots } from './pool.js';

export class DecoderPool {
  private readonly idle: DecoderProcess[] = [];
  private readonly live = new Set<DecoderProcess>();
  private readonly slots: Slots;
  private closed = false;

  constructor(
    private readonly start: () => DecoderProcess,
    max: number,
    maxQueued: number,
  ) {
    this.slots = new Slots(max, maxQueued);
  }

  /** Starts one process ahead of need when none is running (a speech Gather is about to listen). */
  warm(): void {
    if (this.closed || this.live.size > 0) return;
    this.idle.push(this.spawn());
  }

  run<T>(task: (p: DecoderProcess) => Promise<T>): Promise<T> {
    return this.slots.run(async () => {
      let p = this.idle.pop();
      while (p && !p.usable) {
        this.retire(p);
        p = this.idle.pop();
      }
      p ??= this.spawn();
      try {
        return await task(p);
      } finally {
        if (p.usable && !this.closed) this.idle.push(p);
        else {
          const wasLive = !this.closed && this.live.has(p);
          this.retire(p);
          if (wasLive && p.spent && this.idle.length === 0) this.idle.push(this.spawn());
        }
      }
    });
  }

  /** Processes running now (warm or decoding). */
  get size(): number {
    return this.live.size;
  }

  close(): void {
    this.closed = true;
    for (const p of this.live) p.kill();
    this.live.clear();
    this.idle.length = 0;
  }

  private spawn(): DecoderProcess {
    const p = this.start();
    this.live.add(p);
    return p;
  }

  private retire(p: DecoderProcess): void {
    p.kill();
    this.live.delete(p);
  }
}
