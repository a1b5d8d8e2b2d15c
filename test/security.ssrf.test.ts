/**
 * Server-side request forgery: with private ranges denied (the default when the API is bound to a
 * non-loopback address; set here with --outbound-deny private, since tests only use loopback), webhooks,
 * MediaUrl and <Play> never reach 127.0.0.1 in any spelling, directly or through a redirect, and the
 * refusal shows as Twilio's alert with the policy's reason, never a response body. Then --media-auth:
 * media and recordings need the owning account's credentials, as Twilio's "Enforce HTTP Auth on Media URLs".
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { newSid } from '../src/core/sid.js';
import { concatPcm, generateBeep, writeWav } from '../src/voice/media/index.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const SECRET = 'INTERNAL-SECRET-do-not-leak';
const REFUSED = 'destination not allowed by outbound policy';
const TONE = writeWav(concatPcm([generateBeep({ durationMs: 300 })]));

/** An internal service on 127.0.0.1 that must never be reached: it counts requests and answers a secret. */
class Internal {
  hits: string[] = [];
  port = 0;
  private server: Server | undefined;
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.hits.push(req.url ?? '/');
      if (req.url?.endsWith('.wav')) return res.writeHead(200, { 'content-type': 'audio/wav' }).end(TONE);
      res.writeHead(200, { 'content-type': 'image/png' }).end(SECRET);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Every spelling of 127.0.0.1 the issue lists, plus a hostname that resolves to it. */
const spellings = (port: number, path: string) => [
  `http://2130706433:${port}${path}`,
  `http://0x7f.1:${port}${path}`,
  `http://[::ffff:127.0.0.1]:${port}${path}`,
  `http://0.0.0.0:${port}${path}`,
  `http://localhost:${port}${path}`,
];

interface Alert {
  error_code: string;
  alert_text: string;
  resource_sid: string | null;
}
async function alertsFor(s: TestServer, resourceSid: string): Promise<Alert[]> {
  const res = await s.fetch(`/switchboard/v1/Alerts?ResourceSid=${resourceSid}`);
  return ((await res.json()) as { alerts: Alert[] }).alerts;
}

describe('outbound policy: private ranges denied', () => {
  let s: TestServer;
  let internal: Internal;
  let redirector: Server;
  let hops = 0;
  let allowedBase = '';
  let shop = '';
  before(async () => {
    internal = await new Internal().start();
    // An allowed app server (127.0.0.2, on the allow list) that redirects to the internal one.
    redirector = createServer((req, res) => {
      hops++;
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? '/';
      res.writeHead(302, { location: to }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.2', r));
    allowedBase = `http://127.0.0.2:${(redirector.address() as AddressInfo).port}`;
    s = await startTestServer({ outboundDeny: 'private', outboundAllow: '127.0.0.2', webhookTimeoutMs: 3000 });
    shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
  });
  after(async () => {
    await s.close();
    await internal.stop();
    await new Promise<void>((r) => redirector.close(() => r()));
  });

  const viaRedirect = (url: string) => `${allowedBase}/hop?to=${encodeURIComponent(url)}`;

  test('webhooks to 127.0.0.1 in every spelling, and through a redirect, fail with 11205 and the reason', async () => {
    const urls = [...spellings(internal.port, '/hook'), ...spellings(internal.port, '/hook').map(viaRedirect)];
    for (const url of urls) {
      const resourceSid = newSid('SM');
      const result = await s.sb.webhooks.request({
        accountSid: s.accountSid,
        resourceSid,
        purpose: 'sms-inbound',
        primary: { url, method: 'POST' },
        params: { Body: 'hi' },
      });
      assert.equal(result.ok, false, url);
      assert.equal(result.status, null, url);
      assert.equal(result.alertCode, 11205, url);
      assert.equal(result.body.includes(SECRET), false);
      const logged = (await (await s.fetch(`/switchboard/v1/WebhookRequests?ResourceSid=${resourceSid}`)).json()) as {
        webhook_requests: { error_message: string; response: unknown }[];
      };
      assert.equal(logged.webhook_requests[0]!.error_message, REFUSED, url);
      assert.equal(logged.webhook_requests[0]!.response, null);
      const alerts = await alertsFor(s, resourceSid);
      assert.equal(alerts[0]!.error_code, '11205');
      assert.match(alerts[0]!.alert_text, new RegExp(REFUSED));
    }
    assert.equal(hops, 5, 'the allowed server was reached and redirected');
    assert.deepEqual(internal.hits, [], 'the internal server received no request');
  });

  test('a status callback to 127.0.0.1 is refused too (the durable queue path)', async () => {
    const m = await s.client.messages.create({ to: '+15558670001', from: shop, body: 'x', statusCallback: `http://0x7f.1:${internal.port}/status` });
    await eventually(async () => ((await alertsFor(s, m.sid)).some((a) => a.alert_text.includes(REFUSED)) ? true : undefined));
    assert.deepEqual(internal.hits, []);
  });

  test('MediaUrl to 127.0.0.1 in every spelling, and through a redirect, fails the message with 12300', async () => {
    for (const url of [...spellings(internal.port, '/pic.png'), viaRedirect(`http://2130706433:${internal.port}/pic.png`)]) {
      const m = await s.client.messages.create({ to: '+15558670005', from: shop, body: 'mms', mediaUrl: [url] });
      const failed = await eventually(async () => {
        const f = await s.client.messages(m.sid).fetch();
        return f.status === 'failed' ? f : undefined;
      });
      assert.equal(failed.errorCode, 12300, url);
      assert.equal((await s.client.messages(m.sid).media.list()).length, 0);
      const alerts = await alertsFor(s, m.sid);
      assert.ok(
        alerts.some((a) => a.error_code === '12300' && a.alert_text.includes(REFUSED)),
        `${url}: ${JSON.stringify(alerts)}`,
      );
    }
    assert.deepEqual(internal.hits, []);
  });

  test('<Play> of 127.0.0.1 audio is refused with 11200 and the call goes on', async () => {
    const urls = [
      `http://2130706433:${internal.port}/a.wav`,
      `http://localhost:${internal.port}/a.wav`,
      viaRedirect(`http://[::ffff:127.0.0.1]:${internal.port}/a.wav`),
    ];
    const twiml = `<Response>${urls.map((u) => `<Play>${u.replace(/&/g, '&amp;')}</Play>`).join('')}<Hangup/></Response>`;
    const call = await s.client.calls.create({ to: '+15558670077', from: shop, twiml });
    await eventually(async () => ((await s.client.calls(call.sid).fetch()).status === 'completed' ? true : undefined), 20_000);
    const alerts = (await alertsFor(s, call.sid)).filter((a) => a.error_code === '11200' && a.alert_text.includes(REFUSED));
    assert.equal(alerts.length, urls.length, JSON.stringify(await alertsFor(s, call.sid)));
    assert.deepEqual(internal.hits, []);
  });

  test('a call to a sip: URI on an internal address is refused (20001) and creates no call', async () => {
    for (const to of ['sip:admin@127.0.0.1:5070', 'sip:admin@[::1]:5070', 'sip:admin@localhost', 'sip:admin@example.com;maddr=127.0.0.1']) {
      await assert.rejects(
        s.client.calls.create({ to, from: shop, twiml: '<Response><Hangup/></Response>' }),
        (err: { status: number; code: number; message: string }) => err.status === 400 && err.code === 20001 && err.message.includes(REFUSED),
        to,
      );
    }
    const placed = await s.client.calls.list({ limit: 200 });
    assert.equal(placed.filter((c) => c.to.startsWith('sip:admin@')).length, 0);
  });
});

describe('outbound policy: an explicit allow list lets internal addresses through', () => {
  let s: TestServer;
  let app: FakeApp;
  before(async () => {
    app = await new FakeApp().start();
    s = await startTestServer({ outboundDeny: 'private', outboundAllow: '127.0.0.0/8,0.0.0.0/32' });
  });
  after(async () => {
    await s.close();
    await app.stop();
  });

  test('webhooks reach 127.0.0.1 however it is spelled', async () => {
    const port = new URL(app.base).port;
    for (const url of spellings(Number(port), '/ok')) {
      const result = await s.sb.webhooks.request({
        accountSid: s.accountSid,
        resourceSid: newSid('SM'),
        purpose: 'sms-inbound',
        primary: { url, method: 'POST' },
        params: {},
      });
      assert.equal(result.ok, true, url);
    }
    assert.equal(app.received.filter((r) => r.path === '/ok').length, 5);
  });
});

describe("--media-auth: media and recordings need the owning account's credentials", () => {
  let s: TestServer;
  let app: FakeApp;
  let shop = '';
  let other = { sid: '', token: '' };
  const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
  before(async () => {
    app = await new FakeApp().start();
    app.respond((r) => (r.path === '/pic.png' ? { body: 'PNGDATA', type: 'image/png' } : undefined));
    s = await startTestServer({ mediaAuth: true });
    shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
    const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'Other' });
    other = { sid: sub.sid, token: sub.authToken };
  });
  after(async () => {
    await s.close();
    await app.stop();
  });

  async function expectOwnerOnly(url: string): Promise<void> {
    const none = await fetch(url);
    assert.equal(none.status, 401, url);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
    assert.equal(((await none.json()) as { code: number }).code, 20003);
    assert.equal((await fetch(url, { headers: basic(s.accountSid, 'wrong'.repeat(8)) })).status, 401);
    assert.equal((await fetch(url, { headers: basic(other.sid, other.token) })).status, 404, 'another account gets 404');
    assert.equal((await fetch(url, { headers: basic(s.accountSid, s.authToken) })).status, 200);
    const key = await s.client.newKeys.create({ friendlyName: 'media' });
    assert.equal((await fetch(url, { headers: basic(key.sid, key.secret) })).status, 200, 'an API key of the account');
  }

  test('MMS media at /media/ME...', async () => {
    const m = await s.client.messages.create({ to: '+15558670005', from: shop, body: 'pic', mediaUrl: [`${app.base}/pic.png`] });
    const media = await eventually(async () => {
      const l = await s.client.messages(m.sid).media.list();
      return l.length ? l : undefined;
    });
    const url = `${s.url}/media/${media[0]!.sid}`;
    await expectOwnerOnly(url);
    const ok = await fetch(url, { headers: basic(s.accountSid, s.authToken) });
    assert.equal(await ok.text(), 'PNGDATA');
    assert.equal((await fetch(`${s.url}/media/ME${'0'.repeat(32)}`)).status, 401, 'credentials before existence');
  });

  test("an MMS to another account's number on this server keeps its media (copied, not fetched back)", async () => {
    const subClient = s.clientFor(other.sid, other.token);
    const theirs = await subClient.incomingPhoneNumbers.create({ areaCode: '212', smsUrl: `${app.base}/inbound-mms` });
    await s.client.messages.create({ to: theirs.phoneNumber, from: shop, body: 'pic for you', mediaUrl: [`${app.base}/pic.png`] });
    const hook = await app.waitFor((r) => r.path === '/inbound-mms', 20_000);
    assert.equal(hook.params['NumMedia'], '1');
    const url = hook.params['MediaUrl0']!;
    assert.equal((await fetch(url, { headers: basic(other.sid, other.token) })).status, 200, 'the receiving account reads its copy');
    assert.equal(await (await fetch(url, { headers: basic(other.sid, other.token) })).text(), 'PNGDATA');
  });

  test('recording audio (.wav and .mp3)', async () => {
    const call = await s.client.calls.create({ to: '+15558670044', from: shop, twiml: '<Response><Pause length="1"/></Response>', record: true });
    const rec = await eventually(async () => {
      const r = await s.client.recordings.list({ callSid: call.sid });
      return r.length ? r[0] : undefined;
    }, 20_000);
    await expectOwnerOnly(`${s.url}/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec.sid}.wav`);
    assert.equal((await fetch(`${s.url}/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec.sid}.mp3`)).status, 401);
  });
});
