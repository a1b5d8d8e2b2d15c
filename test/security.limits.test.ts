import assert from 'node:assert/strict';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Cli } from './support/cli.js';
import { startTestServer, type TestServer } from './support/harness.js';

// Issue 21, item 9: per-account console streams, the Host check (DNS rebinding), free-text length limits,
// the 413 message, and the root token kept out of logs.

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/** A request with full control of the Host header (fetch does not allow setting it). */
function raw(base: string, opts: { method?: string; path: string; host?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: opts.path,
        method: opts.method ?? (opts.body ? 'POST' : 'GET'),
        agent: false,
        headers: { ...(opts.host ? { host: opts.host } : {}), ...opts.headers },
      },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (d: string) => {
            text += d;
          })
          .on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('console event streams are limited per account', () => {
  let s: TestServer;
  const open: ClientRequest[] = [];
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    for (const r of open) r.destroy();
    await s?.close();
  });

  const signIn = async (username: string, password: string) => {
    const res = await fetch(`${s.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: s.url },
      body: JSON.stringify({ username, password }),
    });
    assert.equal(res.status, 200);
    return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  };
  /** Opens a stream and resolves with its status once the head arrives; a 200 stream stays open. */
  const stream = (cookie: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(s.url);
      const req = request({ host: url.hostname, port: url.port, path: '/console/api/events', agent: false, headers: { cookie } }, (res) => {
        res.pipe(new PassThrough()).resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => {
        if (!req.destroyed) reject(err);
      });
      open.push(req);
      req.end();
    });

  test("a subaccount's 100 streams do not lock its parent out", async () => {
    const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'Streams' });
    const subCookie = await signIn(sub.sid, sub.authToken);
    const statuses = await Promise.all(Array.from({ length: 100 }, () => stream(subCookie)));
    assert.ok(statuses.every((x) => x === 200));
    assert.equal(await stream(subCookie), 429, 'the subaccount is at its own limit');
    const rootCookie = await signIn(s.accountSid, s.authToken);
    assert.equal(await stream(rootCookie), 200, 'the root account still gets a stream');
  });
});

describe('Host header (DNS rebinding), free-text limits, 413', () => {
  let s: TestServer;
  let port: string;
  before(async () => {
    s = await startTestServer({ bodyLimit: 2048 });
    port = new URL(s.url).port;
  });
  after(async () => {
    await s?.close();
  });

  const demoToken = (host: string) =>
    raw(s.url, { path: '/video-demo/token', host, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'alice' }) });

  test('a rebinding page (foreign Host) gets 403; loopback names and IP literals are served', async () => {
    const foreign = await demoToken(`attacker.example:${port}`);
    assert.equal(foreign.status, 403);
    assert.equal((JSON.parse(foreign.text) as { code: number }).code, 20403);
    assert.doesNotMatch(foreign.text, /token"/);
    const api = await raw(s.url, {
      path: `/2010-04-01/Accounts/${s.accountSid}/Applications.json`,
      host: 'attacker.example',
      headers: { authorization: basic(s.accountSid, s.authToken) },
    });
    assert.equal(api.status, 403, 'the API too');
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `app.localhost:${port}`, 'LOCALHOST', `10.1.2.3:${port}`]) {
      assert.equal((await demoToken(host)).status, 200, host);
    }
    assert.equal((await raw(s.url, { path: '/healthz', host: 'probe.internal' })).status, 200, '/healthz answers any Host');
  });

  test('--allowed-hosts adds names, subdomains, or * for any', async () => {
    const t = await startTestServer({ allowedHosts: 'switchboard.example, .corp.example', publicUrl: 'https://sb.public.example' });
    try {
      const p = new URL(t.url).port;
      const ok = async (host: string) =>
        (
          await raw(t.url, {
            path: `/2010-04-01/Accounts/${t.accountSid}/Applications.json`,
            host,
            headers: { authorization: basic(t.accountSid, t.authToken) },
          })
        ).status;
      assert.equal(await ok(`switchboard.example:${p}`), 200);
      assert.equal(await ok('api.corp.example'), 200);
      assert.equal(await ok('sb.public.example'), 200, "the public URL's host");
      assert.equal(await ok('corp.example.attacker.example'), 403);
      assert.equal(await ok('attacker.example'), 403);
    } finally {
      await t.close();
    }
    const any = await startTestServer({ allowedHosts: '*' });
    try {
      assert.equal(
        (
          await raw(any.url, {
            path: `/2010-04-01/Accounts/${any.accountSid}/Applications.json`,
            host: 'whatever.example',
            headers: { authorization: basic(any.accountSid, any.authToken) },
          })
        ).status,
        200,
      );
    } finally {
      await any.close();
    }
  });

  test("FriendlyName follows Twilio's 64-character limit (20002); other parameters are capped too", async () => {
    const post = (path: string, form: Record<string, string>) => s.fetch(path, { method: 'POST', form });
    const base = `/2010-04-01/Accounts/${s.accountSid}`;
    for (const path of [`/2010-04-01/Accounts.json`, `${base}/Applications.json`, `${base}/Keys.json`]) {
      const long = await post(path, { FriendlyName: 'n'.repeat(65) });
      assert.equal(long.status, 400, path);
      assert.equal(((await long.json()) as { code: number }).code, 20002);
      assert.equal((await post(path, { FriendlyName: 'n'.repeat(64) })).status, 201, path);
    }
    assert.equal((await post(`${base}/Applications.json`, { FriendlyName: '😀'.repeat(64) })).status, 201, 'characters, not UTF-16 units');
    const renamed = await post(`${base}.json`, { FriendlyName: 'r'.repeat(65) });
    assert.equal(renamed.status, 400);
    const hugeUrl = await post(`${base}/Applications.json`, { SmsUrl: `https://example.com/${'a'.repeat(20_000)}` });
    assert.equal(hugeUrl.status, 413, 'over the body limit of this server');
  });

  test('the 413 message names the real limit', async () => {
    const res = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Applications.json`, {
      method: 'POST',
      form: { FriendlyName: 'x', VoiceUrl: `https://example.com/${'a'.repeat(3000)}` },
    });
    assert.equal(res.status, 413);
    const body = (await res.json()) as { code: number; message: string };
    assert.equal(body.code, 20413);
    assert.match(body.message, /larger than 2048 bytes/);
  });
});

