/** Exponential backoff with jitter, for reconnects and for pausing submits after a throttle answer. */

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt; default 2. */
  multiplier?: number;
  /** Fraction of each delay that is randomised (0 none, 1 anywhere in [0, delay]); default 0.5. */
  jitter?: number;
}

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt; each call grows the following one. */
  next(): number {
    const { initialMs, maxMs, multiplier = 2, jitter = 0.5 } = this.options;
    const base = Math.min(maxMs, initialMs * multiplier ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 64);
    // Jitter spreads reconnects of many sessions after a shared outage.
    return Math.max(0, Math.round(base * (1 - jitter * this.random())));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
