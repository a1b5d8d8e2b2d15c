import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { useLive } from '../live.js';
import type { Alert, Message, MessageExtra, Session, WebhookRequest } from '../types.js';
import { ErrorText, formPairs, Link, StatusPill, When } from '../ui/common.js';
import { AlertList, Timeline, webhookSteps, type Step } from '../ui/timeline.js';

/** The status a callback reported, read from what was sent (form body, or the query of a GET). */
function reportedStatus(w: WebhookRequest): string | undefined {
  const pairs = formPairs(w.request.body, w.url);
  return pairs?.find(([k]) => k === 'MessageStatus' || k === 'SmsStatus')?.[1];
}

/**
 * Messages keep no status history, so the timeline is assembled from what was recorded: creation and send
 * dates, every webhook the message caused (with the answer it got), statuses seen live while this page is
 * open, and the current status.
 */
function timeline(m: Message, hooks: WebhookRequest[], seen: { at: number; status: string }[]): Step[] {
  const steps: Step[] = [
    { at: Date.parse(m.date_created), key: 'created', title: m.direction === 'inbound' ? 'Received from the carrier' : 'Created, queued' },
  ];
  if (m.date_sent && m.direction !== 'inbound') steps.push({ at: Date.parse(m.date_sent), key: 'sent', title: 'Handed to the carrier' });
  // The API lists newest first; the timeline reads oldest first, and equal times keep this order.
  steps.push(...webhookSteps(hooks, reportedStatus));
  for (const s of seen)
    steps.push({
      at: s.at,
      key: `live-${s.at}-${s.status}`,
      title: (
        <>
          Status changed to <StatusPill status={s.status} /> (seen live)
        </>
      ),
    });
  steps.push({
    at: Date.parse(m.date_updated),
    key: 'now',
    title: (
      <>
        Current status <StatusPill status={m.status} />
      </>
    ),
  });
  return steps.sort((a, b) => a.at - b.at);
}

export function MessageDetail(props: { session: Session; sid: string }) {
  const acct = props.session.account_sid;
  const { sid } = props;
  const [m, setM] = useState<Message | null>(null);
  const [extra, setExtra] = useState<MessageExtra | null>(null);
  const [hooks, setHooks] = useState<WebhookRequest[]>([]);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [seen, setSeen] = useState<{ at: number; status: string }[]>([]);
  const [error, setError] = useState<string | null>(null);

  const loadMessage = useCallback(
    () => api<Message>(`/2010-04-01/Accounts/${acct}/Messages/${sid}.json`).then(setM, (e: Error) => setError(e.message)),
    [acct, sid],
  );
  const loadHooks = useCallback(async () => {
    const q = query({ ResourceSid: sid, PageSize: '200' });
    const [w, a] = await Promise.all([
      api<{ webhook_requests: WebhookRequest[] }>(`/switchboard/v1/WebhookRequests${q}`),
      api<{ alerts: Alert[] }>(`/switchboard/v1/Alerts${q}`),
    ]);
    setHooks(w.webhook_requests);
    setAlerts(a.alerts);
  }, [sid]);

  useEffect(() => {
    setSeen([]);
    void loadMessage();
    void loadHooks().catch(() => undefined);
    api<MessageExtra>(`/console/api/messages/${sid}`).then(setExtra, () => setExtra(null));
  }, [sid, loadMessage, loadHooks]);

  useLive((name, data) => {
    if (name === 'resync') {
      void loadMessage();
      void loadHooks();
      return;
    }
    const d = data as { sid?: string; resourceSid?: string | null; status?: string } | null;
    if (name === 'message.status' && d?.sid === sid) {
      setSeen((cur) => [...cur, { at: Date.now(), status: String(d.status) }]);
      void loadMessage();
    }
    if ((name === 'webhook.request' || name === 'alert') && d?.resourceSid === sid) void loadHooks();
  });

  if (error)
    return (
      <section>
        <h1 tabIndex={-1}>Message</h1>
        <ErrorText error={error} />
        <Link to="/messages">Back to messages</Link>
      </section>
    );
  if (!m)
    return (
      <section aria-busy="true">
        <h1 tabIndex={-1}>Message</h1>
        <p>Loading…</p>
      </section>
    );
  return (
    <section aria-labelledby="message-title">
      <p>
        <Link to="/messages">← All messages</Link>
      </p>
      <h1 id="message-title" tabIndex={-1}>
        Message <span class="mono small">{m.sid}</span>
      </h1>
      <div class="detail-grid">
        <dl class="facts card">
          <dt>Status</dt>
          <dd>
            <StatusPill status={m.status} />
            {m.error_code !== null && (
              <>
                {' '}
                error {m.error_code}: {m.error_message}
              </>
            )}
          </dd>
          <dt>Direction</dt>
          <dd>{m.direction}</dd>
          <dt>From</dt>
          <dd class="mono">{m.from ?? '—'}</dd>
          <dt>To</dt>
          <dd class="mono">{m.to}</dd>
          <dt>Segments</dt>
          <dd data-testid="segments">{m.num_segments}</dd>
          <dt>Encoding</dt>
          <dd data-testid="encoding">{extra?.encoding ?? '—'}</dd>
          <dt>Media</dt>
          <dd>{m.num_media}</dd>
          {m.messaging_service_sid && (
            <>
              <dt>Messaging service</dt>
              <dd class="mono">{m.messaging_service_sid}</dd>
            </>
          )}
          <dt>Created</dt>
          <dd>
            <When date={m.date_created} />
          </dd>
          <dt>Sent</dt>
          <dd>
            <When date={m.date_sent} />
          </dd>
        </dl>
        <div class="card">
          <h2>Body</h2>
          <p class="body-text">{m.body || <span class="muted">(empty)</span>}</p>
        </div>
      </div>
      <h2>Timeline</h2>
      <Timeline steps={timeline(m, hooks, seen)} label="Status timeline" />
      <AlertList alerts={alerts} />
    </section>
  );
}
