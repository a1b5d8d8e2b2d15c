/**
 * A bound on how many recognitions run at once (each is a process using a core while it decodes, or a
 * request to a remote engine): the others wait their turn in order, up to `maxQueued`; beyond that a
 * recognition fails at once ('busy') rather than leaving callers waiting minutes for an answer. A waiter
 * whose signal aborts leaves the queue at once ('aborted'), so an ended call never takes a slot later.
 */
import { SpeechError } from './recognizer.js';

export class Slots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly maxQueued: number,
  ) {}

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw aborted();
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueued) throw new SpeechError('busy', `${this.running} recognitions running and ${this.waiting.length} waiting`);
      await this.turn(signal);
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `running` stays the same.
      if (next) next();
      else this.running--;
    }
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves when a finishing task hands this waiter its slot; rejects if the signal aborts first. */
  private turn(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(wake);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(aborted());
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }
}

function aborted(): SpeechError {
  return new SpeechError('aborted', 'the recognition was cancelled');
}
