import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSwitchboard } from '../src/main.js';
import { startTestServer, type TestServer } from './support/harness.js';

// The console's session: sign-in, the cookie's attributes, CSRF and Origin rules, subaccount switching,
// the live stream's account filter, sign-out and restarts. Plain HTTP, no browser.

let s: TestServer;
let origin: string;

before(async () => {
  s = await startTestServer();
  origin = s.url;
});
after(async () => {
  await s.close();
});

interface SessionView {
  account_sid: string;
  home_account_sid: string;
  csrf_token: string;
  accounts: { sid: string }[];
  via: string;
}

async function signIn(username: string, password: string, base = s.url): Promise<{ cookie: string; view: SessionView; setCookie: string }> {
  const res = await fetch(`${base}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, view: (await res.json()) as SessionView, setCookie };
}

const withSession = (cookie: string, csrf?: string, extra: Record<string, string> = {}) => {
  const h: Record<string, string> = { cookie, ...extra };
  if (csrf !== undefined) h['x-switchboard-csrf'] = csrf;
  return h;
};

test('sign-in sets an HttpOnly, SameSite=Strict session cookie and never returns the secret', async () => {
  const { setCookie, view } = await signIn(s.accountSid, s.authToken);
  assert.match(setCookie, /^switchboard_console=v1\./);
  assert.match(setCookie, /; HttpOnly/);
  assert.match(setCookie, /; SameSite=Strict/);
  assert.match(setCookie, /; Path=\//);
  assert.doesNotMatch(setCookie, /Secure/, 'plain http on loopback: a Secure cookie would never come back');
  assert.equal(view.account_sid, s.accountSid);
  assert.ok(view.csrf_token.length >= 40);
  assert.ok(!JSON.stringify(view).includes(s.authToken));
  assert.ok(!setCookie.includes(s.authToken), 'the cookie is sealed');
});

test('bad credentials, missing Origin, a foreign Origin or a form post cannot sign in', async () => {
  const post = (headers: Record<string, string>, body: string) => fetch(`${s.url}/console/api/session`, { method: 'POST', headers, body });
  const json = JSON.stringify({ username: s.accountSid, password: 'x'.repeat(32) });
  assert.equal((await post({ 'content-type': 'application/json', origin }, json)).status, 401);
  const good = JSON.stringify({ username: s.accountSid, password: s.authToken });
  assert.equal((await post({ 'content-type': 'application/json' }, good)).status, 403);
  assert.equal((await post({ 'content-type': 'application/json', origin: 'http://evil.example' }, good)).status, 403);
  const form = `username=${s.accountSid}&password=${s.authToken}`;
  assert.equal((await post({ 'content-type': 'application/x-www-form-urlencoded', origin }, form)).status, 415);
});

test('the cookie authenticates the product API only with the CSRF header, and writes only with our Origin', async () => {
  const { cookie, view } = await signIn(s.accountSid, s.authToken);
  const path = `${s.url}/2010-04-01/Accounts/${s.accountSid}/IncomingPhoneNumbers.json`;
  assert.equal((await fetch(path, { headers: withSession(cookie) })).status, 401, 'cookie alone is not enough');
  const wrong = await fetch(path, { headers: withSession(cookie, 'not-the-token') });
  assert.equal(wrong.status, 403);
  assert.equal(((await wrong.json()) as { code: number }).code, 20403);
  assert.equal((await fetch(path, { headers: withSession(cookie, view.csrf_token) })).status, 200);

  const buy = (headers: Record<string, string>) =>
    fetch(path, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'AreaCode=415',
    });
  assert.equal((await buy(withSession(cookie, view.csrf_token))).status, 403, 'a write without Origin');
  assert.equal((await buy(withSession(cookie, view.csrf_token, { origin: 'http://evil.example' }))).status, 403);
  assert.equal((await buy(withSession(cookie, view.csrf_token, { origin }))).status, 201);
  // A forged or tampered cookie is no session, even with a token.
  const tampered = cookie.slice(0, -3) + (cookie.endsWith('AAA') ? 'BBB' : 'AAA');
  assert.equal((await fetch(path, { headers: withSession(tampered, view.csrf_token) })).status, 401);
  // Basic auth wins when both are present: SDK calls never depend on a cookie.
  const basic = `Basic ${Buffer.from(`${s.accountSid}:wrong`).toString('base64')}`;
  assert.equal((await fetch(path, { headers: { ...withSession(cookie, view.csrf_token), authorization: basic } })).status, 401);
});

test('an API key signs in; a parent switches to its subaccount and back, a subaccount cannot reach its parent', async () => {
  const key = await s.client.newKeys.create({ friendlyName: 'console' });
  const viaKey = await signIn(key.sid, key.secret);
  assert.equal(viaKey.view.via, 'api-key');
  assert.equal(viaKey.view.account_sid, s.accountSid);

  const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'Team B' });
  const { cookie, view } = await signIn(s.accountSid, s.authToken);
  assert.ok(view.accounts.some((a) => a.sid === sub.sid));
  const switchTo = (c: string, sid: string) =>
    fetch(`${s.url}/console/api/session/account`, {
      method: 'POST',
      headers: { ...withSession(c, view.csrf_token, { origin }), 'content-type': 'application/json' },
      body: JSON.stringify({ AccountSid: sid }),
    });
  const res = await switchTo(cookie, sub.sid);
  assert.equal(res.status, 200);
  const subCookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  assert.equal(((await res.json()) as SessionView).account_sid, sub.sid);
  // Acting as the subaccount: its resources are in reach, the parent's are not.
  const sent = await fetch(`${s.url}/2010-04-01/Accounts/${sub.sid}/IncomingPhoneNumbers.json`, { headers: withSession(subCookie, view.csrf_token) });
  assert.equal(sent.status, 200);
  const parentAsSub = await fetch(`${s.url}/2010-04-01/Accounts/${s.accountSid}/IncomingPhoneNumbers.json`, {
    headers: withSession(subCookie, view.csrf_token),
  });
  assert.equal(parentAsSub.status, 404, 'acting as the subaccount, the parent is out of reach');
  assert.equal((await switchTo(subCookie, s.accountSid)).status, 200, 'the parent session switches back');

  const subOwn = await signIn(sub.sid, sub.authToken);
  const up = await fetch(`${s.url}/console/api/session/account`, {
    method: 'POST',
    headers: { ...withSession(subOwn.cookie, subOwn.view.csrf_token, { origin }), 'content-type': 'application/json' },
    body: JSON.stringify({ AccountSid: s.accountSid }),
  });
  assert.equal(up.status, 404);
});

test("the event stream needs a session and carries only the acting account's events", async () => {
  assert.equal((await fetch(`${s.url}/console/api/events`)).status, 401);
  const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'Other' });
  const { cookie } = await signIn(s.accountSid, s.authToken);
  const ac = new AbortController();
  const res = await fetch(`${s.url}/console/api/events`, { headers: { cookie }, signal: ac.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const readUntil = async (needle: string) => {
    while (!text.includes(needle)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${needle}`);
      text += decoder.decode(value);
    }
  };
  await readUntil('event: ready');
  s.sb.events.emit('message.status', { accountSid: sub.sid, sid: 'SMother', status: 'sent', direction: 'outbound-api' });
  s.sb.events.emit('message.status', { accountSid: s.accountSid, sid: 'SMmine', status: 'sent', direction: 'outbound-api' });
  await readUntil('SMmine');
  assert.ok(!text.includes('SMother'));
  ac.abort();
});

