/**
 * A bound on how many recognitions run at once (each is a process using a core while it decodes): the
 * others wait their turn in order, up to `maxQueued`; beyond that a recognition fails at once ('busy')
 * rather than leaving callers waiting minutes for an answer.
 */
import { SpeechError } from './recognizer.js';

export class Slots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly maxQueued: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueued) throw new SpeechError('busy', `${this.running} recognitions running and ${this.waiting.length} waiting`);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
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
}
