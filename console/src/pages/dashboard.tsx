import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useLive } from '../live.js';
import type { Dashboard as DashboardData } from '../types.js';
import { Chart, type ChartSeries } from '../ui/chart.js';
import { ErrorText } from '../ui/common.js';

/** How often the page asks again while open; live events ask sooner. */
const POLL_MS = 5000;
/** Live events within this window are one refetch (a burst of messages is one request, not hundreds). */
const SETTLE_MS = 500;

const toSeries = (r: Record<string, number[]>, name = (k: string) => k): ChartSeries[] =>
  Object.keys(r)
    .sort()
    .map((k) => ({ label: name(k), values: r[k]! }));

const peak = (values: Array<number | null>) => values.reduce<number>((a, v) => Math.max(a, v ?? 0), 0);
const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Queue and carrier history is sampled in memory by the server that answers (see docs/console.md). */
function historyNote(since: number | null): string {
  return since === null ? 'Sampled each minute by this server: nothing sampled yet.' : `Sampled each minute by this server since ${clock(since)}.`;
}

function queueSummary(data: DashboardData, name: string) {
  const q = data.queues.find((x) => x.friendly_name === name);
  if (!q) return null;
  return `${q.size} waiting now${q.size > 0 ? `, longest ${q.longest_wait} s` : ''}; at most ${peak(q.size_per_minute)} in the minutes sampled`;
}

function carrierSummary(data: DashboardData, name: string) {
  const c = data.carriers.find((x) => x.name === name);
  if (!c) return null;
  const down = c.up_per_minute.filter((v) => v === 0).length;
  return (
    <>
      <span class={`pill pill-${c.up ? 'ok' : 'bad'}`}>{c.up ? 'up' : 'down'}</span> now
      {down > 0 ? `; down in ${down} of the minutes sampled` : ''}
    </>
  );
}

function Tile(props: { label: string; value: string; testId: string }) {
  return (
    <div class="tile card">
      <div class="tile-value" data-testid={props.testId}>
        {props.value}
      </div>
      <div class="muted">{props.label}</div>
    </div>
  );
}

/**
 * The last hour at a glance: messages and calls by status per minute, delivery rate, webhook failures by
 * alert code, calls up at once, queue depths and carrier health. Numbers come from /console/api/dashboard
 * (the store's own records, through its repository; queue and carrier history from the serving node's
 * sampler); the page refetches on live events and every 5 s.
 */
export function Dashboard() {
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pending = useRef<number | null>(null);

  const load = useCallback(
    () =>
      api<DashboardData>('/console/api/dashboard').then(
        (d) => {
          setData(d);
          setError(null);
        },
        (e: Error) => setError(e.message),
      ),
    [],
  );

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, POLL_MS);
    return () => {
      window.clearInterval(timer);
      if (pending.current !== null) window.clearTimeout(pending.current);
    };
  }, [load]);

  useLive((name) => {
    if (name === 'webhook.request' || pending.current !== null) return;
    pending.current = window.setTimeout(() => {
      pending.current = null;
      void load();
    }, SETTLE_MS);
  });

  const now = data?.minutes.length ? data.concurrent_calls[data.concurrent_calls.length - 1] : 0;
  const rate = data ? [...data.delivery_rate].reverse().find((v) => v !== null) : undefined;
  const alerts = data ? Object.values(data.alerts).reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0) : 0;

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title" tabIndex={-1}>
        Dashboard
      </h1>
      <p class="muted">The last hour, one point a minute; updates live.</p>
      <ErrorText error={error} />
      {data ? (
        <>
          <div class="tiles">
            <Tile label="Messages" value={String(data.messages_total)} testId="dashboard-messages-total" />
            <Tile
              label="Delivery rate (latest)"
              value={rate === undefined || rate === null ? '—' : `${Math.round(rate * 100)}%`}
              testId="dashboard-delivery-rate"
            />
            <Tile label="Calls" value={String(data.calls_total)} testId="dashboard-calls-total" />
            <Tile label="Calls up now" value={String(now ?? 0)} testId="dashboard-calls-now" />
            <Tile label="Webhook failures and alerts" value={String(alerts)} testId="dashboard-alerts-total" />
          </div>
          <div class="charts">
            <Chart id="chart-messages" title="Messages by status" minutes={data.minutes} series={toSeries(data.messages)} testId="chart-messages" />
            <Chart
              id="chart-delivery"
              title="Delivery rate"
              minutes={data.minutes}
              series={[{ label: 'delivered', values: data.delivery_rate }]}
              kind="percent"
            />
            <Chart
              id="chart-alerts"
              title="Webhook failures by alert code"
              minutes={data.minutes}
              series={toSeries(data.alerts, (k) => `alert ${k}`)}
              testId="chart-alerts"
            />
            <Chart id="chart-calls" title="Calls by status" minutes={data.minutes} series={toSeries(data.calls)} testId="chart-calls" />
            <Chart id="chart-concurrent" title="Concurrent calls" minutes={data.minutes} series={[{ label: 'calls up', values: data.concurrent_calls }]} />
            <Chart
              id="chart-queues"
              title="Queue depths"
              minutes={data.minutes}
              series={data.queues.map((q) => ({ label: q.friendly_name, values: q.size_per_minute }))}
              summary={(s) => queueSummary(data, s.label)}
              empty="No queues."
              note={historyNote(data.history_since)}
              testId="chart-queues"
            />
            <Chart
              id="chart-carriers"
              title="Carrier health"
              minutes={data.minutes}
              kind="updown"
              series={data.carriers.map((c) => ({ label: c.name, values: c.up_per_minute }))}
              summary={(s) => carrierSummary(data, s.label)}
              empty="No carrier configured: messages go to the built-in simulator."
              note={data.carriers.length > 0 ? historyNote(data.history_since) : undefined}
              testId="chart-carriers"
            />
          </div>
        </>
      ) : error ? null : (
        <p aria-busy="true">Loading…</p>
      )}
    </section>
  );
}
