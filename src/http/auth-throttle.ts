/**
 * Slows down password guessing: failed logins are counted per source address and per SID attacked, in a
 * fixed window that starts at the first failure. Past the limit every attempt on that key, right or wrong,
 * is refused until the window ends, so a guess that happens to be right teaches the attacker nothing.
 * Successes reset nothing: a client with valid credentials of its own (another IP, another account) cannot
 * clear an attacker's count. Kept in memory per server: a restart or another node starts from zero, which
 * still caps each node at a few guesses a minute against a 32-character secret.
 */

export interface AuthThrottleOptions {
  /** Failures from one source address within the window before it is refused. */
  perSource: number;
  /** Failures against one SID from all sources within the window. Higher: it lets anyone lock that SID out. */
  perSid: number;
  windowMs: number;
  now: () => number;
}

export const DEFAULT_AUTH_THROTTLE: Omit<AuthThrottleOptions, 'now'> = { perSource: 10, perSid: 50, windowMs: 60_000 };

interface Bucket {
  failures: number;
  resetAt: number;
}

/** Bounds memory under a flood of distinct sources or made-up SIDs; the oldest windows go first. */
const MAX_BUCKETS = 100_000;

export class AuthThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly o: AuthThrottleOptions) {}

  /** Milliseconds until this source or SID may try again, or 0 when it may try now. */
  retryAfterMs(source: string, sid: string): number {
    const now = this.o.now();
    return Math.max(this.blockedFor(`ip:${source}`, this.o.perSource, now), this.blockedFor(`sid:${sid}`, this.o.perSid, now));
  }

  failed(source: string, sid: string): void {
    if (this.o.perSource <= 0 && this.o.perSid <= 0) return;
    const now = this.o.now();
    this.count(`ip:${source}`, now);
    this.count(`sid:${sid}`, now);
  }

  private blockedFor(key: string, limit: number, now: number): number {
    if (limit <= 0) return 0; // throttle off
    const b = this.buckets.get(key);
    if (!b || b.resetAt <= now || b.failures < limit) return 0;
    return b.resetAt - now;
  }

  private count(key: string, now: number): void {
    let b = this.buckets.get(key);
    if (!b || b.resetAt <= now) {
      this.buckets.delete(key); // re-inserted last, so Map order stays oldest-window-first
      b = { failures: 0, resetAt: now + this.o.windowMs };
      this.buckets.set(key, b);
      this.evict(now);
    }
    b.failures++;
  }

  private evict(now: number): void {
    for (const [key, b] of this.buckets) {
      if (this.buckets.size <= MAX_BUCKETS && b.resetAt > now) break;
      this.buckets.delete(key);
    }
  }
}
