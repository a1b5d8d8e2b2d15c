import type { DashboardRepository, MinuteCount } from '../store/repositories/dashboard.js';
import type { DashboardSampler } from './dashboard-sampler.js';

/** The dashboard's window: the last hour, one point a minute. */
export const DASHBOARD_MINUTES = 60;
const MINUTE = 60_000;

export interface CarrierHealth {
  name: string;
  up: boolean;
}

/** Where the dashboard's numbers come from: the store, the carriers, and this node's sampled history. */
export interface DashboardSources {
  repo: DashboardRepository;
  carriers: () => CarrierHealth[];
  /** Absent: queue and carrier charts have only the minute in progress. */
  history?: DashboardSampler | undefined;
}

export interface DashboardView {
  /** Start of each minute (ms since the epoch), oldest first; the last is the minute in progress. */
  minutes: number[];
  messages: Record<string, number[]>;
  messages_total: number;
  /** delivered / (delivered + undelivered + failed) per minute; null where none of those happened. */
  delivery_rate: Array<number | null>;
  alerts: Record<string, number[]>;
  calls: Record<string, number[]>;
  calls_total: number;
  /** Calls up at any moment of each minute. */
  concurrent_calls: number[];
  /**
   * Each queue now, and per minute its depth and longest wait (s) as this node sampled them (null: not
   * sampled); the last minute is the reading now.
   */
  queues: Array<{
    sid: string;
    friendly_name: string;
    size: number;
    longest_wait: number;
    size_per_minute: Array<number | null>;
    longest_wait_per_minute: Array<number | null>;
  }>;
  /** Each carrier now, and per minute 1 (up) or 0 (down) as this node sampled it; the last minute is now. */
  carriers: Array<CarrierHealth & { up_per_minute: Array<number | null> }>;
  /** Start of the first minute this node sampled (its queue and carrier history begins there); null: none. */
  history_since: number | null;
}

function series(counts: MinuteCount[], first: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const c of counts) {
    const i = c.minute - first;
    if (i < 0 || i >= DASHBOARD_MINUTES) continue;
    const row = out[c.key] ?? new Array<number>(DASHBOARD_MINUTES).fill(0);
    out[c.key] = row;
    row[i] = (row[i] ?? 0) + c.count;
  }
  return out;
}

const zeros = () => new Array<number>(DASHBOARD_MINUTES).fill(0);
const sum = (s: Record<string, number[]>) => Object.values(s).reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);

/** The console dashboard's numbers for one account, from the store (through its repository) and the carriers. */
export async function dashboardView(
  repo: DashboardRepository,
  carriers: () => CarrierHealth[],
  history: DashboardSampler | undefined,
  accountSid: string,
  now: number,
): Promise<DashboardView> {
  const first = Math.floor(now / MINUTE) - DASHBOARD_MINUTES + 1;
  const since = first * MINUTE;
  const [m, c, a, spans, queues] = await Promise.all([
    repo.messagesByStatus(accountSid, since),
    repo.callsByStatus(accountSid, since),
    repo.alertsByCode(accountSid, since),
    repo.callSpans(accountSid, since),
    repo.queueDepths(accountSid),
  ]);
  const messages = series(m, first);
  const calls = series(c, first);
  const done = (k: string) => messages[k] ?? zeros();
  const delivery_rate = zeros().map((_, i) => {
    const ok = done('delivered')[i]!;
    const all = ok + done('undelivered')[i]! + done('failed')[i]!;
    return all === 0 ? null : ok / all;
  });
  const concurrent_calls = zeros().map((_, i) => {
    const from = since + i * MINUTE;
    const to = from + MINUTE;
    return spans.filter((s) => s.start < to && (s.end === null || s.end >= from)).length;
  });
  return {
    minutes: zeros().map((_, i) => since + i * MINUTE),
    messages,
    messages_total: sum(messages),
    delivery_rate,
    alerts: series(a, first),
    calls,
    calls_total: sum(calls),
    concurrent_calls,
    queues: queues.map((q) => {
      const longest = q.oldest === null ? 0 : Math.max(0, Math.round((now - q.oldest) / 1000));
      return {
        sid: q.sid,
        friendly_name: q.name,
        size: q.size,
        longest_wait: longest,
        size_per_minute: withNow(history?.queueDepths(accountSid, q.sid, first, DASHBOARD_MINUTES), q.size),
        longest_wait_per_minute: withNow(history?.queueWaits(accountSid, q.sid, first, DASHBOARD_MINUTES), longest),
      };
    }),
    carriers: carriers().map((c) => ({ ...c, up_per_minute: withNow(history?.carrierUp(c.name, first, DASHBOARD_MINUTES), c.up ? 1 : 0) })),
    history_since: history?.since ?? null,
  };
}

/** The sampled minutes with the minute in progress replaced by the reading now (it is live, like the other charts). */
function withNow(sampled: Array<number | null> | undefined, now: number): Array<number | null> {
  const out = sampled ?? new Array<number | null>(DASHBOARD_MINUTES).fill(null);
  out[out.length - 1] = now;
  return out;
}
