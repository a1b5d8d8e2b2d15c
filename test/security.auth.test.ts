import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/load.js';
import type { Clock } from '../src/core/clock.js';
import { startTestServer, type TestServer } from './support/harness.js';

// Issue 21, items 1 and 8: what each kind of credential may do (the whole matrix), and the failed-login
// throttle. Requests go over loopback; other loopback addresses (127.0.0.x) stand in for other clients.

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** One HTTP request from a chosen local address (127.0.0.0/8 is all loopback on Linux). */
function call(
  base: string,
  opts: { from?: string; method?: string; path: string; auth?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> },
): Promise<Reply> {
  const url = new URL(base + opts.path);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth) headers.authorization = opts.auth;
  let body: string | undefined;
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: opts.method ?? (body ? 'POST' : 'GET'),
        headers,
        localAddress: opts.from ?? '127.0.0.1',
        agent: false,
      },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (d: string) => {
            text += d;
          })
          .on('end', () => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
          });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('credential kinds: who may use the Accounts and Keys resources', () => {
  let s: TestServer;
  let sub: { sid: string; token: string };
  let main: { sid: string; secret: string };
  let std: { sid: string; secret: string };
  let subStd: { sid: string; secret: string };
  const as = (c: { sid: string; secret?: string; token?: string }) => basic(c.sid, c.secret ?? c.token ?? '');

  before(async () => {
    s = await startTestServer();
    const created = await s.client.api.v2010.accounts.create({ friendlyName: 'Tenant' });
    sub = { sid: created.sid, token: created.authToken };
    const mk = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Keys.json`, { method: 'POST', form: { FriendlyName: 'main', KeyType: 'main' } });
    main = (await mk.json()) as { sid: string; secret: string };
    const sk = await s.client.newKeys.create({ friendlyName: 'standard' });
    std = { sid: sk.sid, secret: sk.secret };
    const subKey = await call(s.url, {
      path: `/2010-04-01/Accounts/${sub.sid}/Keys.json`,
      auth: basic(sub.sid, sub.token),
      form: { FriendlyName: 'sub standard' },
    });
    subStd = subKey.body as unknown as { sid: string; secret: string };
  });
  after(async () => {
    await s?.close();
  });

  test('a Standard key gets 401 / 20003 on every Accounts and Keys route and never sees an auth token', async () => {
    const root = s.accountSid;
    const routes: { method: string; path: string; form?: Record<string, string> }[] = [
      { method: 'GET', path: '/2010-04-01/Accounts.json' },
      { method: 'POST', path: '/2010-04-01/Accounts.json', form: { FriendlyName: 'takeover' } },
      { method: 'GET', path: `/2010-04-01/Accounts/${root}.json` },
      { method: 'GET', path: `/2010-04-01/Accounts/${sub.sid}.json` },
      { method: 'POST', path: `/2010-04-01/Accounts/${root}.json`, form: { FriendlyName: 'renamed by a key' } },
      { method: 'POST', path: `/2010-04-01/Accounts/${sub.sid}.json`, form: { Status: 'suspended' } },
      { method: 'GET', path: `/2010-04-01/Accounts/${root}/Keys.json` },
      { method: 'POST', path: `/2010-04-01/Accounts/${root}/Keys.json`, form: { KeyType: 'main' } },
      { method: 'GET', path: `/2010-04-01/Accounts/${root}/Keys/${main.sid}.json` },
      { method: 'POST', path: `/2010-04-01/Accounts/${root}/Keys/${main.sid}.json`, form: { FriendlyName: 'x' } },
      { method: 'DELETE', path: `/2010-04-01/Accounts/${root}/Keys/${main.sid}.json` },
      { method: 'GET', path: `/2010-04-01/Accounts/${sub.sid}/Keys.json` },
    ];
    for (const key of [std, subStd]) {
      for (const r of routes) {
        const res = await call(s.url, { method: r.method, path: r.path, auth: as(key), ...(r.form ? { form: r.form } : {}) });
        assert.equal(res.status, 401, `${key === std ? 'root' : 'sub'} standard key: ${r.method} ${r.path}`);
        assert.equal(res.body.code, 20003);
        assert.ok(!JSON.stringify(res.body).includes(s.authToken) && !JSON.stringify(res.body).includes(sub.token));
      }
    }
    // Nothing changed: no new account or key, same names, the main key still there.
    const accounts = await s.client.api.v2010.accounts.list();
    assert.deepEqual(accounts.map((a) => a.friendlyName).sort(), ['Switchboard root account', 'Tenant']);
    assert.equal((await s.client.keys(main.sid).fetch()).friendlyName, 'main');
    assert.equal((await s.client.api.v2010.accounts(sub.sid).fetch()).status, 'active');
  });

  test('through the official SDK, a Standard key is refused the account and its keys but uses the products', async () => {
    const viaStd = s.clientFor(std.sid, std.secret, s.accountSid);
    // One at a time: a request made before the previous assertion would reject with no handler attached yet.
    for (const attempt of [
      () => viaStd.api.v2010.accounts(s.accountSid).fetch(),
      () => viaStd.api.v2010.accounts.list(),
      () => viaStd.keys.list(),
      () => viaStd.newKeys.create({ friendlyName: 'escalate' }),
    ] as (() => Promise<unknown>)[]) {
      await assert.rejects(attempt(), (err: { status?: number; code?: number }) => err.status === 401 && err.code === 20003);
    }
    const app = await viaStd.applications.create({ friendlyName: 'made by a key' });
    assert.match(app.sid, /^AP/);
    const number = await viaStd.incomingPhoneNumbers.create({ areaCode: '415' });
    assert.ok(Array.isArray(await viaStd.messages.list({ limit: 5 })));
    assert.ok((await viaStd.incomingPhoneNumbers.list()).some((n) => n.sid === number.sid));
  });

  test('the auth token and a Main key may do everything, auth tokens included; a subaccount only sees itself', async () => {
    for (const cred of [basic(s.accountSid, s.authToken), as(main)]) {
      const me = await call(s.url, { path: `/2010-04-01/Accounts/${s.accountSid}.json`, auth: cred });
      assert.equal(me.status, 200);
      // A Main key is "equivalent to the Account SID and Auth Token" (Twilio): it can already mint keys and
      // subaccounts, so hiding the token from it would protect nothing and break signature checks.
      assert.equal(me.body.auth_token, s.authToken);
      const list = await call(s.url, { path: '/2010-04-01/Accounts.json', auth: cred });
      assert.equal(list.status, 200);
      assert.equal((list.body.accounts as unknown[]).length, 2);
      const keys = await call(s.url, { path: `/2010-04-01/Accounts/${s.accountSid}/Keys.json`, auth: cred });
      assert.equal(keys.status, 200);
      const made = await call(s.url, { path: `/2010-04-01/Accounts/${s.accountSid}/Keys.json`, auth: cred, form: { FriendlyName: 'temp' } });
      assert.equal(made.status, 201);
      assert.equal(
        (await call(s.url, { method: 'DELETE', path: `/2010-04-01/Accounts/${s.accountSid}/Keys/${String(made.body.sid)}.json`, auth: cred })).status,
        204,
      );
    }
    const viaMain = s.clientFor(main.sid, main.secret, s.accountSid);
    const tenant = await viaMain.api.v2010.accounts.create({ friendlyName: 'By main key' });
    assert.match(tenant.authToken, /^[0-9a-f]{32}$/);
    await viaMain.api.v2010.accounts(tenant.sid).update({ status: 'closed' });

    const subList = await call(s.url, { path: '/2010-04-01/Accounts.json', auth: basic(sub.sid, sub.token) });
    assert.deepEqual(
      (subList.body.accounts as { sid: string }[]).map((a) => a.sid),
      [sub.sid],
    );
    const parent = await call(s.url, { path: `/2010-04-01/Accounts/${s.accountSid}.json`, auth: basic(sub.sid, sub.token) });
    assert.equal(parent.status, 404, "a subaccount cannot even see its parent's record");
    const parentKeys = await call(s.url, { path: `/2010-04-01/Accounts/${s.accountSid}/Keys.json`, auth: basic(sub.sid, sub.token) });
    assert.equal(parentKeys.status, 404);
  });

  test('the console: a Standard key signs in but its switcher lists only its own account', async () => {
    const res = await call(s.url, { path: '/console/api/session', json: { username: std.sid, password: std.secret }, headers: { origin: s.url } });
    assert.equal(res.status, 200);
    assert.deepEqual(
      (res.body.accounts as { sid: string }[]).map((a) => a.sid),
      [s.accountSid],
    );
    const viaToken = await call(s.url, { path: '/console/api/session', json: { username: s.accountSid, password: s.authToken }, headers: { origin: s.url } });
    assert.equal((viaToken.body.accounts as unknown[]).length >= 2, true);
  });

  test('the Basic scheme name is case-insensitive (RFC 7235)', async () => {
    const encoded = Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64');
    for (const scheme of ['basic', 'BASIC', 'Basic', 'bAsIc']) {
      const res = await call(s.url, { path: `/2010-04-01/Accounts/${s.accountSid}/Applications.json`, auth: `${scheme} ${encoded}` });
      assert.equal(res.status, 200, scheme);
    }
  });
});

describe('failed-login throttle', () => {
  let s: TestServer;
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock: Clock = { now: () => now };
  let sub: { sid: string; token: string };
  const apps = (sid: string) => `/2010-04-01/Accounts/${sid}/Applications.json`;

  before(async () => {
    s = await startTestServer({}, {}, { clock });
    const created = await s.client.api.v2010.accounts.create({ friendlyName: 'Victim' });
    sub = { sid: created.sid, token: created.authToken };
  });
  after(async () => {
    await s?.close();
  });

  test('400 wrong passwords from one address, then the right one: 429 / 20429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call(s.url, { from: '127.0.0.2', path: apps(s.accountSid), auth: basic(s.accountSid, `wrong-${batch}-${i}`.padEnd(32, 'x')) }),
        ),
      );
      statuses.push(...replies.map((r) => r.status));
    }
    assert.equal(statuses.length, 400);
    assert.ok(statuses.filter((x) => x === 401).length <= 10 + 20, 'at most the limit (plus one batch in flight) is checked');
    assert.equal(
      statuses.slice(-100).every((x) => x === 429),
      true,
    );
    const right = await call(s.url, { from: '127.0.0.2', path: apps(s.accountSid), auth: basic(s.accountSid, s.authToken) });
    assert.equal(right.status, 429, 'the right password does not get through while blocked');
    assert.equal(right.body.code, 20429);
    const retry = Number(right.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${String(right.headers['retry-after'])}`);

    // Another client of the same account is not locked out, and its success clears nothing for the attacker.
    assert.equal((await call(s.url, { from: '127.0.0.3', path: apps(s.accountSid), auth: basic(s.accountSid, s.authToken) })).status, 200);
    assert.equal((await call(s.url, { from: '127.0.0.2', path: apps(s.accountSid), auth: basic(s.accountSid, s.authToken) })).status, 429);
    // The console's sign-in shares the count: no side door.
    const consoleTry = await call(s.url, {
      from: '127.0.0.2',
      path: '/console/api/session',
      json: { username: s.accountSid, password: s.authToken },
      headers: { origin: s.url },
    });
    assert.equal(consoleTry.status, 429);

    // Once the window has passed, the address may try again.
    now += 61_000;
    assert.equal((await call(s.url, { from: '127.0.0.2', path: apps(s.accountSid), auth: basic(s.accountSid, s.authToken) })).status, 200);
  });

  test('failures spread over many addresses lock the SID attacked, not other accounts', async () => {
    now += 120_000;
    for (let i = 0; i < 60; i++) {
      const res = await call(s.url, { from: `127.0.1.${i + 1}`, path: apps(sub.sid), auth: basic(sub.sid, 'not-the-token'.padEnd(32, '-')) });
      assert.ok(res.status === 401 || res.status === 429);
    }
    const victim = await call(s.url, { from: '127.0.2.1', path: apps(sub.sid), auth: basic(sub.sid, sub.token) });
    assert.equal(victim.status, 429, 'the SID under attack is throttled from any address');
    assert.equal((await call(s.url, { from: '127.0.2.1', path: apps(s.accountSid), auth: basic(s.accountSid, s.authToken) })).status, 200);
  });

  test('the console sign-in is throttled the same way', async () => {
    now += 120_000;
    const wrong = { username: s.accountSid, password: 'y'.repeat(32) };
    const seen: number[] = [];
    for (let i = 0; i < 15; i++) {
      seen.push((await call(s.url, { from: '127.0.3.1', path: '/console/api/session', json: wrong, headers: { origin: s.url } })).status);
    }
    assert.deepEqual(seen.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(seen.slice(10), Array(5).fill(429));
    const right = await call(s.url, {
      from: '127.0.3.1',
      path: '/console/api/session',
      json: { username: s.accountSid, password: s.authToken },
      headers: { origin: s.url },
    });
    assert.equal(right.status, 429);
  });

  test('thousands of correct logins are never throttled', async () => {
    for (let batch = 0; batch < 20; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => call(s.url, { from: '127.0.4.1', path: apps(s.accountSid), auth: basic(s.accountSid, s.authToken) })),
      );
      assert.ok(replies.every((r) => r.status === 200));
    }
  });
});

