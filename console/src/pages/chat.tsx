import { useEffect, useRef, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { useLive } from '../live.js';
import { useBatcher, usePaged } from '../paged.js';
import type { IncomingNumber, PhoneMessage } from '../types.js';
import { ErrorText, Field, Link, LoadMore, When } from '../ui/common.js';

/** Opt-out keywords (and their opposites) a person most often sends: one click each. */
const QUICK = ['STOP', 'START', 'HELP'];

function mediaUrls(m: PhoneMessage): string[] {
  return m.media.map((x) => (typeof x === 'string' ? x : x.url));
}

/**
 * One virtual phone's conversation, oldest at the top like a phone shows it, and a box to text one of the
 * account's numbers as this phone (an inbound message to the app, with its webhook).
 */
export function Chat(props: { phone: string; numbers: IncomingNumber[]; onSent: () => void }) {
  const base = `/switchboard/v1/VirtualPhones/${enc(props.phone)}/Messages`;
  const list = usePaged<PhoneMessage>(`${base}?PageSize=50`, (p) => (p as { messages: PhoneMessage[] }).messages);
  const [to, setTo] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const log = useRef<HTMLDivElement>(null);
  const newest = list.items[0]?.sid;

  // Default the recipient to the number this phone last talked with, else the account's first number.
  useEffect(() => {
    if (to !== '') return;
    const peer = list.items.find((m) => props.numbers.some((n) => n.phone_number === m.peer))?.peer;
    const pick = peer ?? props.numbers[0]?.phone_number;
    if (pick) setTo(pick);
  }, [list.items, props.numbers, to]);

  // Follow the conversation as it grows, as a phone does.
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [newest]);

  const refresh = useBatcher(() => void list.refreshHead(), 1000, 120);
  useLive((name) => {
    if (name === 'message.status' || name === 'resync') refresh('conversation');
  });

  const send = async (text: string) => {
    if (!to) return setError('Buy a number first: a virtual phone texts your numbers.');
    setBusy(true);
    setError(null);
    try {
      const sent = await api<PhoneMessage>(base, { form: { To: to, Body: text } });
      list.upsert(sent);
      setBody('');
      props.onSent();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const ordered = [...list.items].reverse();
  return (
    <section class="chat card grow" aria-labelledby="chat-title">
      <h2 id="chat-title">
        Phone <span class="mono">{props.phone}</span>
      </h2>
      <LoadMore next={list.next} loading={list.loading} onClick={list.loadMore} count={list.items.length} noun="message" />
      <ErrorText error={list.error} />
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the conversation scrolls; a scrollable region must be reachable by keyboard (WCAG 2.1.1) */}
      <div ref={log} role="log" aria-live="polite" aria-label={`Conversation of ${props.phone}`} class="bubbles-wrap" tabIndex={0}>
        <ol class="bubbles">
          {ordered.length === 0 && !list.loading && <li class="muted">Nothing yet. Messages your app sends to {props.phone} appear here.</li>}
          {ordered.map((m) => (
            <li key={m.sid} class={`bubble bubble-${m.direction}`} data-direction={m.direction}>
              <span class="offscreen">{m.direction === 'received' ? `From ${m.peer}:` : `Sent to ${m.peer}:`}</span>
              <p class="bubble-body">{m.body}</p>
              {mediaUrls(m).map((u) => (
                <a key={u} href={u} target="_blank" rel="noreferrer noopener" class="small">
                  Attachment
                </a>
              ))}
              <span class="bubble-meta small">
                <When date={m.date_created} compact /> · <span class="mono">{m.peer}</span>
                {m.message_sid && (
                  <>
                    {' '}
                    ·{' '}
                    <Link to={`/messages/${m.message_sid}`}>
                      details<span class="offscreen"> of message {m.message_sid}</span>
                    </Link>
                  </>
                )}
              </span>
            </li>
          ))}
        </ol>
      </div>
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          if (body.trim()) void send(body);
        }}
        aria-label={`Send as ${props.phone}`}
      >
        <Field label="To (your number)" id="compose-to">
          <select id="compose-to" value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
            {props.numbers.length === 0 && <option value="">No numbers yet</option>}
            {props.numbers.map((n) => (
              <option key={n.sid} value={n.phone_number}>
                {n.phone_number}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Message" id="compose-body">
          <textarea
            id="compose-body"
            rows={2}
            value={body}
            onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                if (body.trim()) void send(body);
              }
            }}
          />
        </Field>
        <div class="actions">
          <button type="submit" disabled={busy || body.trim() === ''}>
            Send
          </button>
          {QUICK.map((k) => (
            <button key={k} type="button" class="secondary" disabled={busy} onClick={() => void send(k)}>
              Send {k}
            </button>
          ))}
        </div>
        <ErrorText error={error} />
      </form>
    </section>
  );
}