test('sign-out ends the session everywhere; a new sign-in works at once', async () => {
  const first = await signIn(s.accountSid, s.authToken);
  const other = await signIn(s.accountSid, s.authToken);
  const out = await fetch(`${s.url}/console/api/session`, { method: 'DELETE', headers: withSession(first.cookie, first.view.csrf_token, { origin }) });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  assert.equal((await fetch(`${s.url}/console/api/session`, { headers: { cookie: first.cookie } })).status, 401);
  assert.equal((await fetch(`${s.url}/console/api/session`, { headers: { cookie: other.cookie } })).status, 401, 'every session of the credential');
  const again = await signIn(s.accountSid, s.authToken);
  assert.equal((await fetch(`${s.url}/console/api/session`, { headers: { cookie: again.cookie } })).status, 200);
});

test("the phone's Voice SDK token: CSRF and Origin required, for the acting account, never a secret", async () => {
  const { cookie, view } = await signIn(s.accountSid, s.authToken);
  const mint = (headers: Record<string, string>) =>
    fetch(`${s.url}/console/api/voice-token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
  assert.equal((await mint(withSession(cookie))).status, 403, 'no CSRF token');
  assert.equal((await mint(withSession(cookie, view.csrf_token))).status, 403, 'no Origin');
  assert.equal((await mint(withSession(cookie, view.csrf_token, { origin: 'https://evil.example' }))).status, 403, 'a foreign Origin');
  const res = await mint(withSession(cookie, view.csrf_token, { origin }));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = (await res.json()) as { token: string; identity: string; account_sid: string };
  assert.equal(body.identity, 'console');
  assert.equal(body.account_sid, s.accountSid);
  assert.ok(!JSON.stringify(body).includes(s.authToken));
  const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString()) as {
    sub: string;
    iss: string;
    exp: number;
    iat: number;
    grants: { voice: unknown };
  };
  assert.equal(claims.sub, s.accountSid);
  assert.match(claims.iss, /^SK[0-9a-f]{32}$/);
  assert.equal(claims.exp - claims.iat, 3600, 'short-lived');
  assert.deepEqual(claims.grants.voice, { incoming: { allow: true } });
  // The console's key is no API key of the account: the Keys API does not list it.
  const keys = (await s.client.keys.list()).map((k) => k.sid);
  assert.ok(!keys.includes(claims.iss));
});

test('the dashboard answers the acting account only, with CSRF', async () => {
  const { cookie, view } = await signIn(s.accountSid, s.authToken);
  assert.equal((await fetch(`${s.url}/console/api/dashboard`, { headers: withSession(cookie) })).status, 403);
  const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'Dashboard sub' });
  const from = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
  await s.client.messages.create({ from, to: '+15558675399', body: 'parent only' });
  await s.client.queues.create({ friendlyName: 'parent line' });
  const read = async (c: string, csrf: string) => {
    const res = await fetch(`${s.url}/console/api/dashboard`, { headers: withSession(c, csrf) });
    assert.equal(res.status, 200);
    return (await res.json()) as {
      messages_total: number;
      minutes: number[];
      carriers: unknown[];
      queues: Array<{ friendly_name: string; size_per_minute: Array<number | null> }>;
    };
  };
  const mine = await read(cookie, view.csrf_token);
  assert.ok(mine.messages_total >= 1);
  assert.equal(mine.minutes.length, 60);
  const line = mine.queues.find((q) => q.friendly_name === 'parent line');
  assert.equal(line?.size_per_minute.length, 60);
  assert.equal(line?.size_per_minute[59], 0, 'the minute in progress is the depth now');
  // Acting as the subaccount: none of the parent's messages.
  const switched = await fetch(`${s.url}/console/api/session/account`, {
    method: 'POST',
    headers: withSession(cookie, view.csrf_token, { origin, 'content-type': 'application/json' }),
    body: JSON.stringify({ AccountSid: sub.sid }),
  });
  assert.equal(switched.status, 200);
  const subCookie = (switched.headers.get('set-cookie') ?? '').split(';')[0]!;
  const theirs = await read(subCookie, view.csrf_token);
  assert.equal(theirs.messages_total, 0);
  assert.deepEqual(theirs.queues, [], "none of the parent's queues");
});

test('a session survives a restart: the sealing secret is kept in the store', async () => {
  const { cookie } = await signIn(s.accountSid, s.authToken);
  await s.sb.close();
  const restarted = await startSwitchboard(s.config);
  try {
    const res = await fetch(`${restarted.url}/console/api/session`, { headers: { cookie } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as SessionView).account_sid, s.accountSid);
  } finally {
    await restarted.close();
  }
});
