import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { useLive } from '../live.js';
import { useBatcher } from '../paged.js';
import type { Queue, QueueMember, Session } from '../types.js';
import { ErrorText, Link, When } from '../ui/common.js';

interface QueueWithMembers {
  queue: Queue;
  members: QueueMember[];
}

/** Call queues and who waits in each, in line order; refreshed as calls join and leave. */
export function Queues(props: { session: Session }) {
  const acct = props.session.account_sid;
  const [queues, setQueues] = useState<QueueWithMembers[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const base = `/2010-04-01/Accounts/${acct}/Queues`;
      const list = await api<{ queues: Queue[] }>(`${base}.json${query({ PageSize: '100' })}`);
      const withMembers = await Promise.all(
        list.queues.map(async (queue) => {
          const m = await api<{ queue_members: QueueMember[] }>(`${base}/${queue.sid}/Members.json${query({ PageSize: '100' })}`);
          return { queue, members: m.queue_members };
        }),
      );
      setQueues(withMembers);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [acct]);

  useEffect(() => {
    void load();
  }, [load]);
  const refresh = useBatcher(() => void load(), 1000, 200);
  useLive((name) => {
    if (name === 'queue.member' || name === 'resync') refresh('queues');
  });

  return (
    <section aria-labelledby="queues-title">
      <h1 id="queues-title" tabIndex={-1}>
        Queues
      </h1>
      <ErrorText error={error} />
      {queues === null ? (
        <p aria-busy="true">Loading…</p>
      ) : queues.length === 0 ? (
        <p>
          No queues yet. A call's <span class="mono">&lt;Enqueue&gt;</span> makes one, or the Queues API.
        </p>
      ) : (
        queues.map(({ queue, members }) => (
          <div class="card" key={queue.sid} data-sid={queue.sid} data-testid="queue">
            <h2>
              {queue.friendly_name} <span class="mono small">{queue.sid}</span>
            </h2>
            <p class="muted">
              {queue.current_size} waiting of at most {queue.max_size}; average wait {queue.average_wait_time} s
            </p>
            {members.length === 0 ? (
              <p>Nobody is waiting.</p>
            ) : (
              <ol class="list log" aria-label={`Calls waiting in ${queue.friendly_name}, front first`}>
                {members.map((m) => (
                  <li key={m.call_sid} class="log-row" data-sid={m.call_sid}>
                    <Link to={`/calls/${m.call_sid}`} class="log-link" label={`Call ${m.call_sid}, position ${m.position}, waiting ${m.wait_time} s`}>
                      <span class="log-dir">#{m.position}</span>
                      <span class="mono log-parties">{m.call_sid}</span>
                      <span class="log-meta">{m.wait_time} s</span>
                      <span class="log-when">
                        <When date={m.date_enqueued} compact />
                      </span>
                    </Link>
                  </li>
                ))}
              </ol>
            )}
          </div>
        ))
      )}
    </section>
  );
}