test('parameters beyond 16,384 characters are refused on a server with room for them', async () => {
  const s = await startTestServer();
  try {
    const res = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Applications.json`, {
      method: 'POST',
      form: { FriendlyName: 'x', SmsUrl: `https://example.com/${'a'.repeat(20_000)}` },
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: number }).code, 20001);
    const big = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Applications.json`, { method: 'POST', form: { FriendlyName: 'f'.repeat(900_000) } });
    assert.equal(big.status, 400, 'the 900 KB name of the report');
    // Products with their own limit keep their own code: a long Body is 21617, a long Verify name 60200.
    const number = await s.client.incomingPhoneNumbers.create({ areaCode: '415' });
    const body = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Messages.json`, {
      method: 'POST',
      form: { From: number.phoneNumber, To: '+14155550100', Body: 'b'.repeat(20_000) },
    });
    assert.equal(((await body.json()) as { code: number }).code, 21617);
    const verify = await s.fetch('/verify/v2/Services', { method: 'POST', form: { FriendlyName: 'v'.repeat(40) } });
    assert.equal(((await verify.json()) as { code: number }).code, 60200);
  } finally {
    await s.close();
  }
});

test('the root token is reported as generated only on the first start, and never logged', async () => {
  let log = '';
  const logStream = new PassThrough().setEncoding('utf8');
  logStream.on('data', (d: string) => {
    log += d;
  });
  const first = await startTestServer({ logLevel: 'info' }, {}, { logStream });
  const { databaseUrl, dataDir } = first.config;
  try {
    assert.equal(first.sb.root.tokenGenerated, true);
    await first.fetch(`/2010-04-01/Accounts/${first.accountSid}.json`);
    await first.fetch(`/2010-04-01/Accounts/${first.accountSid}.json`, { headers: { authorization: basic(first.accountSid, first.authToken) } });
  } finally {
    await first.sb.close();
  }
  assert.ok(log.includes(first.accountSid), 'the log has request lines');
  assert.ok(!log.includes(first.authToken), 'the log never carries the auth token');
  const second = await startTestServer({ databaseUrl, dataDir }, {});
  try {
    assert.equal(second.accountSid, first.accountSid);
    assert.equal(second.sb.root.tokenGenerated, false);
  } finally {
    await second.sb.close();
    await first.close(); // the store (and folder) belong to the first server
  }
  const fixed = await startTestServer({ accountSid: `AC${'f'.repeat(32)}`, authToken: 'operator-token-0123456789abcdefgh' });
  try {
    assert.equal(fixed.sb.root.tokenGenerated, false);
  } finally {
    await fixed.close();
  }
});

test('`switchboard credentials` prints the stored root credentials for whoever holds the database', async () => {
  const s = await startTestServer();
  try {
    const p = new Cli(['credentials', '--database-url', s.config.databaseUrl]);
    assert.equal(await p.exited, 0, p.stderr);
    assert.match(p.stdout, new RegExp(`SWITCHBOARD_ACCOUNT_SID=${s.accountSid}\\n`));
    assert.match(p.stdout, new RegExp(`SWITCHBOARD_AUTH_TOKEN=${s.authToken}\\n`));
  } finally {
    await s.close();
  }
});
