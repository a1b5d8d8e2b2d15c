import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { newSid } from '../src/core/sid.js';
import type { WebhookCall } from '../src/webhooks/dispatcher.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

interface InspectedRequest {
  sid: string;
  resource_sid: string | null;
  method: string;
  url: string;
  attempt: number;
  purpose: string;
  request: { headers: Record<string, string>; body: string };
  response: { status: number | null; body: string | null } | null;
  latency_ms: number;
  error_code: number | null;
  error_message: string | null;
}
interface InspectedAlert {
  sid: string;
  error_code: string;
  alert_text: string;
  webhook_request_sid: string;
  request_url: string;
  more_info: string;
}

const RETRY_BASE_MS = 40;

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('webhook dispatcher against a real app server', () => {
  let s: TestServer;
  let app: FakeApp;
  before(async () => {
    // A short timeout keeps the timeout case quick; a small retry base keeps the retry cases quick.
    s = await startTestServer({ webhookTimeoutMs: 1000, webhookRetryBaseMs: RETRY_BASE_MS });
    // Paths without a handler answer with an empty TwiML document.
    app = await new FakeApp(() => ({ body: '<Response/>' })).start();
  });
  after(async () => {
    await app.stop();
    await s.close();
  });

  const call = (path: string, extra: Partial<WebhookCall> = {}): WebhookCall => ({
    accountSid: s.accountSid,
    resourceSid: newSid('SM'),
    purpose: 'sms-inbound',
    primary: { url: app.base + path, method: 'POST' },
    params: { AccountSid: s.accountSid, From: '+15558675310', To: '+14155550100', Body: 'Hello & good bye ü' },
    ...extra,
  });

  const inspect = async (resourceSid: string): Promise<InspectedRequest[]> => {
    const res = await s.fetch(`/switchboard/v1/WebhookRequests?ResourceSid=${resourceSid}`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { webhook_requests: InspectedRequest[] }).webhook_requests;
  };
  const alerts = async (resourceSid: string): Promise<InspectedAlert[]> => {
    const res = await s.fetch(`/switchboard/v1/Alerts?ResourceSid=${resourceSid}`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { alerts: InspectedAlert[] }).alerts;
  };
  const drained = () => eventually(async () => (((await s.sb.jobs.depths()).webhook ?? 0) === 0 ? true : undefined));

  test('POST webhooks carry a signature twilio.validateRequest accepts, query string and repeated keys included', async () => {
    const c = call('/sms?foo=1&bar=2', {
      params: { ...call('').params, MediaUrl: ['https://b.example/2.jpg', 'https://a.example/1.jpg'], NumMedia: '2' },
    });
    const result = await s.sb.webhooks.request(c);
    assert.equal(result.ok, true);
    assert.equal(result.status, 200);
    assert.equal(result.body, '<Response/>');
    const [got] = app.receivedAt('/sms');
    assert.ok(got);
    assert.equal(got.method, 'POST');
    assert.match(String(got.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.equal(got.headers['user-agent'], 'TwilioProxy/1.1', "exactly Twilio's User-Agent");
    assert.deepEqual(got.multiParams.MediaUrl, ['https://b.example/2.jpg', 'https://a.example/1.jpg']);
    assert.equal(got.params.Body, 'Hello & good bye ü');
    const signature = String(got.headers['x-twilio-signature']);
    const fullUrl = got.url;
    assert.equal(twilio.validateRequest(s.authToken, signature, fullUrl, got.multiParams), true);
    assert.equal(twilio.validateRequest('0'.repeat(32), signature, fullUrl, got.multiParams), false);
    assert.equal(twilio.validateRequest(s.authToken, signature, fullUrl, { ...got.multiParams, Body: 'tampered' }), false);
  });

  test('GET webhooks put the parameters in the query and sign the full URL', async () => {
    const result = await s.sb.webhooks.request(call('/get?existing=yes', { primary: { url: `${app.base}/get?existing=yes`, method: 'GET' } }));
    assert.equal(result.ok, true);
    const [got] = app.receivedAt('/get');
    assert.ok(got);
    assert.equal(got.method, 'GET');
    assert.equal(got.body, '');
    assert.equal(got.multiParams.existing, 'yes');
    assert.equal(got.multiParams.From, '+15558675310');
    assert.equal(twilio.validateRequest(s.authToken, String(got.headers['x-twilio-signature']), got.url, {}), true);
  });

  test('a 500 from the primary falls back; both requests are recorded newest first with an 11200 alert', async () => {
    app.statuses('/broken', 500);
    const c = call('/broken', { fallback: { url: `${app.base}/fallback`, method: 'POST' } });
    const result = await s.sb.webhooks.request(c);
    assert.equal(result.ok, true);
    assert.equal(result.target.url, `${app.base}/fallback`);
    // The fallback is signed for its own URL.
    const [fb] = app.receivedAt('/fallback');
    assert.ok(fb);
    const [primaryReq] = app.receivedAt('/broken');
    assert.equal(fb.headers['i-twilio-idempotency-token'], primaryReq?.headers['i-twilio-idempotency-token']);
    assert.notEqual(fb.headers['i-twilio-idempotency-token'], app.receivedAt('/sms')[0]?.headers['i-twilio-idempotency-token']);
    assert.equal(twilio.validateRequest(s.authToken, String(fb.headers['x-twilio-signature']), fb.url, fb.multiParams), true);

    const records = await inspect(c.resourceSid!);
    assert.deepEqual(
      records.map((r) => r.url),
      [`${app.base}/fallback`, `${app.base}/broken`],
    );
    const [second, first] = records as [InspectedRequest, InspectedRequest];
    assert.equal(first.response?.status, 500);
    assert.equal(first.response?.body, 'status 500');
    assert.equal(first.error_code, 11200);
    assert.equal(first.purpose, 'sms-inbound');
    assert.equal(typeof first.latency_ms, 'number');
    assert.ok(first.latency_ms >= 0);
    assert.match(first.request.body, /Body=Hello/);
    // The inspector never shows a replayable signature.
    assert.ok(first.request.headers['X-Twilio-Signature']!.endsWith('…'));
    assert.equal(second.response?.status, 200);
    assert.equal(second.error_code, null);

    const [alert, ...more] = await alerts(c.resourceSid!);
    assert.equal(more.length, 0);
    assert.equal(alert?.error_code, '11200');
    assert.equal(alert?.webhook_request_sid, first.sid);
    assert.equal(alert?.request_url, `${app.base}/broken`);
    assert.equal(alert?.more_info, 'https://www.twilio.com/docs/errors/11200');
    const failedOnly = await s.fetch(`/switchboard/v1/WebhookRequests?ResourceSid=${c.resourceSid}&Failed=true`);
    assert.deepEqual(
      ((await failedOnly.json()) as { webhook_requests: InspectedRequest[] }).webhook_requests.map((r) => r.sid),
      [first.sid],
    );
  });

  test('connection refused falls back and raises 11205', async () => {
    const port = await closedPort();
    const c = call('', { primary: { url: `http://127.0.0.1:${port}/gone`, method: 'POST' }, fallback: { url: `${app.base}/fallback2`, method: 'GET' } });
    const result = await s.sb.webhooks.request(c);
    assert.equal(result.ok, true);
    assert.equal(result.target.method, 'GET');
    const [fallback, primary] = await inspect(c.resourceSid!);
    assert.equal(primary?.error_code, 11205);
    assert.equal(primary?.response, null);
    assert.equal(fallback?.response?.status, 200);
    assert.equal((await alerts(c.resourceSid!))[0]?.error_code, '11205');
  });

  test('a primary that does not answer within the timeout falls back and raises 11205', async () => {
    // The handler never answers; the app server's stop() drops the connection at the end.
    app.on('/stall', () => undefined);
    const c = call('/stall', { fallback: { url: `${app.base}/fallback3`, method: 'POST' } });
    const result = await s.sb.webhooks.request(c);
    assert.equal(result.ok, true);
    assert.equal(result.target.url, `${app.base}/fallback3`);
    const [, primary] = await inspect(c.resourceSid!);
    assert.equal(primary?.error_code, 11205);
    assert.equal(primary?.response, null);
    const [alert] = await alerts(c.resourceSid!);
    assert.equal(alert?.error_code, '11205');
    assert.match(alert?.alert_text ?? '', /timed out/);
  });

  test('a response body over the limit raises 11750', async () => {
    app.on('/huge', (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(`<Response><Say>${'a'.repeat(70 * 1024)}</Say></Response>`));
    const c = call('/huge');
    const result = await s.sb.webhooks.request(c);
    assert.equal(result.ok, false);
    assert.equal(result.alertCode, 11750);
    const [record] = await inspect(c.resourceSid!);
    assert.equal(record?.error_code, 11750);
    assert.equal((await alerts(c.resourceSid!))[0]?.error_code, '11750');
  });

  test('a durable status callback is retried with growing delays after 5xx until it succeeds', async () => {
    app.statuses('/status-flaky', 503, 500, 204);
    const c = call('/status-flaky', { purpose: 'sms-status', params: { MessageStatus: 'delivered', MessageSid: `SM${'1'.repeat(32)}` } });
    await s.sb.webhooks.enqueue(s.sb.jobs, [c]);
    const got = await app.waitForCount('/status-flaky', 3);
    await drained();
    assert.equal(app.receivedAt('/status-flaky').length, 3);
    // Each attempt is a fresh, valid signature over the same parameters.
    for (const r of got) assert.equal(twilio.validateRequest(s.authToken, String(r.headers['x-twilio-signature']), r.url, r.multiParams), true);
    // One idempotency token per callback, the same on every retry, so an app can drop a repeat.
    const tokens = new Set(got.map((r) => String(r.headers['i-twilio-idempotency-token'])));
    assert.equal(tokens.size, 1);
    // A retry never runs before its backoff: base, then twice the base (a lower bound, never flaky).
    assert.ok(got[1]!.at - got[0]!.at >= RETRY_BASE_MS);
    assert.ok(got[2]!.at - got[1]!.at >= 2 * RETRY_BASE_MS);
    const records = await inspect(c.resourceSid!);
    assert.deepEqual(
      records.map((r) => [r.attempt, r.response?.status]),
      [
        [3, 204],
        [2, 500],
        [1, 503],
      ],
    );
  });

  test('a durable status callback answered with 4xx is not retried', async () => {
    app.statuses('/status-gone', 404);
    const c = call('/status-gone', { purpose: 'sms-status' });
    await s.sb.webhooks.enqueue(s.sb.jobs, [c]);
    await app.waitForCount('/status-gone', 1);
    await drained();
    assert.equal(app.receivedAt('/status-gone').length, 1);
    const records = await inspect(c.resourceSid!);
    assert.deepEqual(
      records.map((r) => [r.attempt, r.error_code]),
      [[1, 11200]],
    );
  });

  test('the retry delay doubles per attempt from the configured base and 4xx gives up', async () => {
    app.statuses('/always-503', 503).statuses('/always-400', 400);
    assert.deepEqual(await s.sb.webhooks.runJob(call('/always-503'), 1), { kind: 'retry', delayMs: RETRY_BASE_MS, error: 'HTTP 503' });
    assert.deepEqual(await s.sb.webhooks.runJob(call('/always-503'), 3), { kind: 'retry', delayMs: 4 * RETRY_BASE_MS, error: 'HTTP 503' });
    assert.deepEqual(await s.sb.webhooks.runJob(call('/always-400'), 1), { kind: 'dead', error: 'HTTP 400' });
    const refused = await s.sb.webhooks.runJob(call('', { primary: { url: `http://127.0.0.1:${await closedPort()}/x`, method: 'POST' } }), 2);
    assert.deepEqual(refused, { kind: 'retry', delayMs: 2 * RETRY_BASE_MS, error: 'connection failure' });
  });
});