test('an operator-set auth token must be at least 32 characters', () => {
  const env = (token: string) => ({ SWITCHBOARD_ACCOUNT_SID: `AC${'0'.repeat(32)}`, SWITCHBOARD_AUTH_TOKEN: token });
  assert.throws(
    () => loadConfig([], env('a'.repeat(31)), '/tmp'),
    (err: unknown) => err instanceof ConfigError && /at least 32 characters/.test(err.message),
  );
  assert.throws(() => loadConfig(['--account-sid', `AC${'1'.repeat(32)}`, '--auth-token', 'short-token'], {}, '/tmp'), ConfigError);
  assert.equal(loadConfig([], env('a'.repeat(32)), '/tmp').authToken, 'a'.repeat(32));
});

test('the operator sets the limit (SWITCHBOARD_AUTH_FAILURE_LIMIT); 0 turns the throttle off', async () => {
  for (const [limit, expected] of [
    [3, [401, 401, 401, 429, 429]],
    [0, [401, 401, 401, 401, 401]],
  ] as const) {
    const s = await startTestServer({ authFailureLimit: limit });
    try {
      const seen: number[] = [];
      for (let i = 0; i < 5; i++)
        seen.push((await call(s.url, { path: `/2010-04-01/Accounts/${s.accountSid}.json`, auth: basic(s.accountSid, 'z'.repeat(32)) })).status);
      assert.deepEqual(seen, expected, `limit ${limit}`);
    } finally {
      await s.close();
    }
  }
});
