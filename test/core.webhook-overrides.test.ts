/**
 * Twilio's connection overrides (`#ct`, `#rt`, `#tt`, `#rc`, `#rp`, `#e` in the URL fragment) and its retry
 * of a TwiML webhook on a connection failure, against real app servers.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { newSid } from '../src/core/sid.js';
import type { WebhookCall } from '../src/webhooks/dispatcher.js';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

interface Inspected {
  url: string;
  attempt: number;
  error_code: number | null;
  response: { status: number | null } | null;
}
interface Alert {
  error_code: string;
  log_level: string;
  alert_text: string;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('connection overrides and retries of TwiML webhooks', () => {
  let s: TestServer;
  let app: FakeApp;
  before(async () => {
    s = await startTestServer({ webhookTimeoutMs: 3000 });
    app = await new FakeApp(() => ({ body: '<Response/>' })).start();
  });
  after(async () => {
    await app.stop();
    await s.close();
  });

  const call = (url: string, extra: Partial<WebhookCall> = {}): WebhookCall => ({
    accountSid: s.accountSid,
    resourceSid: newSid('SM'),
    purpose: 'sms-inbound',
    primary: { url, method: 'POST' },
    params: { AccountSid: s.accountSid, From: '+15558675310', To: '+14155550100', Body: 'hi' },
    ...extra,
  });
  const inspect = async (resourceSid: string): Promise<Inspected[]> =>
    (
      (await (await s.fetch(`/switchboard/v1/WebhookRequests?ResourceSid=${resourceSid}`)).json()) as { webhook_requests: Inspected[] }
    ).webhook_requests.reverse();
  const alerts = async (resourceSid: string): Promise<Alert[]> =>
    ((await (await s.fetch(`/switchboard/v1/Alerts?ResourceSid=${resourceSid}`)).json()) as { alerts: Alert[] }).alerts;

  test('a refused connection is retried once by default, then the fallback; one 11205 alert', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/voice`;
    const c = call(dead, { fallback: { url: `${app.base}/fb1`, method: 'POST' } });
    const result = await s.sb.webhooks.request(c);
    assert.equal(result.ok, true);
    assert.deepEqual(
      (await inspect(c.resourceSid!)).map((r) => [r.url, r.attempt, r.error_code]),
      [
        [dead, 1, 11205],
        [dead, 2, 11205],
        [`${app.base}/fb1`, 1, null],
      ],
    );
    assert.deepEqual(
      (await alerts(c.resourceSid!)).map((a) => a.error_code),
      ['11205'],
    );
  });

  test('#rc=0 means no retry; #rc=3 means three', async () => {
    const port = await closedPort();
    const none = call(`http://127.0.0.1:${port}/x#rc=0`);
    assert.equal((await s.sb.webhooks.request(none)).ok, false);
    assert.equal((await inspect(none.resourceSid!)).length, 1);
    const three = call(`http://127.0.0.1:${port}/x#rc=3`);
    const result = await s.sb.webhooks.request(three);
    assert.equal(result.alertCode, 11205);
    assert.deepEqual(
      (await inspect(three.resourceSid!)).map((r) => r.attempt),
      [1, 2, 3, 4],
    );
    // The fragment is never requested or recorded.
    assert.ok((await inspect(three.resourceSid!)).every((r) => !r.url.includes('#')));
  });

  test('a 5xx is not retried by default; #rp=5xx retries it with the same idempotency token and signature', async () => {
    app.statuses('/flaky-default', 503, 200);
    const plain = call(`${app.base}/flaky-default`);
    assert.equal((await s.sb.webhooks.request(plain)).ok, false);
    assert.equal(app.receivedAt('/flaky-default').length, 1);

    app.statuses('/flaky', 503, 200);
    const c = call(`${app.base}/flaky?x=1#rp=5xx&rc=2`);
    const result = await s.sb.webhooks.request(c);
    assert.equal(result.ok, true);
    assert.equal(result.alertCode, null);
    const got = app.receivedAt('/flaky');
    assert.equal(got.length, 2);
    assert.equal(got[0]!.headers['i-twilio-idempotency-token'], got[1]!.headers['i-twilio-idempotency-token']);
    for (const r of got) {
      assert.equal(r.url, `${app.base}/flaky?x=1`, 'the fragment is not sent');
      assert.equal(twilio.validateRequest(s.authToken, String(r.headers['x-twilio-signature']), r.url, r.multiParams), true);
    }
    assert.deepEqual(await alerts(c.resourceSid!), [], 'a retry that succeeds raises nothing');
  });

  test('#rt bounds the wait for an answer; a read timeout is retried only when #rp names rt', async () => {
    let n = 0;
    // The first request of each pair gets no answer; the second is answered at once.
    app.on('/slow', (_req, res) => {
      if (n++ % 2 === 0) return;
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
    });
    const once = call(`${app.base}/slow#rt=300`);
    const started = Date.now();
    const failed = await s.sb.webhooks.request(once);
    assert.equal(failed.ok, false);
    assert.equal(failed.alertCode, 11205);
    assert.ok(Date.now() - started < 2500, 'the 300 ms read timeout, not the 3 s webhook timeout');
    assert.equal((await inspect(once.resourceSid!)).length, 1, 'the app may have the request: not retried by default');

    n = 0;
    const retried = call(`${app.base}/slow#rt=300&rp=rt`);
    assert.equal((await s.sb.webhooks.request(retried)).ok, true);
    assert.deepEqual(
      (await inspect(retried.resourceSid!)).map((r) => [r.attempt, r.error_code]),
      [
        [1, 11205],
        [2, null],
      ],
    );
  });

  test('#tt bounds every attempt together: running out of it is 11203', async () => {
    app.on('/stall', () => undefined);
    const c = call(`${app.base}/stall#rt=400&tt=700&rp=rt&rc=5`);
    const started = Date.now();
    const result = await s.sb.webhooks.request(c);
    assert.equal(result.alertCode, 11203);
    assert.ok(Date.now() - started < 2500);
    assert.equal((await inspect(c.resourceSid!)).length, 2, 'a 400 ms attempt, then the 300 ms left');
    assert.deepEqual(
      (await alerts(c.resourceSid!)).map((a) => a.error_code),
      ['11203'],
    );
  });

  test('bad override values are ignored with warning alerts (11100, 11243, 11240); the request still goes', async () => {
    const c = call(`${app.base}/bad-overrides#ct=5&rp=never&e=atlantis&rc=9`);
    const result = await s.sb.webhooks.request(c);
    assert.equal(result.ok, true);
    const got = await alerts(c.resourceSid!);
    assert.deepEqual(got.map((a) => a.error_code).sort(), ['11100', '11100', '11240', '11243']);
    assert.ok(got.every((a) => a.log_level === 'warning'));
  });

  test("a keep-alive connection the app's server closes as it is reused loses no webhook", async () => {
    // A real app server that drops each connection after one request, the way a server whose keep-alive
    // timeout just ran out does: the second webhook finds its pooled socket reset.
    const perSocket = new Map<Socket, number>();
    let handled = 0;
    let resets = 0;
    const server: Server = createHttpServer((req, res) => {
      const nth = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, nth);
      if (nth > 1) {
        resets++;
        req.socket.resetAndDestroy();
        return;
      }
      req.resume();
      req.on('end', () => {
        handled++;
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (let i = 0; i < 3; i++) {
        const c = call(`${base}/sms#rc=0`);
        const result = await s.sb.webhooks.request(c);
        assert.equal(result.ok, true, `webhook ${i + 1} delivered`);
        assert.deepEqual(
          (await inspect(c.resourceSid!)).map((r) => r.error_code),
          [null],
        );
      }
      assert.equal(handled, 3);
      assert.ok(resets >= 1, 'a pooled socket was reused and reset');
      assert.ok(perSocket.size >= 3, 'each reset socket was replaced by a new connection');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
