import { useEffect, useState } from 'preact/hooks';
import { probe } from '../api.js';
import { useLive } from '../live.js';
import { useBatcher, usePaged } from '../paged.js';
import type { Call, Session } from '../types.js';
import { ErrorText, Link, LoadMore, Notice, StatusPill, When } from '../ui/common.js';

type Probe = 'checking' | 'enabled' | 'disabled';

/**
 * Calls appear once the voice module answers the Calls API. Until then the page says so rather than
 * showing anything invented: the probe is the API itself, so nothing here changes when voice lands.
 */
export function Calls(props: { session: Session }) {
  const url = `/2010-04-01/Accounts/${props.session.account_sid}/Calls.json?PageSize=50`;
  const [state, setState] = useState<Probe>('checking');
  useEffect(() => {
    probe<{ calls: Call[] }>(url).then(
      (r) => setState(r && Array.isArray(r.calls) ? 'enabled' : 'disabled'),
      () => setState('disabled'),
    );
  }, [url]);

  if (state === 'checking')
    return (
      <section aria-busy="true">
        <h1 tabIndex={-1}>Calls</h1>
        <p>Checking for the voice module…</p>
      </section>
    );
  if (state === 'disabled') {
    return (
      <section>
        <h1 tabIndex={-1}>Calls</h1>
        <Notice title="Voice is not enabled on this server">
          <p data-testid="calls-notice">Voice calls will appear here once the voice module is enabled.</p>
          <p class="muted">This page reads the Calls API; it lists calls as soon as that API answers.</p>
        </Notice>
      </section>
    );
  }
  return <CallList url={url} />;
}

function CallList(props: { url: string }) {
  const list = usePaged<Call>(props.url, (p) => (p as { calls: Call[] }).calls);
  const refresh = useBatcher(() => void list.refreshHead(), 1000, 200);
  useLive((name) => {
    if (name === 'call.status' || name === 'resync') refresh('calls');
  });
  return (
    <section aria-labelledby="calls-title">
      <h1 id="calls-title" tabIndex={-1}>
        Calls
      </h1>
      <ErrorText error={list.error} />
      {list.items.length === 0 && !list.loading ? (
        <p>No calls yet.</p>
      ) : (
        <ol class="list log" aria-label="Calls, newest first">
          {list.items.map((c) => (
            <li key={c.sid} class="log-row" data-sid={c.sid}>
              <Link to={`/calls/${c.sid}`} class="log-link" label={`Call ${c.sid} from ${c.from} to ${c.to}, ${c.status}`}>
                <span class="log-when">
                  <When date={c.date_created} compact />
                </span>
                <span class="log-dir">{c.direction.startsWith('outbound') ? 'Out' : 'In'}</span>
                <span class="mono log-parties">
                  {c.from} → {c.to}
                </span>
                <span class="log-meta">{c.duration ? `${c.duration} s` : ''}</span>
                <StatusPill status={c.status} />
              </Link>
            </li>
          ))}
        </ol>
      )}
      <LoadMore next={list.next} loading={list.loading} onClick={list.loadMore} count={list.items.length} noun="call" />
    </section>
  );
}
