import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { useLive } from '../live.js';
import type { Alert, Call, CallDetails, CallEvent, Recording, Session, WebhookRequest } from '../types.js';
import { ErrorText, formPairs, Link, StatusPill, When } from '../ui/common.js';
import { RecordingView } from '../ui/recording.js';
import { AlertList, Timeline, webhookSteps, type Step } from '../ui/timeline.js';

/** A Media Stream as its status callbacks tell it: name, track, and each event (started, stopped, error). */
interface StreamSeen {
  sid: string;
  name: string;
  track: string;
  events: string[];
}

function streamsOf(hooks: WebhookRequest[]): StreamSeen[] {
  const byId = new Map<string, StreamSeen>();
  for (const w of hooks) {
    if (w.purpose !== 'stream-status') continue;
    const p = new Map(formPairs(w.request.body, w.url) ?? []);
    const sid = p.get('StreamSid');
    if (!sid) continue;
    const s = byId.get(sid) ?? { sid, name: p.get('StreamName') ?? '', track: p.get('Track') ?? '', events: [] };
    const ev = p.get('StreamEvent');
    if (ev && !s.events.includes(ev)) s.events.push(ev);
    byId.set(sid, s);
  }
  return [...byId.values()];
}

/** The status a call status callback reported, read from what was sent (form body, or the query of a GET). */
function reportedStatus(w: WebhookRequest): string | undefined {
  if (w.purpose !== 'voice-status') return undefined;
  return formPairs(w.request.body, w.url)?.find(([k]) => k === 'CallStatus')?.[1];
}

/**
 * One timeline from two records: the webhooks the call caused (TwiML fetches, action URLs, status
 * callbacks, each with the answer it got) and the verbs it ran, oldest first. At equal times the webhook
 * comes first: a document is fetched before its verbs run.
 */
function timeline(hooks: WebhookRequest[], events: CallEvent[]): Step[] {
  const steps: Step[] = [];
  steps.push(...webhookSteps(hooks, reportedStatus));
  for (const e of events) {
    steps.push({
      at: Date.parse(e.date_created),
      key: e.sid,
      title: (
        <>
          Ran <span class="mono">&lt;{e.verb}&gt;</span>
        </>
      ),
      ...(e.detail ? { detail: <span class="event-detail">{e.detail}</span> } : {}),
    });
  }
  // Array.prototype.sort is stable: equal times keep webhooks before verbs, and each list's own order.
  return steps.sort((a, b) => a.at - b.at);
}

