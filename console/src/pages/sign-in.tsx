import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Session } from '../types.js';
import { ErrorText, Field } from '../ui/common.js';

export function SignIn(props: { onSignedIn: (s: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await api<Session>('/console/api/session', { json: { username, password } }));
    } catch (err) {
      setError((err as Error).message === 'Authenticate' ? 'Those credentials were not accepted.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // Two branches rather than a computed type: the element stays the same node, only its type changes.
  const secretProps = {
    id: 'signin-secret',
    name: 'password',
    autoComplete: 'current-password',
    required: true,
    spellcheck: false,
    value: password,
    onInput: (e: Event) => setPassword((e.target as HTMLInputElement).value),
  };
  return (
    <main class="signin" id="main">
      <h1>Sign in to Switchboard</h1>
      <p class="muted">
        Use the account SID and auth token that <code>switchboard start</code> printed, or an API key SID and secret.
      </p>
      <form onSubmit={submit} class="card">
        <Field label="Account SID or API key SID" id="signin-user">
          <input
            id="signin-user"
            name="username"
            autoComplete="username"
            required
            spellcheck={false}
            pattern="(AC|SK)[0-9a-fA-F]{32}"
            title="AC or SK followed by 32 hex digits"
            value={username}
            onInput={(e) => setUsername((e.target as HTMLInputElement).value.trim())}
          />
        </Field>
        <Field label="Auth token or API key secret" id="signin-secret">
          <div class="inline">
            {show ? <input type="text" {...secretProps} /> : <input type="password" {...secretProps} />}
            <button type="button" class="secondary" aria-pressed={show} onClick={() => setShow(!show)}>
              {show ? 'Hide' : 'Show'}
            </button>
          </div>
        </Field>
        <ErrorText error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
