/**
 * Transaction timer values (RFC 3261 17 and table 4) and the scheduler the transactions use.
 * The scheduler is injected so that timer tests can run on virtual time instead of waiting seconds.
 */
export interface TimerConfig {
  /** RTT estimate: 500 ms by default. */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses: 4 s. */
  t2: number;
  /** Maximum duration a message remains in the network: 5 s. */
  t4: number;
}

export const DEFAULT_TIMERS: TimerConfig = { t1: 500, t2: 4000, t4: 5000 };

export type Cancel = () => void;

export interface Scheduler {
  after(ms: number, fn: () => void): Cancel;
}

/** Real timers, unref'd: open sockets keep the process alive, a pending retransmission alone should not. */
export const realScheduler: Scheduler = {
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** Timer D: 32 s on unreliable transports (at least 32 s per RFC 3261 17.1.1.2), 0 on reliable ones. */
export function timerD(reliable: boolean, t: TimerConfig): number {
  return reliable ? 0 : Math.max(32000, 64 * t.t1);
}