/** `embedded`: inside another page (the phone): no back link, headings one level down. */
export function CallDetail(props: { session: Session; sid: string; embedded?: boolean }) {
  const acct = props.session.account_sid;
  const { sid } = props;
  const [call, setCall] = useState<CallDetails | null>(null);
  const [hooks, setHooks] = useState<WebhookRequest[]>([]);
  const [events, setEvents] = useState<CallEvent[]>([]);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [legs, setLegs] = useState<Call[]>([]);
  const [recordings, setRecordings] = useState<Recording[]>([]);
  const [error, setError] = useState<string | null>(null);

  const loadCall = useCallback(
    () =>
      api<CallDetails>(`/2010-04-01/Accounts/${acct}/Calls/${sid}.json`).then(
        (c) => {
          setCall(c);
          setError(null);
        },
        (e: Error) => setError(e.message),
      ),
    [acct, sid],
  );
  const loadTimeline = useCallback(async () => {
    const q = query({ ResourceSid: sid, PageSize: '200' });
    const [w, a, e] = await Promise.all([
      api<{ webhook_requests: WebhookRequest[] }>(`/switchboard/v1/WebhookRequests${q}`),
      api<{ alerts: Alert[] }>(`/switchboard/v1/Alerts${q}`),
      api<{ events: CallEvent[] }>(`/switchboard/v1/Calls/${sid}/Events${query({ PageSize: '500' })}`),
    ]);
    setHooks(w.webhook_requests);
    setAlerts(a.alerts);
    setEvents(e.events);
  }, [sid]);

  // The legs <Dial> made from this call (child calls), newest first as the Calls API lists them.
  const loadLegs = useCallback(
    () =>
      api<{ calls: Call[] }>(`/2010-04-01/Accounts/${acct}/Calls.json${query({ ParentCallSid: sid, PageSize: '50' })}`).then(
        (r) => setLegs(r.calls),
        () => undefined,
      ),
    [acct, sid],
  );

  const loadRecordings = useCallback(
    () =>
      api<{ recordings: Recording[] }>(`/2010-04-01/Accounts/${acct}/Recordings.json${query({ CallSid: sid, PageSize: '50' })}`).then(
        (r) => setRecordings(r.recordings),
        () => undefined,
      ),
    [acct, sid],
  );

  useEffect(() => {
    void loadCall();
    void loadTimeline().catch(() => undefined);
    void loadLegs();
    void loadRecordings();
  }, [loadCall, loadTimeline, loadLegs, loadRecordings]);

  // Also every 3 s: a leg's first status events can all pass before this page's live stream is open (the
  // phone opens the page as its call starts), and a leg then sends none until it ends.
  // The phone's own call is read again until it loads: a failed first read must not leave its page on an error.
  const retryCall = props.embedded === true && call === null;
  useEffect(() => {
    const timer = setInterval(() => {
      void loadLegs();
      if (retryCall) void loadCall();
    }, 3000);
    return () => clearInterval(timer);
  }, [loadLegs, loadCall, retryCall]);

  useLive((name, data) => {
    if (name === 'resync') {
      void loadCall();
      void loadTimeline().catch(() => undefined);
      void loadLegs();
      void loadRecordings();
      return;
    }
    const d = data as { sid?: string; resourceSid?: string | null } | null;
    // Verbs have no live event of their own: a status change or a webhook is the moment to read them again.
    if (name === 'call.status' && d?.sid === sid) {
      void loadCall();
      void loadTimeline().catch(() => undefined);
    }
    // A leg's status changes under its own SID: any other call's change may be one of ours.
    if (name === 'call.status' && d?.sid !== sid) void loadLegs();
    if ((name === 'webhook.request' || name === 'alert') && d?.resourceSid === sid) void loadTimeline().catch(() => undefined);
    // A recording lands (or a transcription) with its callback or the call's end.
    if ((name === 'call.status' && d?.sid === sid) || (name === 'webhook.request' && d?.resourceSid === sid)) void loadRecordings();
  });

  if (error)
    return (
      <section>
        <h1 tabIndex={-1}>Call</h1>
        <ErrorText error={error} />
        <Link to="/calls">Back to calls</Link>
      </section>
    );
  if (!call)
    return (
      <section aria-busy="true">
        <h1 tabIndex={-1}>Call</h1>
        <p>Loading…</p>
      </section>
    );
  const steps = timeline(hooks, events);
  const streams = streamsOf(hooks);
  const embedded = props.embedded === true;
  return (
    <section aria-labelledby="call-title">
      {embedded ? (
        <h2 id="call-title">
          <Link to={`/calls/${call.sid}`} label={`Call ${call.sid}`}>
            Call <span class="mono small">{call.sid}</span>
          </Link>
        </h2>
      ) : (
        <>
          <p>
            <Link to="/calls">← All calls</Link>
          </p>
          <h1 id="call-title" tabIndex={-1}>
            Call <span class="mono small">{call.sid}</span>
          </h1>
        </>
      )}
      <dl class="facts card">
        <dt>Status</dt>
        <dd>
          <StatusPill status={call.status} />
        </dd>
        <dt>Direction</dt>
        <dd>{call.direction}</dd>
        <dt>From</dt>
        <dd class="mono">{call.from || '—'}</dd>
        <dt>To</dt>
        <dd class="mono">{call.to}</dd>
        <dt>Duration</dt>
        <dd data-testid="duration">{call.duration !== null ? `${call.duration} s` : '—'}</dd>
        <dt>Started</dt>
        <dd>
          <When date={call.start_time} />
        </dd>
        <dt>Ended</dt>
        <dd>
          <When date={call.end_time} />
        </dd>
        {call.answered_by ? (
          <>
            <dt>Answered by</dt>
            <dd data-testid="answered-by">{call.answered_by}</dd>
          </>
        ) : null}
        {call.parent_call_sid ? (
          <>
            <dt>Parent call</dt>
            <dd>
              <Link to={`/calls/${call.parent_call_sid}`} class="mono" label={`Parent call ${call.parent_call_sid}`}>
                {call.parent_call_sid}
              </Link>
            </dd>
          </>
        ) : null}
      </dl>
      {legs.length > 0 ? (
        <>
          <h2 id="call-legs-title">Legs</h2>
          <ol class="list log" aria-labelledby="call-legs-title" data-testid="call-legs">
            {legs.map((leg) => (
              <li key={leg.sid} class="log-row" data-sid={leg.sid}>
                <Link to={`/calls/${leg.sid}`} class="log-link" label={`Leg ${leg.sid} to ${leg.to}, ${leg.status}`}>
                  <span class="mono log-parties">
                    {leg.from} → {leg.to}
                  </span>
                  <span class="log-meta">{leg.duration ? `${leg.duration} s` : ''}</span>
                  <StatusPill status={leg.status} />
                </Link>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {recordings.length > 0 ? (
        <>
          <h2 id="call-recordings-title">Recordings</h2>
          <ul class="list" aria-labelledby="call-recordings-title">
            {recordings.map((r) => (
              <RecordingView key={`${r.sid}-${r.status}`} accountSid={acct} recording={r} />
            ))}
          </ul>
        </>
      ) : null}
      {streams.length > 0 ? (
        <>
          <h2 id="call-streams-title">Media Streams</h2>
          <ul class="list" aria-labelledby="call-streams-title" data-testid="call-streams">
            {streams.map((st) => (
              <li key={st.sid} class="list-row">
                <span class="mono small">{st.sid}</span>
                {st.name ? <span>{st.name}</span> : null}
                {st.track ? <span class="muted">{st.track}</span> : null}
                <span>{st.events.join(' → ')}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 id="call-timeline-title">Timeline</h2>
      {steps.length === 0 ? <p>Nothing recorded for this call yet.</p> : <Timeline steps={steps} labelledBy="call-timeline-title" testId="call-timeline" />}
      <AlertList alerts={alerts} />
    </section>
  );
}
