import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

/** Collects the server's pino output (one JSON object per line). */
class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
  lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

const SID_IN_TEXT = /[A-Z]{2}[0-9a-f]{32}/;

describe('logs and metrics', () => {
  let s: TestServer;
  let app: FakeApp;
  const logs = new LogCapture();
  const secrets: string[] = [];

  before(async () => {
    s = await startTestServer({ logLevel: 'trace' }, {}, { logStream: logs });
    app = await new FakeApp(() => ({ body: '<Response/>' })).start();
    secrets.push(s.authToken, Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64'));

    // Traffic that touches every place a secret could leak: creation responses that carry one, failed
    // authentication, 4xx with the path echoed, a webhook signed with the token.
    const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    const key = await s.client.newKeys.create({ friendlyName: 'ci' });
    secrets.push(sub.authToken, key.secret);
    await s.client.api.v2010.accounts(sub.sid).fetch();
    await s.clientFor(key.sid, key.secret, s.accountSid).incomingPhoneNumbers.list();
    await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/IncomingPhoneNumbers/PN${'0'.repeat(32)}.json`);
    await s.fetch(`/2010-04-01/Accounts/${s.accountSid}.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${s.accountSid}:${sub.authToken}`).toString('base64')}` },
    });
    await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Nowhere/${sub.sid}`);
    await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Applications.json`, { method: 'POST', form: { FriendlyName: s.authToken } });
    await s.sb.webhooks.request({
      accountSid: s.accountSid,
      purpose: 'sms-inbound',
      primary: { url: `${app.base}/sms`, method: 'POST' },
      params: { Body: 'hi' },
    });
    // A callback due in an hour: it stays queued, so the depth gauge has something to show.
    await s.sb.jobs.enqueue([{ queue: 'webhook', payload: {}, runAt: Date.now() + 3_600_000 }]);
  });
  after(async () => {
    await app.stop();
    await s.close();
  });

  test('GET /metrics counts requests by route template, webhook deliveries and queue depth', async () => {
    const res = await fetch(`${s.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/plain/);
    const text = await res.text();
    const requests = text.split('\n').filter((l) => l.startsWith('switchboard_http_requests_total{'));
    assert.ok(
      requests.some((l) => l.includes('route="/2010-04-01/Accounts/:AccountSid"') && l.includes('method="GET"') && l.includes('status="200"')),
      requests.join('\n'),
    );
    assert.ok(requests.some((l) => l.includes('route="/2010-04-01/Accounts/:AccountSid/IncomingPhoneNumbers/:Sid"') && l.includes('status="404"')));
    // Route templates only: a raw SID per label value would be an unbounded number of series.
    for (const l of requests) assert.doesNotMatch(l, SID_IN_TEXT);
    assert.match(text, /^switchboard_webhook_deliveries_total\{purpose="sms-inbound",outcome="ok"\} 1$/m);
    assert.match(text, /^switchboard_queue_depth\{queue="webhook"\} 1$/m);
    assert.match(text, /^switchboard_http_request_duration_seconds_bucket\{/m);
  });

  test('GET /metrics shows the lookup cache: reads answered from memory and the database, entries by region', async () => {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    // Every authenticated request above read its account: the first from the database, the rest from memory.
    assert.ok(value('switchboard_lookup_cache_reads_total{result="miss"}') >= 1, text);
    assert.ok(value('switchboard_lookup_cache_reads_total{result="hit"}') >= 3, text);
    assert.ok(value('switchboard_lookup_cache_entries{region="accounts"}') >= 1);
    assert.equal(value('switchboard_lookup_cache_caching'), 1);
    assert.equal(value('switchboard_lookup_cache_suspensions_total'), 0);
    assert.ok(value('switchboard_lookup_cache_invalidations_total') >= 1, 'creating the subaccount invalidated');
  });

  test('one structured line per request, with route, status and account, and no secret anywhere', () => {
    const lines = logs.lines();
    const requests = lines.filter((l) => l.msg === 'request');
    assert.ok(requests.length >= 8, `request lines: ${requests.length}`);
    for (const l of requests) {
      assert.equal(typeof l.route, 'string');
      assert.equal(typeof l.status, 'number');
      assert.equal(typeof l.ms, 'number');
      assert.equal(typeof l.reqId, 'string');
      assert.doesNotMatch(String(l.route), SID_IN_TEXT);
    }
    const fetched = requests.find((l) => l.route === '/2010-04-01/Accounts/:AccountSid' && l.status === 200);
    assert.equal(fetched?.account, s.accountSid);
    assert.ok(
      requests.some((l) => l.status === 401 && l.account === undefined),
      'failed authentication is logged without an account',
    );
    for (const secret of secrets) assert.ok(!logs.text.includes(secret), 'a secret appears in the log');
  });
});

describe('--lookup-cache false', () => {
  test('every lookup goes to the database, and /metrics says the cache is off', async () => {
    const s = await startTestServer({ lookupCache: false });
    try {
      for (let i = 0; i < 3; i++) await s.client.api.v2010.accounts(s.accountSid).fetch();
      const text = await (await fetch(`${s.url}/metrics`)).text();
      assert.match(text, /^switchboard_lookup_cache_caching 0$/m);
      assert.match(text, /^switchboard_lookup_cache_reads_total\{result="hit"\} 0$/m);
      assert.match(text, /^switchboard_lookup_cache_entries\{region="accounts"\} 0$/m);
    } finally {
      await s.close();
    }
  });
});
