import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { useLive } from '../live.js';
import { useBatcher, usePaged } from '../paged.js';
import type { Message, Session } from '../types.js';
import { announce, ErrorText, Field, Link, LoadMore, StatusPill, When } from '../ui/common.js';

interface Filters {
  To: string;
  From: string;
  DateSent: string;
}
const EMPTY: Filters = { To: '', From: '', DateSent: '' };

/** Whether a message fetched after a live event belongs in the list as filtered (the API's rules, client side). */
function matches(m: Message, f: Filters): boolean {
  if (f.To && m.to !== f.To) return false;
  if (f.From && m.from !== f.From) return false;
  if (f.DateSent) {
    const sent = m.date_sent ? new Date(m.date_sent).toISOString().slice(0, 10) : null;
    if (sent !== f.DateSent) return false;
  }
  return true;
}

export function Messages(props: { session: Session }) {
  const sid = props.session.account_sid;
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const url = `/2010-04-01/Accounts/${sid}/Messages.json` + query({ ...filters, PageSize: '50' });
  const list = usePaged<Message>(url, (p) => (p as { messages: Message[] }).messages);

  const refresh = useBatcher((ids, overflow) => {
    if (overflow) return void list.refreshHead();
    for (const id of ids) {
      api<Message>(`/2010-04-01/Accounts/${sid}/Messages/${id}.json`).then(
        (m) => {
          if (!matches(m, filters)) return;
          const isNew = !list.items.some((i) => i.sid === m.sid);
          list.upsert(m);
          if (isNew) announce(`New ${m.direction.startsWith('outbound') ? 'outgoing' : 'incoming'} message`);
        },
        () => undefined,
      );
    }
  });
  useLive((name, data) => {
    if (name === 'resync') void list.refreshHead();
    else if (name === 'message.status' && data) refresh((data as { sid: string }).sid);
  });

  const apply = (e: Event) => {
    e.preventDefault();
    setFilters({ To: draft.To.trim(), From: draft.From.trim(), DateSent: draft.DateSent });
  };
  const input = (k: keyof Filters) => (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });

  return (
    <section aria-labelledby="messages-title">
      <h1 id="messages-title" tabIndex={-1}>
        Messages
      </h1>
      <form class="row-form card" onSubmit={apply} aria-label="Filter messages">
        <Field label="To" id="f-to">
          <input id="f-to" value={draft.To} placeholder="+15558675310" onInput={input('To')} />
        </Field>
        <Field label="From" id="f-from">
          <input id="f-from" value={draft.From} placeholder="+15017122661" onInput={input('From')} />
        </Field>
        <Field label="Sent on" id="f-date">
          <input id="f-date" type="date" value={draft.DateSent} onInput={input('DateSent')} />
        </Field>
        <button type="submit">Filter</button>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setDraft(EMPTY);
            setFilters(EMPTY);
          }}
        >
          Clear
        </button>
      </form>
      <ErrorText error={list.error} />
      {list.items.length === 0 && !list.loading ? (
        <p>
          No messages yet. Send one with the SDK, or text one of your numbers from a <Link to="/phones">virtual phone</Link>.
        </p>
      ) : (
        <ol class="list log" aria-label="Messages, newest first">
          {list.items.map((m) => (
            <li key={m.sid} class="log-row" data-sid={m.sid}>
              <Link to={`/messages/${m.sid}`} class="log-link" label={`Message ${m.sid} from ${m.from ?? 'unknown'} to ${m.to}, ${m.status}`}>
                <span class="log-when">
                  <When date={m.date_created} compact />
                </span>
                <span class="log-dir">{m.direction === 'inbound' ? 'In' : 'Out'}</span>
                <span class="mono log-parties">
                  {m.from ?? '—'} → {m.to}
                </span>
                <span class="log-body truncate">{m.body}</span>
                <span class="log-meta">{m.num_segments} seg</span>
                <StatusPill status={m.status} />
              </Link>
            </li>
          ))}
        </ol>
      )}
      <LoadMore next={list.next} loading={list.loading} onClick={list.loadMore} count={list.items.length} noun="message" />
    </section>
  );
}
