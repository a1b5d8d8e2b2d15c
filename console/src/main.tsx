import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, onSessionLost, setCsrfToken } from './api.js';
import { connectLive, disconnectLive, useLiveStatus } from './live.js';
import { CallDetail } from './pages/call-detail.js';
import { Calls } from './pages/calls.js';
import { Dashboard } from './pages/dashboard.js';
import { Inspector } from './pages/inspector.js';
import { MessageDetail } from './pages/message-detail.js';
import { Messages } from './pages/messages.js';
import { Numbers } from './pages/numbers.js';
import { Phone, usePhone } from './pages/phone.js';
import { Phones } from './pages/phones.js';
import { Conferences } from './pages/conferences.js';
import { Queues } from './pages/queues.js';
import { SignIn } from './pages/sign-in.js';
import { Start } from './pages/start.js';
import { Verify } from './pages/verify.js';
import { stopPhone } from './phone/device.js';
import { navigate, usePath } from './router.js';
import type { Session } from './types.js';
import { Link } from './ui/common.js';
import './styles.css';

const NAV: { path: string; label: string }[] = [
  { path: '/', label: 'Start' },
  { path: '/dashboard', label: 'Dashboard' },
  { path: '/numbers', label: 'Phone numbers' },
  { path: '/messages', label: 'Messages' },
  { path: '/phones', label: 'Virtual phones' },
  { path: '/inspector', label: 'Webhook inspector' },
  { path: '/phone', label: 'Phone' },
  { path: '/calls', label: 'Calls' },
  { path: '/queues', label: 'Queues' },
  { path: '/conferences', label: 'Conferences' },
  { path: '/verify', label: 'Verify' },
];

function Page(props: { path: string; session: Session }) {
  const [, section, id] = props.path.split('/');
  switch (section) {
    case '':
    case undefined:
      return <Start session={props.session} />;
    case 'dashboard':
      return <Dashboard />;
    case 'numbers':
      return <Numbers session={props.session} />;
    case 'messages':
      return id ? <MessageDetail session={props.session} sid={id} /> : <Messages session={props.session} />;
    case 'phones':
      return <Phones session={props.session} phone={id ? decodeURIComponent(id) : null} />;
    case 'inspector':
      return <Inspector session={props.session} selected={id ?? null} />;
    case 'phone':
      return <Phone session={props.session} />;
    case 'calls':
      return id ? <CallDetail session={props.session} sid={id} /> : <Calls session={props.session} />;
    case 'queues':
      return <Queues session={props.session} />;
    case 'conferences':
      return <Conferences session={props.session} />;
    case 'verify':
      return <Verify />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No console page at this address. <Link to="/">Go to the start page</Link>.
          </p>
        </section>
      );
  }
}

function LiveBadge() {
  const status = useLiveStatus();
  const text = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span class={`live live-${status}`} role="status" title="Updates without reloading">
      {text}
    </span>
  );
}

/** A call ringing the console's phone while another page is open. */
function PhoneBanner(props: { section: string }) {
  const phone = usePhone();
  if (!phone.ringing || props.section === '/phone') return null;
  return (
    <p class="notice phone-banner" role="alert">
      Incoming call from <span class="mono">{phone.ringing.from}</span>: <Link to="/phone">open the phone to answer</Link>
    </p>
  );
}

function Shell(props: { session: Session; onSwitch: (sid: string) => void; onSignOut: () => void }) {
  const path = usePath();
  const { session } = props;
  const section = '/' + (path.split('/')[1] ?? '');
  // Moving focus to the new page's heading tells keyboard and screen reader users the page changed.
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [section]);
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Switchboard</span>
        {session.accounts.length > 1 ? (
          <label class="switcher">
            <span class="offscreen">Account</span>
            <select value={session.account_sid} onChange={(e) => props.onSwitch((e.target as HTMLSelectElement).value)}>
              {session.accounts.map((a) => (
                <option key={a.sid} value={a.sid}>
                  {a.friendly_name} ({a.sid.slice(0, 8)}…){a.parent_sid ? '' : ' · parent'}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span class="account muted">{session.account_sid}</span>
        )}
        <LiveBadge />
        <button type="button" class="secondary" onClick={props.onSignOut}>
          Sign out
        </button>
      </header>
      <nav class="nav" aria-label="Console">
        <ul>
          {NAV.map((n) => (
            <li key={n.path}>
              <Link to={n.path} current={n.path === section}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="content">
        <PhoneBanner section={section} />
        <Page key={session.account_sid} path={path} session={session} />
      </main>
    </div>
  );
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const adopt = useCallback((s: Session | null) => {
    setCsrfToken(s?.csrf_token ?? '');
    // The phone belongs to one account's session: signing out or switching account ends it.
    stopPhone();
    setSession(s);
    if (s) connectLive();
    else disconnectLive();
  }, []);

  useEffect(() => {
    onSessionLost(() => adopt(null));
    const lost = () => adopt(null);
    window.addEventListener('switchboard:session-lost', lost);
    api<Session>('/console/api/session').then(adopt, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) adopt(null);
      else setError(String((e as Error).message));
    });
    return () => window.removeEventListener('switchboard:session-lost', lost);
  }, [adopt]);

  if (error)
    return (
      <main class="content">
        <p class="error" role="alert">
          The console could not reach Switchboard: {error}
        </p>
      </main>
    );
  if (session === undefined)
    return (
      <main class="content" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  if (session === null) return <SignIn onSignedIn={adopt} />;
  return (
    <Shell
      session={session}
      onSwitch={async (sid) => {
        try {
          adopt(await api<Session>('/console/api/session/account', { json: { AccountSid: sid } }));
        } catch (e) {
          window.alert(`Could not switch account: ${(e as Error).message}`);
        }
      }}
      onSignOut={async () => {
        await api('/console/api/session', { method: 'DELETE' }).catch(() => undefined);
        adopt(null);
        navigate('/', { replace: true });
      }}
    />
  );
}

const root = document.getElementById('app')!;
const announcer = document.createElement('div');
announcer.id = 'announcer';
announcer.className = 'offscreen';
announcer.setAttribute('aria-live', 'polite');
document.body.appendChild(announcer);
render(<App />, root);
