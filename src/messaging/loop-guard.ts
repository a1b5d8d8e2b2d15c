/**
 * Stops two numbers of the platform from texting each other without end (two auto-responders answering
 * each other), with the rule Twilio documents for error 14107 (https://www.twilio.com/docs/errors/14107):
 * each message between the same two numbers that follows the previous one within 30 s adds one to the
 * pair's counter (a longer gap starts it again at 1); once the counter passes 30, the pair's messages fail
 * with 14107 for the next 30 s. Failing one message breaks the chain: nobody receives it, so nobody replies.
 *
 * Kept in memory per node: a loop is bounded on each node that carries it, and a restart forgets the
 * counters (the bound then starts again, it is never lifted for good).
 */
export interface LoopGuardOptions {
  /** Messages allowed in a burst before the pair is blocked (Twilio: 30). */
  limit: number;
  /** The longest gap that keeps a burst going, and how long a blocked pair stays blocked (Twilio: 30 s). */
  windowMs: number;
}

export const TWILIO_LOOP_LIMIT: LoopGuardOptions = { limit: 30, windowMs: 30_000 };

interface PairState {
  count: number;
  last: number;
  blockedUntil: number;
}

const MAX_PAIRS = 50_000;

export class LoopGuard {
  private readonly pairs = new Map<string, PairState>();

  constructor(private readonly o: LoopGuardOptions = TWILIO_LOOP_LIMIT) {}

  /** Counts a message from `from` to `to` at `now`; false when the pair is over its limit (the message fails). */
  allow(from: string, to: string, now: number): boolean {
    const key = from < to ? `${from}|${to}` : `${to}|${from}`;
    let s = this.pairs.get(key);
    if (!s) {
      if (this.pairs.size >= MAX_PAIRS) this.prune(now);
      s = { count: 0, last: 0, blockedUntil: 0 };
      this.pairs.set(key, s);
    }
    if (now < s.blockedUntil) return false;
    s.count = now - s.last <= this.o.windowMs ? s.count + 1 : 1;
    s.last = now;
    if (s.count > this.o.limit) {
      s.blockedUntil = now + this.o.windowMs;
      s.count = 0;
      return false;
    }
    return true;
  }

  /** Forgets pairs quiet for longer than the window (they would start again at 1 anyway). */
  private prune(now: number): void {
    for (const [key, s] of this.pairs) if (now - s.last > this.o.windowMs && now >= s.blockedUntil) this.pairs.delete(key);
  }
}
