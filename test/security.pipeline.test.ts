import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

/**
 * Issue 21, items 2 and 6: a MediaUrl or a webhook server that trickles its answer (a byte every 200 ms,
 * which never trips an idle timeout) must hold only its own message or callback: never another tenant's
 * SMS or callbacks, and never past the configured deadline.
 */

/** An HTTP server that answers 200 and then trickles one byte per interval until released (bounded: 40 s). */
class Trickle {
  requests = 0;
  open = 0;
  /** Connections the client (Switchboard) closed before the body was finished. */
  cutByClient = 0;
  readonly events: string[];
  base = '';
  private server: Server | undefined;
  private releasers = new Set<() => void>();

  constructor(
    private readonly type: string,
    events: string[],
  ) {
    this.events = events;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      req.resume();
      this.requests++;
      this.open++;
      res.writeHead(200, { 'content-type': this.type });
      res.flushHeaders();
      const timer = setInterval(() => res.write('x'), 200);
      const limit = setTimeout(() => finish(), 40_000);
      const finish = () => {
        clearInterval(timer);
        clearTimeout(limit);
        this.releasers.delete(finish);
        if (!res.writableEnded) res.end('x');
      };
      this.releasers.add(finish);
      res.on('close', () => {
        clearInterval(timer);
        clearTimeout(limit);
        this.releasers.delete(finish);
        this.open--;
        if (!res.writableFinished) {
          this.cutByClient++;
          this.events.push('trickle cut');
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Ends every response in progress (with a complete body). */
  release(): void {
    for (const finish of [...this.releasers]) finish();
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

async function tenants(s: TestServer) {
  const a = s.client;
  const bAccount = await s.client.api.v2010.accounts.create({ friendlyName: 'tenant B' });
  const b = s.clientFor(bAccount.sid, bAccount.authToken);
  const aFrom = (await a.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
  const bFrom = (await b.incomingPhoneNumbers.create({ areaCode: '212' })).phoneNumber;
  return { a, b, aFrom, bFrom };
}

async function statusOf(client: TestServer['client'], sid: string): Promise<{ status: string; errorCode: number | null }> {
  const m = await client.messages(sid).fetch();
  return { status: m.status, errorCode: m.errorCode };
}

test("two MMS whose MediaUrl trickles hold only themselves: another tenant's SMS is delivered while they download", async () => {
  const s = await startTestServer({ mpsLongCode: 1000, mediaTimeoutMs: 60_000 });
  const slow = await new Trickle('image/png', []).start();
  try {
    const { a, b, aFrom, bFrom } = await tenants(s);
    const mms = await Promise.all(
      [1, 2].map((i) => a.messages.create({ to: '+15558670101', from: aFrom, body: `mms ${i}`, mediaUrl: [`${slow.base}/slow${i}.png`] })),
    );
    await eventually(async () => (slow.open === 2 ? true : undefined), 30_000);
    const sms = await b.messages.create({ to: '+15558670102', from: bFrom, body: 'plain sms' });
    await eventually(async () => (['sent', 'delivered'].includes((await statusOf(b, sms.sid)).status) ? true : undefined), 30_000);
    // B went through while both downloads were still in progress: nothing of B waited on A's media.
    assert.equal(slow.open, 2);
    for (const m of mms) assert.equal((await statusOf(a, m.sid)).status, 'sending');
    // Once the media arrives, A's MMS go too.
    slow.release();
    for (const m of mms) await eventually(async () => (['sent', 'delivered'].includes((await statusOf(a, m.sid)).status) ? true : undefined), 30_000);
  } finally {
    await slow.stop();
    await s.close();
  }
});

test('media still trickling at the deadline fails its MMS with 12300 and the download is cut off', async () => {
  const s = await startTestServer({ mpsLongCode: 1000, mediaTimeoutMs: 1500 });
  const slow = await new Trickle('image/png', []).start();
  try {
    const { a, b, aFrom, bFrom } = await tenants(s);
    const mms = await a.messages.create({ to: '+15558670103', from: aFrom, body: 'slow picture', mediaUrl: [`${slow.base}/never-ends.png`] });
    const failed = await eventually(async () => {
      const m = await statusOf(a, mms.sid);
      return m.status === 'failed' ? m : undefined;
    }, 30_000);
    assert.equal(failed.errorCode, 12300);
    assert.equal(slow.cutByClient, 1, 'Switchboard closed the download; the server never finished it');
    // The pipeline keeps moving afterwards.
    const sms = await b.messages.create({ to: '+15558670104', from: bFrom, body: 'after' });
    await eventually(async () => (['sent', 'delivered'].includes((await statusOf(b, sms.sid)).status) ? true : undefined), 30_000);
  } finally {
    await slow.stop();
    await s.close();
  }
});

test("a status callback server trickling its answer holds only that callback: another tenant's callbacks arrive meanwhile", async () => {
  const s = await startTestServer({ mpsLongCode: 1000, webhookTimeoutMs: 60_000 });
  const slow = await new Trickle('text/plain', []).start();
  const app = await new FakeApp().start();
  try {
    const { a, b, aFrom, bFrom } = await tenants(s);
    await a.messages.create({ to: '+15558670105', from: aFrom, body: 'a', statusCallback: `${slow.base}/a-status` });
    await eventually(async () => (slow.open === 1 ? true : undefined), 30_000);
    const mb = await b.messages.create({ to: '+15558670106', from: bFrom, body: 'b', statusCallback: `${app.base}/b-status` });
    await app.waitFor((r) => r.path === '/b-status' && r.params.MessageSid === mb.sid && r.params.MessageStatus === 'delivered', 30_000);
    assert.equal(slow.open, 1, "A's callback is still in flight");
  } finally {
    await slow.stop();
    await app.stop();
    await s.close();
  }
});

test("a webhook trickling 1 byte per 200 ms is cut off by the overall deadline (11205); the other tenant's callbacks arrive before", async () => {
  const events: string[] = [];
  const s = await startTestServer({ mpsLongCode: 1000, webhookTimeoutMs: 3000 });
  const slow = await new Trickle('text/plain', events).start();
  const app = await new FakeApp().start();
  try {
    const { a, b, aFrom, bFrom } = await tenants(s);
    const [ma, mb] = await Promise.all([
      a.messages.create({ to: '+15558670107', from: aFrom, body: 'a', statusCallback: `${slow.base}/a-status` }),
      b.messages.create({ to: '+15558670108', from: bFrom, body: 'b', statusCallback: `${app.base}/b-status` }),
    ]);
    void app
      .waitFor((r) => r.path === '/b-status' && r.params.MessageSid === mb.sid && r.params.MessageStatus === 'delivered', 30_000)
      .then(
        () => events.push('B delivered callback'),
        () => undefined,
      );
    await eventually(async () => (slow.cutByClient >= 1 ? true : undefined), 30_000);
    const res = await s.fetch(`/switchboard/v1/WebhookRequests?ResourceSid=${ma.sid}`);
    const log = (await res.json()) as { webhook_requests: { error_code: number | null; url: string }[] };
    assert.ok(
      log.webhook_requests.some((r) => r.error_code === 11205),
      'the cut-off request is logged with 11205',
    );
    await eventually(async () => (events.includes('B delivered callback') ? true : undefined), 30_000);
    assert.ok(events.indexOf('B delivered callback') < events.indexOf('trickle cut'), `order: ${events.join(', ')}`);
  } finally {
    await slow.stop();
    await app.stop();
    await s.close();
  }
});

test('/healthz answers 503 with the reason while the send pipeline makes no progress, 200 once it moves again', async () => {
  const s = await startTestServer({ mpsLongCode: 1000, stallMs: 1000 });
  const carrier = s.sb.messaging.router.carriers()[0]!;
  const submit = carrier.submit.bind(carrier);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  carrier.submit = async (batch) => {
    await gate;
    return submit(batch);
  };
  try {
    assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
    const from = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
    const m = await s.client.messages.create({ to: '+15558670109', from, body: 'stuck at the carrier' });
    const stalled = await eventually(async () => {
      const res = await fetch(`${s.url}/healthz`);
      return res.status === 503 ? ((await res.json()) as { status: string; reason: string }) : undefined;
    }, 30_000);
    assert.equal(stalled.status, 'stalled');
    assert.match(stalled.reason, /send pipeline: no progress/);
    release();
    await eventually(async () => (['sent', 'delivered'].includes((await statusOf(s.client, m.sid)).status) ? true : undefined), 30_000);
    await eventually(async () => ((await fetch(`${s.url}/healthz`)).status === 200 ? true : undefined), 30_000);
  } finally {
    release();
    carrier.submit = submit;
    await s.close();
  }
});
