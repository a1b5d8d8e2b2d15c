import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { useLive } from '../live.js';
import { useBatcher } from '../paged.js';
import { navigate } from '../router.js';
import type { IncomingNumber, Session, VirtualPhone } from '../types.js';
import { ErrorText, Field, Link, plural, When } from '../ui/common.js';
import { Chat } from './chat.js';

/** Virtual phones: every number no account owns. Pick one that has messages, or type any number to open it. */
export function Phones(props: { session: Session; phone: string | null }) {
  const sid = props.session.account_sid;
  const [phones, setPhones] = useState<VirtualPhone[]>([]);
  const [numbers, setNumbers] = useState<IncomingNumber[]>([]);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);

  const loadPhones = () =>
    api<{ virtual_phones: VirtualPhone[] }>('/switchboard/v1/VirtualPhones').then(
      (r) => setPhones(r.virtual_phones),
      (e: Error) => setError(e.message),
    );
  useEffect(() => {
    void loadPhones();
    // The numbers a phone can text: the account's own (the send box's To list).
    api<{ incoming_phone_numbers: IncomingNumber[] }>(`/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json?PageSize=1000`).then(
      (r) => setNumbers(r.incoming_phone_numbers),
      (e: Error) => setError(e.message),
    );
  }, [sid]);

  const refreshPhones = useBatcher(() => void loadPhones(), 1000, 300);
  useLive((name) => {
    if (name === 'message.status' || name === 'resync') refreshPhones('phones');
  });

  const open = (e: Event) => {
    e.preventDefault();
    const n = typed.replace(/[\s().-]/g, '');
    if (n) navigate(`/phones/${enc(n)}`);
  };

  return (
    <section aria-labelledby="phones-title">
      <h1 id="phones-title" tabIndex={-1}>
        Virtual phones
      </h1>
      <p class="muted">A virtual phone is any number your account does not own: it receives what you send it, and it can text your numbers.</p>
      <ErrorText error={error} />
      <div class="phones">
        <aside class="phone-list card" aria-label="Virtual phones">
          <form onSubmit={open} class="stack">
            <Field label="Open a phone" id="open-phone">
              <input id="open-phone" type="tel" placeholder="+15558675310" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
            </Field>
            <button type="submit" class="secondary">
              Open
            </button>
          </form>
          {phones.length === 0 ? (
            <p class="muted">No virtual phone has sent or received anything yet.</p>
          ) : (
            <ul class="list">
              {phones.map((p) => (
                <li key={p.phone_number}>
                  <Link to={`/phones/${enc(p.phone_number)}`} class="phone-link" current={p.phone_number === props.phone}>
                    <span class="mono">{p.phone_number}</span>
                    <span class="muted small">
                      {plural(p.messages, 'message')} · <When date={p.last_activity} compact />
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </aside>
        {props.phone ? (
          <Chat key={props.phone} phone={props.phone} numbers={numbers} onSent={() => void loadPhones()} />
        ) : (
          <p class="card grow">Choose a phone to see its conversation and text your numbers from it.</p>
        )}
      </div>
    </section>
  );
}
