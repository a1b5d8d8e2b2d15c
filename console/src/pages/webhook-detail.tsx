import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import type { Alert, WebhookRequest } from '../types.js';
import { ErrorText, formPairs, HttpPill, Link, PURPOSE, When } from '../ui/common.js';

function Headers(props: { headers: Record<string, string> | null; label: string }) {
  const entries = Object.entries(props.headers ?? {});
  if (entries.length === 0) return <p class="muted">No headers recorded.</p>;
  return (
    <table class="kv">
      <caption class="offscreen">{props.label}</caption>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td class="mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Body(props: { body: string | null; url?: string; label: string }) {
  const pairs = props.body !== null ? formPairs(props.body, props.url ?? '') : null;
  if (pairs) {
    return (
      <table class="kv">
        <caption class="offscreen">{props.label} parameters</caption>
        <tbody>
          {pairs.map(([k, v], i) => (
            <tr key={`${k}-${i}`}>
              <th scope="row">{k}</th>
              <td class="mono">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (props.body === null || props.body === '') return <p class="muted">Empty body.</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex lint/a11y/useSemanticElements: a <pre> keeps its text layout; as a scrollable region it must be reachable by keyboard (WCAG 2.1.1), and role=region gives its label a meaning
    <pre tabIndex={0} role="region" aria-label={props.label} class="code-block">
      {props.body}
    </pre>
  );
}

const resourceLink = (sid: string) => (sid.startsWith('SM') || sid.startsWith('MM') ? `/messages/${sid}` : null);

/** One webhook request in full: what was sent, what came back, how long it took, and the alert it raised. */
export function WebhookDetail(props: { sid: string }) {
  const [w, setW] = useState<WebhookRequest | null>(null);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<WebhookRequest>(`/switchboard/v1/WebhookRequests/${props.sid}`)
      .then(async (r) => {
        setW(r);
        const a = await api<{ alerts: Alert[] }>(`/switchboard/v1/Alerts${query({ ResourceSid: r.resource_sid ?? undefined, PageSize: '100' })}`);
        setAlerts(a.alerts.filter((x) => x.webhook_request_sid === r.sid));
      })
      .catch((e: Error) => setError(e.message));
  }, [props.sid]);

  if (error)
    return (
      <section class="card split-detail">
        <ErrorText error={error} />
      </section>
    );
  if (!w)
    return (
      <section class="card split-detail" aria-busy="true">
        <p>Loading…</p>
      </section>
    );
  const link = w.resource_sid ? resourceLink(w.resource_sid) : null;
  return (
    <section class="card split-detail" aria-labelledby="wr-title" data-testid="webhook-detail">
      <h2 id="wr-title">
        {PURPOSE[w.purpose] ?? w.purpose} <span class="mono small">{w.sid}</span>
      </h2>
      <dl class="facts">
        <dt>Request</dt>
        <dd class="mono">
          {w.method} {w.url}
        </dd>
        <dt>Answer</dt>
        <dd>
          <HttpPill status={w.response?.status ?? null} errorCode={w.error_code} />
        </dd>
        <dt>Latency</dt>
        <dd>{w.latency_ms !== null ? `${w.latency_ms} ms` : '—'}</dd>
        {w.error_code !== null && (
          <>
            <dt>Error</dt>
            <dd data-testid="error-code">
              <strong>{w.error_code}</strong> {w.error_message}
            </dd>
          </>
        )}
        <dt>Attempt</dt>
        <dd>{w.attempt}</dd>
        <dt>When</dt>
        <dd>
          <When date={w.date_created} />
        </dd>
        {w.resource_sid && (
          <>
            <dt>Resource</dt>
            <dd class="mono">{link ? <Link to={link}>{w.resource_sid}</Link> : w.resource_sid}</dd>
          </>
        )}
      </dl>
      {alerts.map((a) => (
        <p key={a.sid} class="alert-box" role="note">
          Alert <strong>{a.error_code}</strong>: {a.alert_text}{' '}
          <a href={a.more_info} target="_blank" rel="noreferrer noopener">
            About this error<span class="offscreen"> (Twilio docs, opens in a new tab)</span>
          </a>
        </p>
      ))}
      <h3>Request headers</h3>
      <Headers headers={w.request.headers} label="Request headers" />
      <h3>Request body</h3>
      <Body body={w.request.body} url={w.url} label="Request body" />
      <h3>Response</h3>
      {w.response === null ? (
        <p class="muted">No response: {w.error_message ?? 'the request did not complete'}.</p>
      ) : (
        <>
          <h4>Headers</h4>
          <Headers headers={w.response.headers} label="Response headers" />
          <h4>Body</h4>
          <Body body={w.response.body} label="Response body" />
        </>
      )}
    </section>
  );
}
