/**
 * Per-source token buckets for new INVITEs (the idea of Kamailio's pike module): each source IP may start
 * `ratePerSecond` calls a second on average with bursts of `burst`. Buckets that are full again are swept,
 * so a flood from many (spoofed) addresses costs memory only for about one refill period.
 */
interface Bucket {
  tokens: number;
  at: number;
  /** When this source was last told 503, so a flood gets at most one answer a second. */
  toldAt: number;
}

export type RateVerdict = 'ok' | 'refuse' | 'drop';

const SWEEP_MS = 10_000;
const MAX_SOURCES = 100_000;

export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweptAt = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ratePerSecond > 0;
  }

  /** Takes a token: 'ok'; over the limit: 'refuse' (answer 503) at most once a second per source, else 'drop'. */
  take(source: string): RateVerdict {
    if (!this.enabled) return 'ok';
    const now = this.now();
    if (now - this.sweptAt > SWEEP_MS || this.buckets.size > MAX_SOURCES) this.sweep(now);
    let b = this.buckets.get(source);
    if (!b) {
      b = { tokens: this.burst, at: now, toldAt: 0 };
      this.buckets.set(source, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) * this.ratePerSecond) / 1000);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 'ok';
    }
    if (now - b.toldAt < 1000) return 'drop';
    b.toldAt = now;
    return 'refuse';
  }

  /** Seconds until the source has a token again (for Retry-After). */
  retryAfter(source: string): number {
    const b = this.buckets.get(source);
    if (!b || !this.enabled) return 1;
    return Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSecond));
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) * this.ratePerSecond) / 1000 >= this.burst && now - b.toldAt >= 1000) this.buckets.delete(k);
    }
  }
}
