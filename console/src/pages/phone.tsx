import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { answer, decline, dial, hangup, phoneState, press, startPhone, subscribePhone, toggleMute, type PhoneState } from '../phone/device.js';
import type { IncomingNumber, Session, VirtualPhone } from '../types.js';
import { ErrorText, Field } from '../ui/common.js';
import { CallDetail } from './call-detail.js';

export function usePhone(): PhoneState {
  const [s, setS] = useState(phoneState());
  useEffect(() => subscribePhone(setS), []);
  return s;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

const STATUS_TEXT: Record<PhoneState['status'], string> = {
  off: 'Off',
  starting: 'Connecting…',
  ready: 'Ready: calls to client:console ring here',
  error: 'Not connected',
};

/**
 * A phone on the official Voice SDK: dial the account's numbers, virtual phones, SIP URIs or client
 * identities from a keypad, answer calls to client:console, and watch the call's timeline beside it.
 */
export function Phone(props: { session: Session }) {
  const acct = props.session.account_sid;
  const phone = usePhone();
  const [to, setTo] = useState('');
  const [callerId, setCallerId] = useState('');
  const [numbers, setNumbers] = useState<IncomingNumber[]>([]);
  const [virtual, setVirtual] = useState<VirtualPhone[]>([]);

  useEffect(() => {
    void startPhone(acct);
    api<{ incoming_phone_numbers: IncomingNumber[] }>(`/2010-04-01/Accounts/${acct}/IncomingPhoneNumbers.json?PageSize=200`).then(
      (r) => {
        setNumbers(r.incoming_phone_numbers);
        setCallerId((c) => c || r.incoming_phone_numbers[0]?.phone_number || '');
      },
      () => undefined,
    );
    api<{ virtual_phones: VirtualPhone[] }>('/switchboard/v1/VirtualPhones').then(
      (r) => setVirtual(r.virtual_phones),
      () => undefined,
    );
  }, [acct]);

  const call = phone.call;
  const inCall = call !== null && call.state !== 'closed';
  const key = (k: string) => (inCall ? press(k) : setTo((t) => t + k));

  return (
    <section aria-labelledby="phone-title">
      <h1 id="phone-title" tabIndex={-1}>
        Phone
      </h1>
      <div class="phone-layout">
        <div class="card phone" data-testid="phone">
          <p role="status" data-testid="phone-status" data-status={phone.status}>
            <strong>{STATUS_TEXT[phone.status]}</strong>
          </p>
          <ErrorText error={phone.error} />
          {phone.ringing && !inCall ? (
            <div class="phone-ringing" role="alert" data-testid="phone-incoming">
              <p>
                Incoming call from <span class="mono">{phone.ringing.from}</span>
              </p>
              <div class="actions">
                <button type="button" onClick={answer}>
                  Answer
                </button>
                <button type="button" class="danger" onClick={decline}>
                  Decline
                </button>
              </div>
            </div>
          ) : null}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!inCall && to.trim()) void dial(to.trim(), callerId);
            }}
          >
            <Field label="To" id="phone-to" hint="A phone number, sip:user@host or client:identity">
              <input
                id="phone-to"
                list="phone-targets"
                value={to}
                autoComplete="off"
                disabled={inCall}
                onInput={(e) => setTo((e.target as HTMLInputElement).value)}
              />
            </Field>
            <datalist id="phone-targets">
              {numbers.map((n) => (
                <option key={n.sid} value={n.phone_number}>
                  {n.friendly_name} (your number)
                </option>
              ))}
              {virtual.map((v) => (
                <option key={v.phone_number} value={v.phone_number}>
                  virtual phone
                </option>
              ))}
            </datalist>
            <Field label="Caller ID" id="phone-caller-id" hint="Shown to numbers you call">
              <select id="phone-caller-id" value={callerId} disabled={inCall} onChange={(e) => setCallerId((e.target as HTMLSelectElement).value)}>
                <option value="">client:console</option>
                {numbers.map((n) => (
                  <option key={n.sid} value={n.phone_number}>
                    {n.phone_number}
                  </option>
                ))}
              </select>
            </Field>
            <fieldset class="keypad">
              <legend class="offscreen">{inCall ? 'Send digits' : 'Keypad'}</legend>
              {KEYS.map((k) => (
                <button key={k} type="button" class="secondary key" onClick={() => key(k)} aria-label={inCall ? `Send ${k}` : k}>
                  {k}
                </button>
              ))}
            </fieldset>
            <div class="actions">
              {inCall ? (
                <>
                  <button type="button" class="danger" onClick={hangup}>
                    Hang up
                  </button>
                  <button type="button" class="secondary" aria-pressed={call.muted} onClick={toggleMute}>
                    {call.muted ? 'Unmute' : 'Mute'}
                  </button>
                </>
              ) : (
                <button type="submit" disabled={phone.status !== 'ready' || to.trim() === ''}>
                  Call
                </button>
              )}
            </div>
          </form>
          {call ? (
            <p data-testid="phone-call" data-state={call.state} data-sid={call.sid ?? ''}>
              {call.direction === 'outgoing' ? 'To' : 'From'} <span class="mono">{call.peer}</span>: {call.state === 'open' ? 'in call' : call.state}
              {call.error ? ` (${call.error})` : ''}
            </p>
          ) : null}
        </div>
        <div class="phone-timeline" data-testid="phone-timeline">
          {call?.sid ? (
            <CallDetail key={call.sid} session={props.session} sid={call.sid} embedded />
          ) : (
            <p class="muted">The call's timeline shows here once a call starts. The microphone is asked for only then.</p>
          )}
        </div>
      </div>
    </section>
  );
}
