import type { DashboardRepository, MinuteCount } from '../store/repositories/dashboard.js';

/** The dashboard's window: the last hour, one point a minute. */
export const DASHBOARD_MINUTES = 60;
const MINUTE = 60_000;

export interface CarrierHealth {
  name: string;
  up: boolean;
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
  queues: Array<{ sid: string; friendly_name: string; size: number; longest_wait: number }>;
  carriers: CarrierHealth[];
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
export async function dashboardView(repo: DashboardRepository, carriers: () => CarrierHealth[], accountSid: string, now: number): Promise<DashboardView> {
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
    queues: queues.map((q) => ({
      sid: q.sid,
      friendly_name: q.name,
      size: q.size,
      longest_wait: q.oldest === null ? 0 : Math.max(0, Math.round((now - q.oldest) / 1000)),
    })),
    carriers: carriers(),
  };
}
