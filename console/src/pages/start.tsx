import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Account, IncomingNumber, Session } from '../types.js';
import { CopyButton, ErrorText } from '../ui/common.js';

const NODE_TOKEN = 'process.env.TWILIO_AUTH_TOKEN';
const PY_TOKEN = 'os.environ["TWILIO_AUTH_TOKEN"]';

function nodeSnippet(base: string, sid: string, token: string | null, from: string): string {
  return `// npm install twilio switchboard
import twilio from 'twilio';
import { httpClient } from 'switchboard';

const client = twilio('${sid}', ${token ? `'${token}'` : NODE_TOKEN}, {
  httpClient: httpClient('${base}'),
});
const message = await client.messages.create({
  from: '${from}', to: '+15558675310', body: 'Hello from Switchboard',
});
console.log(message.sid, message.status);
`;
}

function pythonSnippet(base: string, sid: string, token: string | null, from: string): string {
  return `# pip install twilio
import os, re
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

class SwitchboardHttpClient(TwilioHttpClient):
    """Sends https://PRODUCT.twilio.com/PATH to Switchboard's /PRODUCT/PATH."""
    def __init__(self, base, **kwargs):
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        m = re.match(r"^https?://([a-z0-9-]+)(?:\\.[a-z0-9-]+)*?\\.twilio\\.com(?::\\d+)?(/.*)?$", url, re.I)
        if m:
            url = "{}/{}{}".format(self.base, m.group(1).lower(), m.group(2) or "/")
        return super().request(method, url, *args, **kwargs)

client = Client("${sid}", ${token ? `"${token}"` : PY_TOKEN},
                http_client=SwitchboardHttpClient("${base}"))
message = client.messages.create(from_="${from}", to="+15558675310", body="Hello from Switchboard")
print(message.sid, message.status)
`;
}

export function Start(props: { session: Session }) {
  const { session } = props;
  const sid = session.account_sid;
  const base = session.base_url || location.origin;
  const [token, setToken] = useState<string | null>(null);
  const [from, setFrom] = useState('+15005550006');
  const [error, setError] = useState<string | null>(null);

  // A real sender makes the snippet work as pasted; Twilio's magic test number stands in until one is bought.
  useEffect(() => {
    api<{ incoming_phone_numbers: IncomingNumber[] }>(`/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json?PageSize=1`).then(
      (p) => {
        if (p.incoming_phone_numbers[0]) setFrom(p.incoming_phone_numbers[0].phone_number);
      },
      () => undefined,
    );
  }, [sid]);

  // The token is fetched only when asked for, so it is not in the page until the person reveals it.
  const fetchToken = async () => (await api<Account>(`/2010-04-01/Accounts/${sid}.json`)).auth_token;
  const reveal = async () => {
    if (token) return setToken(null);
    try {
      setToken(await fetchToken());
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const node = nodeSnippet(base, sid, token, from);
  const python = pythonSnippet(base, sid, token, from);
  return (
    <section aria-labelledby="start-title">
      <h1 id="start-title" tabIndex={-1}>
        Start
      </h1>
      <p>Point the official Twilio SDKs at this server: everything they do shows up in this console as it happens.</p>
      <dl class="facts card">
        <dt>API base URL</dt>
        <dd>
          <code>{base}</code> <CopyButton label="Copy the base URL" text={() => base} />
        </dd>
        <dt>Account SID</dt>
        <dd>
          <code data-testid="account-sid">{sid}</code> <CopyButton label="Copy the account SID" text={() => sid} />
        </dd>
        <dt>Auth token</dt>
        {session.via === 'api-key' ? (
          // Standard keys may not read the Accounts resource (nor, so, the token): the key's secret is the credential.
          <dd>not shown to API-key sign-ins: use the key's SID and secret as the SDK's credentials</dd>
        ) : (
          <dd>
            <code data-testid="auth-token">{token ?? '•'.repeat(32)}</code>{' '}
            <button type="button" class="secondary" aria-pressed={token !== null} onClick={reveal}>
              {token ? 'Hide' : 'Reveal'}
            </button>{' '}
            <CopyButton label="Copy the auth token" text={fetchToken} />
          </dd>
        )}
        {session.via === 'api-key' && (
          <>
            <dt>Signed in with</dt>
            <dd>
              API key <code>{session.username}</code>
            </dd>
          </>
        )}
      </dl>
      <ErrorText error={error} />
      <p class="muted">
        {token
          ? 'The snippets below contain the token: keep them out of version control.'
          : 'The snippets read the token from TWILIO_AUTH_TOKEN; reveal it to paste it in instead.'}
      </p>
      <h2>Node.js</h2>
      <div class="snippet">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex lint/a11y/useSemanticElements: a <pre> keeps its text layout; as a scrollable region it must be reachable by keyboard (WCAG 2.1.1), and role=region gives its label a meaning */}
        <pre tabIndex={0} role="region" aria-label="Node.js snippet">
          <code>{node}</code>
        </pre>
        <CopyButton label="Copy the Node.js snippet" text={() => node} />
      </div>
      <h2>Python</h2>
      <div class="snippet">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex lint/a11y/useSemanticElements: a <pre> keeps its text layout; as a scrollable region it must be reachable by keyboard (WCAG 2.1.1), and role=region gives its label a meaning */}
        <pre tabIndex={0} role="region" aria-label="Python snippet">
          <code>{python}</code>
        </pre>
        <CopyButton label="Copy the Python snippet" text={() => python} />
      </div>
    </section>
  );
}
