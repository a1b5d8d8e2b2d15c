import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { IncomingNumber } from '../types.js';
import { ErrorText, Field } from '../ui/common.js';

/** Every URL a number has, each with its method: the API names, so what is set here is what the SDK sets. */
const URL_FIELDS = [
  { url: 'SmsUrl', method: 'SmsMethod', label: 'A message comes in', key: ['sms_url', 'sms_method'] },
  { url: 'SmsFallbackUrl', method: 'SmsFallbackMethod', label: 'Messaging fallback', key: ['sms_fallback_url', 'sms_fallback_method'] },
  { url: 'VoiceUrl', method: 'VoiceMethod', label: 'A call comes in', key: ['voice_url', 'voice_method'] },
  { url: 'VoiceFallbackUrl', method: 'VoiceFallbackMethod', label: 'Voice fallback', key: ['voice_fallback_url', 'voice_fallback_method'] },
  { url: 'StatusCallback', method: 'StatusCallbackMethod', label: 'Call status changes', key: ['status_callback', 'status_callback_method'] },
] as const;

type Values = Record<string, string>;

function initial(n: IncomingNumber): Values {
  const v: Values = { FriendlyName: n.friendly_name };
  for (const f of URL_FIELDS) {
    v[f.url] = n[f.key[0]] ?? '';
    v[f.method] = (n[f.key[1]] || 'POST').toUpperCase();
  }
  return v;
}

export function NumberSettings(props: { accountSid: string; number: IncomingNumber; onSaved: (n: IncomingNumber) => void }) {
  const n = props.number;
  const [values, setValues] = useState<Values>(() => initial(n));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const set = (k: string) => (e: Event) => setValues({ ...values, [k]: (e.target as HTMLInputElement).value });

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      // An empty URL is sent as '' on purpose: the API clears the field, as Twilio's does.
      const updated = await api<IncomingNumber>(`/2010-04-01/Accounts/${props.accountSid}/IncomingPhoneNumbers/${n.sid}.json`, { form: values });
      props.onSaved(updated);
      setValues(initial(updated));
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const id = (k: string) => `${n.sid}-${k}`;
  return (
    <form id={`settings-${n.sid}`} class="settings" onSubmit={save} aria-label={`Settings of ${n.phone_number}`}>
      <Field label="Friendly name" id={id('FriendlyName')}>
        <input id={id('FriendlyName')} value={values.FriendlyName} onInput={set('FriendlyName')} />
      </Field>
      {URL_FIELDS.map((f) => (
        <fieldset key={f.url} class="url-field">
          <legend>{f.label}</legend>
          <Field label={f.url} id={id(f.url)}>
            <input
              id={id(f.url)}
              type="url"
              inputMode="url"
              placeholder="https://example.com/hook"
              spellcheck={false}
              value={values[f.url]}
              onInput={set(f.url)}
            />
          </Field>
          <Field
            label={
              <>
                Method<span class="offscreen"> ({f.method})</span>
              </>
            }
            id={id(f.method)}
          >
            <select id={id(f.method)} value={values[f.method]} onChange={set(f.method)}>
              <option value="POST">POST</option>
              <option value="GET">GET</option>
            </select>
          </Field>
        </fieldset>
      ))}
      <ErrorText error={error} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        {saved && (
          <span role="status" class="ok-text">
            Saved
          </span>
        )}
      </div>
    </form>
  );
}
