import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { useLive } from '../live.js';
import { useBatcher } from '../paged.js';
import type { Conference, Participant, Session } from '../types.js';
import { ErrorText, Link, When } from '../ui/common.js';

interface ConferenceWithParticipants {
  conference: Conference;
  participants: Participant[];
}

/** Live conferences and who is in each, with mute, hold and kick; refreshed as calls change and every few seconds. */
export function Conferences(props: { session: Session }) {
  const acct = props.session.account_sid;
  const base = `/2010-04-01/Accounts/${acct}/Conferences`;
  const [items, setItems] = useState<ConferenceWithParticipants[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const lists = await Promise.all(
        ['init', 'in-progress'].map((Status) => api<{ conferences: Conference[] }>(`${base}.json${query({ Status, PageSize: '50' })}`)),
      );
      const withParticipants = await Promise.all(
        lists
          .flatMap((l) => l.conferences)
          .map(async (conference) => {
            const p = await api<{ participants: Participant[] }>(`${base}/${conference.sid}/Participants.json`);
            return { conference, participants: p.participants };
          }),
      );
      setItems(withParticipants);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [base]);

  useEffect(() => {
    void load();
    // Mute and hold do not change a call's status: look again every few seconds while the page is open.
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [load]);
  const refresh = useBatcher(() => void load(), 1000, 200);
  useLive((name) => {
    if (name === 'call.status' || name === 'resync') refresh('conferences');
  });

  const act = async (conferenceSid: string, callSid: string, change: Record<string, string> | 'kick') => {
    try {
      const path = `${base}/${conferenceSid}/Participants/${callSid}.json`;
      if (change === 'kick') await api(path, { method: 'DELETE' });
      else await api(path, { form: change });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section aria-labelledby="conferences-title">
      <h1 id="conferences-title" tabIndex={-1}>
        Conferences
      </h1>
      <ErrorText error={error} />
      {items === null ? (
        <p aria-busy="true">Loading…</p>
      ) : items.length === 0 ? (
        <p>
          No live conference. A call's <span class="mono">&lt;Dial&gt;&lt;Conference&gt;</span> starts one, or the Participants API.
        </p>
      ) : (
        items.map(({ conference, participants }) => (
          <div class="card" key={conference.sid} data-sid={conference.sid} data-testid="conference">
            <h2>
              {conference.friendly_name} <span class="mono small">{conference.sid}</span>
            </h2>
            <p class="muted">
              {conference.status === 'init' ? 'waiting to start' : 'in progress'}; {participants.length} in it; since{' '}
              <When date={conference.date_created} compact />
            </p>
            <ul class="list log" aria-label={`Participants of ${conference.friendly_name}`}>
              {participants.map((p) => (
                <li key={p.call_sid} class="log-row" data-sid={p.call_sid}>
                  <Link to={`/calls/${p.call_sid}`} class="log-link" label={`Call ${p.call_sid}`}>
                    <span class="mono log-parties">{p.label ?? p.call_sid}</span>
                    <span class="log-meta">
                      {[p.muted ? 'muted' : '', p.hold ? 'on hold' : '', p.coaching ? `coaching ${p.call_sid_to_coach}` : ''].filter(Boolean).join(', ')}
                    </span>
                  </Link>
                  <button type="button" onClick={() => void act(conference.sid, p.call_sid, { Muted: String(!p.muted) })}>
                    {p.muted ? 'Unmute' : 'Mute'}
                  </button>
                  <button type="button" onClick={() => void act(conference.sid, p.call_sid, { Hold: String(!p.hold) })}>
                    {p.hold ? 'Resume' : 'Hold'}
                  </button>
                  <button type="button" onClick={() => void act(conference.sid, p.call_sid, 'kick')}>
                    Kick
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}
