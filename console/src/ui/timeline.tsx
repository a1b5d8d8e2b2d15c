import type { ComponentChildren } from 'preact';
import type { Alert } from '../types.js';
import { Link, When } from './common.js';

/** One row of a resource's timeline (a status, a webhook and its answer, a verb run). */
export interface Step { at: number; key: string; title: ComponentChildren; detail?: ComponentChildren }

/** A timeline in time order, shared by the message and call detail pages. */
export function Timeline(props: { steps: Step[]; label?: string; labelledBy?: string; testId?: string }) {
  return (
    <ol class="timeline" aria-label={props.label} aria-labelledby={props.labelledBy} data-testid={props.testId}>
      {props.steps.map((s) => (
        <li key={s.key}>
          <span class="timeline-when"><When date={new Date(s.at).toISOString()} compact /></span>
          <div><div>{s.title}</div>{s.detail && <div class="timeline-detail">{s.detail}</div>}</div>
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
