import { useState } from 'preact/hooks';
import { api, enc, query } from '../api.js';
import { usePaged } from '../paged.js';
import type { AvailableNumber, IncomingNumber, Session } from '../types.js';
import { announce, ErrorText, Field, LoadMore } from '../ui/common.js';
import { NumberSettings } from './number-settings.js';

function BuyNumber(props: { accountSid: string; onBought: (n: IncomingNumber) => void }) {
  const [country, setCountry] = useState('US');
  const [type, setType] = useState('Local');
  const [areaCode, setAreaCode] = useState('');
  const [contains, setContains] = useState('');
  const [found, setFound] = useState<AvailableNumber[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy('search');
    try {
      const path = `/2010-04-01/Accounts/${props.accountSid}/AvailablePhoneNumbers/${enc(country.toUpperCase())}/${type}.json`;
      const page = await api<{ available_phone_numbers: AvailableNumber[] }>(path + query({ AreaCode: areaCode, Contains: contains, PageSize: '10' }));
      setFound(page.available_phone_numbers);
      announce(`${page.available_phone_numbers.length} numbers available`);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const buy = async (n: AvailableNumber) => {
    setError(null);
    setBusy(n.phone_number);
    try {
      const bought = await api<IncomingNumber>(`/2010-04-01/Accounts/${props.accountSid}/IncomingPhoneNumbers.json`, { form: { PhoneNumber: n.phone_number } });
      setFound((cur) => cur?.filter((c) => c.phone_number !== n.phone_number) ?? null);
      announce(`Bought ${bought.phone_number}`);
      props.onBought(bought);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="card" aria-labelledby="buy-title">
      <h2 id="buy-title">Buy a number</h2>
      <form class="row-form" onSubmit={search}>
        <Field label="Country" id="buy-country">
          <input
            id="buy-country"
            value={country}
            size={3}
            maxLength={2}
            required
            pattern="[A-Za-z]{2}"
            onInput={(e) => setCountry((e.target as HTMLInputElement).value)}
          />
        </Field>
        <Field label="Type" id="buy-type">
          <select id="buy-type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
            <option value="Local">Local</option>
            <option value="Mobile">Mobile</option>
            <option value="TollFree">Toll-free</option>
          </select>
        </Field>
        <Field label="Area code" id="buy-area">
          <input id="buy-area" value={areaCode} inputMode="numeric" size={5} onInput={(e) => setAreaCode((e.target as HTMLInputElement).value)} />
        </Field>
        <Field label="Contains" id="buy-contains">
          <input id="buy-contains" value={contains} size={8} onInput={(e) => setContains((e.target as HTMLInputElement).value)} />
        </Field>
        <button type="submit" disabled={busy !== null}>
          {busy === 'search' ? 'Searching…' : 'Search'}
        </button>
      </form>
      <ErrorText error={error} />
      {found &&
        (found.length === 0 ? (
          <p>No numbers match; widen the search.</p>
        ) : (
          <ul class="list" aria-label="Available numbers">
            {found.map((n) => (
              <li key={n.phone_number} class="list-row">
                <span class="mono">{n.phone_number}</span>
                <span class="muted">{[n.region, n.iso_country].filter(Boolean).join(', ')}</span>
                <button type="button" disabled={busy !== null} onClick={() => buy(n)} aria-label={`Buy ${n.phone_number}`}>
                  {busy === n.phone_number ? 'Buying…' : 'Buy'}
                </button>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}

export function Numbers(props: { session: Session }) {
  const sid = props.session.account_sid;
  const list = usePaged<IncomingNumber>(
    `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json?PageSize=50`,
    (p) => (p as { incoming_phone_numbers: IncomingNumber[] }).incoming_phone_numbers,
  );
  const [open, setOpen] = useState<string | null>(null);
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  const release = async (n: IncomingNumber) => {
    if (!window.confirm(`Release ${n.phone_number}? It goes back to the pool and its settings are lost.`)) return;
    try {
      await api(`/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers/${n.sid}.json`, { method: 'DELETE' });
      setRemoved((cur) => new Set(cur).add(n.sid));
      announce(`Released ${n.phone_number}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const owned = list.items.filter((n) => !removed.has(n.sid));
  return (
    <section aria-labelledby="numbers-title">
      <h1 id="numbers-title" tabIndex={-1}>
        Phone numbers
      </h1>
      <BuyNumber
        accountSid={sid}
        onBought={(n) => {
          list.upsert(n);
          setOpen(n.sid);
        }}
      />
      <h2>Your numbers</h2>
      <ErrorText error={error ?? list.error} />
      {owned.length === 0 && !list.loading ? (
        <p>No numbers yet: buy one above.</p>
      ) : (
        <ul class="list" aria-label="Your numbers">
          {owned.map((n) => (
            <li key={n.sid} class="list-item">
              <div class="list-row">
                <span class="mono">{n.phone_number}</span>
                <span class="grow">{n.friendly_name !== n.phone_number ? n.friendly_name : ''}</span>
                <span class="muted truncate" title={n.sms_url ?? ''}>
                  {n.sms_url ? `SMS → ${n.sms_url}` : 'No SMS URL'}
                </span>
                <button
                  type="button"
                  class="secondary"
                  aria-expanded={open === n.sid}
                  aria-controls={`settings-${n.sid}`}
                  onClick={() => setOpen(open === n.sid ? null : n.sid)}
                >
                  Configure<span class="offscreen"> {n.phone_number}</span>
                </button>
                <button type="button" class="danger" onClick={() => release(n)}>
                  Release<span class="offscreen"> {n.phone_number}</span>
                </button>
              </div>
              {open === n.sid && (
                <NumberSettings
                  accountSid={sid}
                  number={n}
                  onSaved={(u) => {
                    list.upsert(u);
                    announce(`Saved ${u.phone_number}`);
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <LoadMore next={list.next} loading={list.loading} onClick={list.loadMore} count={owned.length} noun="number" />
    </section>
  );
}
