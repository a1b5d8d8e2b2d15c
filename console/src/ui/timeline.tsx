import type { ComponentChildren } from 'preact';
import type { Alert, WebhookRequest } from '../types.js';
import { HttpPill, Link, PURPOSE, StatusPill, When } from './common.js';

/** One row of a resource's timeline (a status, a webhook and its answer, a verb run). */
export interface Step {
  at: number;
  key: string;
  title: ComponentChildren;
  detail?: ComponentChildren;
}

/** A timeline in time order, shared by the message and call detail pages. */
export function Timeline(props: { steps: Step[]; label?: string; labelledBy?: string; testId?: string }) {
  return (
    <ol class="timeline" aria-label={props.label} aria-labelledby={props.labelledBy} data-testid={props.testId}>
      {props.steps.map((s) => (
        <li key={s.key}>
          <span class="timeline-when">
            <When date={new Date(s.at).toISOString()} compact />
          </span>
          <div>
            <div>{s.title}</div>
            {s.detail && <div class="timeline-detail">{s.detail}</div>}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** The alerts raised for a resource, each linked to the webhook request that raised it. */
export function AlertList(props: { alerts: Alert[] }) {
  if (props.alerts.length === 0) return null;
  return (
    <>
      <h2>Alerts</h2>
      <ul class="list">
        {props.alerts.map((a) => (
          <li key={a.sid} class="list-row alert-row">
            <span class="pill pill-bad">{a.error_code}</span>
            <span class="grow">{a.alert_text}</span>
            {a.webhook_request_sid && <Link to={`/inspector/${a.webhook_request_sid}`}>Inspect request</Link>}
          </li>
        ))}
      </ul>
    </>
  );
}

/** A step per webhook request, oldest first (the API lists newest first), with the status it reported. */
export function webhookSteps(hooks: WebhookRequest[], reportedStatus: (w: WebhookRequest) => string | undefined): Step[] {
  return [...hooks].reverse().map((w) => {
    const status = reportedStatus(w);
    return {
      at: Date.parse(w.date_created),
      key: w.sid,
      title: (
        <>
          {PURPOSE[w.purpose] ?? w.purpose}
          {status && (
            <>
              {' '}
              reported <StatusPill status={status} />
            </>
          )}
        </>
      ),
      detail: (
        <>
          <span class="mono">
            {w.method} {w.url}
          </span>{' '}
          <HttpPill status={w.response?.status ?? null} errorCode={w.error_code} /> {w.latency_ms !== null && <span class="muted">{w.latency_ms} ms</span>}{' '}
          <Link to={`/inspector/${w.sid}`}>
            Inspect<span class="offscreen"> webhook {w.sid}</span>
          </Link>
        </>
      ),
    };
  });
}
