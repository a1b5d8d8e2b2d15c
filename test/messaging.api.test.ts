import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';

let s: TestServer;
let app: FakeApp;
let shop = '';
const API = 'twilio_api_v2010.json';
const MSG = 'api.v2010.account.message';

before(async () => {
  // A fast sender so pacing does not slow the suite; pacing itself is tested below with its own number.
  s = await startTestServer({ mpsLongCode: 1000 });
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
});
after(async () => {
  await s.close();
  await app.stop();
});

async function fails(p: Promise<unknown>, code: number, status = 400) {
  await assert.rejects(p, (e: { code: number; status: number }) => {
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    return true;
  });
}

async function rawMessage(sid: string): Promise<unknown> {
  const res = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Messages/${sid}.json`);
  return res.json();
}

describe("validation with Twilio's codes", () => {
  test('missing and invalid parameters', async () => {
    // The SDK itself insists on To, so this one goes over raw HTTP.
    const noTo = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Messages.json`, { method: 'POST', form: { From: shop, Body: 'x' } });
    assert.equal(noTo.status, 400);
    assert.equal(((await noTo.json()) as { code: number }).code, 21604);
    await fails(s.client.messages.create({ to: '+15558675310', body: 'x' }), 21603);
    await fails(s.client.messages.create({ to: '+15558675310', from: shop }), 21602);
    await fails(s.client.messages.create({ to: '+1 555', from: shop, body: 'x' }), 21211);
    await fails(s.client.messages.create({ to: '+15558675310', from: 'not a number', body: 'x' }), 21212);
    await fails(s.client.messages.create({ to: '+15558675310', from: '+14155550199', body: 'x' }), 21606);
    await fails(s.client.messages.create({ to: '+15558675310', from: shop, body: 'a'.repeat(1601) }), 21617);
  });

  test("Twilio's magic test numbers", async () => {
    const ok = await s.client.messages.create({ to: '+15558675310', from: '+15005550006', body: 'magic from' });
    assert.equal(ok.status, 'queued');
    await fails(s.client.messages.create({ to: '+15005550001', from: shop, body: 'x' }), 21211);
    await fails(s.client.messages.create({ to: '+15005550002', from: shop, body: 'x' }), 21612);
    await fails(s.client.messages.create({ to: '+15005550003', from: shop, body: 'x' }), 21408);
    await fails(s.client.messages.create({ to: '+15005550004', from: shop, body: 'x' }), 21610);
    await fails(s.client.messages.create({ to: '+15005550009', from: shop, body: 'x' }), 21614);
  });
});

describe('encoding and segments as Twilio counts them', () => {
  const cases: Array<[string, number]> = [
    ['A'.repeat(160), 1],
    ['A'.repeat(161), 2],
    ['€'.repeat(80), 1],
    ['€'.repeat(81), 2],
    ['Ж'.repeat(70), 1],
    ['Ж'.repeat(71), 2],
    ['😀'.repeat(35), 1],
    ['😀'.repeat(36), 2],
    ['A'.repeat(1600), 11],
  ];
  for (const [body, segments] of cases) {
    test(`${[...body][0]} x${[...body].length} -> ${segments}`, async () => {
      const m = await s.client.messages.create({ to: '+15558675310', from: shop, body });
      assert.equal(m.numSegments, String(segments));
    });
  }
  test('SmartEncoded replaces curly quotes so the message stays GSM-7', async () => {
    const body = '\u201CHello\u201D \u2014 it\u2019s here\u2026 '.repeat(5);
    const plain = await s.client.messages.create({ to: '+15558675310', from: shop, body });
    const smart = await s.client.messages.create({ to: '+15558675310', from: shop, body, smartEncoded: true });
    assert.ok(Number(plain.numSegments) > Number(smart.numSegments));
    assert.equal(smart.body, '"Hello" - it\'s here... '.repeat(5));
  });
});

describe('the Messages resource', () => {
  test('every response validates against the spec; list filters; redact; delete', async () => {
    const m = await s.client.messages.create({ to: '+15558670001', from: shop, body: 'to redact', statusCallback: `${app.base}/cb` });
    assert.deepEqual(validateAgainstSpec(API, MSG, await rawMessage(m.sid)), []);
    await app.waitFor((r) => r.params.MessageSid === m.sid && r.params.MessageStatus === 'delivered');
    const listed = await s.client.messages.list({ to: '+15558670001' });
    assert.deepEqual(
      listed.map((x) => x.sid),
      [m.sid],
    );
    const listRes = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Messages.json?To=%2B15558670001`);
    const listBody = (await listRes.json()) as { messages: unknown[] };
    for (const item of listBody.messages) assert.deepEqual(validateAgainstSpec(API, MSG, item), []);
    const today = new Date().toISOString().slice(0, 10);
    assert.ok((await s.client.messages.list({ dateSent: new Date(`${today}T00:00:00Z`), to: '+15558670001' })).length === 1);
    assert.equal((await s.client.messages.list({ dateSentBefore: new Date('2000-01-01'), to: '+15558670001' })).length, 0);
    const redacted = await s.client.messages(m.sid).update({ body: '' });
    assert.equal(redacted.body, '');
    assert.equal(await s.client.messages(m.sid).remove(), true);
    await fails(s.client.messages(m.sid).fetch(), 20404, 404);
  });

  test('paging through a DateSent range: every message once, in list order, also back with previous_page_uri', async () => {
    // Created at once, so several share a millisecond: the page cursor must break those ties by SID.
    const to = '+15558673000';
    const created = await Promise.all(Array.from({ length: 12 }, (_, i) => s.client.messages.create({ to, from: shop, body: `page ${i}` })));
    await eventually(async () => {
      const all = await s.client.messages.list({ to, pageSize: 1000 });
      return all.length === 12 && all.every((m) => m.dateSent !== null) ? true : undefined;
    });
    const day = 86_400_000;
    const range = { to, dateSentAfter: new Date(Date.now() - day), dateSentBefore: new Date(Date.now() + day) };
    const whole = (await s.client.messages.list({ ...range, pageSize: 1000 })).map((m) => m.sid);
    assert.deepEqual([...whole].sort(), created.map((m) => m.sid).sort());
    // The SDK follows next_page_uri; pages of 5 must give the same sequence.
    assert.deepEqual(
      (await s.client.messages.list({ ...range, pageSize: 5 })).map((m) => m.sid),
      whole,
    );
    // Raw: page 2 (via next_page_uri), then page 1 again via page 2's previous_page_uri.
    type Body = { messages: { sid: string }[]; next_page_uri: string | null; previous_page_uri: string | null };
    const get = async (uri: string) => (await (await s.fetch(uri)).json()) as Body;
    const q = `To=${encodeURIComponent(to)}&DateSent%3E=${range.dateSentAfter.toISOString()}&DateSent%3C=${range.dateSentBefore.toISOString()}&PageSize=5`;
    const first = await get(`/2010-04-01/Accounts/${s.accountSid}/Messages.json?${q}`);
    const second = await get(first.next_page_uri ?? '');
    assert.deepEqual(
      second.messages.map((m) => m.sid),
      whole.slice(5, 10),
    );
    const back = await get(second.previous_page_uri ?? '');
    assert.deepEqual(
      back.messages.map((m) => m.sid),
      whole.slice(0, 5),
    );
  });

  test('parallel creates from several senders all commit (no deadlock between their schedule rows)', async () => {
    const senders = [shop];
    for (let i = 0; i < 2; i++) senders.push((await s.client.incomingPhoneNumbers.create({ areaCode: '628' })).phoneNumber);
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        s.client.messages.create({ to: `+1555867${String(2000 + i)}`, from: senders[i % senders.length]!, body: `parallel ${i}` }),
      ),
    );
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected'),
      [],
    );
  });

  test('pacing: a long code sends one segment per second, visible in the queue', async () => {
    const slow = await startTestServer();
    try {
      const n = (await slow.client.incomingPhoneNumbers.create({ areaCode: '212' })).phoneNumber;
      const sent: { sid: string }[] = [];
      for (let i = 0; i < 3; i++) sent.push(await slow.client.messages.create({ to: '+15558670002', from: n, body: `m${i}` }));
      await eventually(async () => ((await slow.client.messages(sent[0]!.sid).fetch()).status === 'delivered' ? true : undefined));
      // Messages 2 and 3 are scheduled one and two seconds later: still queued now.
      assert.equal((await slow.client.messages(sent[2]!.sid).fetch()).status, 'queued');
      await eventually(async () => ((await slow.client.messages(sent[2]!.sid).fetch()).status === 'delivered' ? true : undefined), 8000);
    } finally {
      await slow.close();
    }
  });
});

describe('Messaging Services', () => {
  test('MessagingServiceSid: accepted first, a sender from the pool, sticky per recipient; inbound to the service URL', async () => {
    const svc = await s.client.messaging.v1.services.create({
      friendlyName: 'Alerts',
      inboundRequestUrl: `${app.base}/svc-in`,
      statusCallback: `${app.base}/svc-status`,
    });
    assert.match(svc.sid, /^MG[0-9a-f]{32}$/);
    await fails(s.client.messages.create({ to: '+15558670003', messagingServiceSid: svc.sid, body: 'x' }), 21703);
    const a = await s.client.incomingPhoneNumbers.create({ areaCode: '646' });
    const b = await s.client.incomingPhoneNumbers.create({ areaCode: '718' });
    await s.client.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: a.sid });
    await s.client.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: b.sid });
    assert.equal((await s.client.messaging.v1.services(svc.sid).phoneNumbers.list()).length, 2);
    const m1 = await s.client.messages.create({ to: '+15558670003', messagingServiceSid: svc.sid, body: 'first' });
    assert.equal(m1.status, 'accepted');
    assert.equal(m1.from, null);
    const done1 = await app.waitFor((r) => r.path === '/svc-status' && r.params.MessageSid === m1.sid && r.params.MessageStatus === 'delivered');
    const statuses = app.received.filter((r) => r.params.MessageSid === m1.sid).map((r) => r.params.MessageStatus);
    assert.deepEqual(statuses, ['queued', 'sent', 'delivered'], 'accepted -> queued is posted; sending is not (as Twilio)');
    const m2 = await s.client.messages.create({ to: '+15558670003', from: svc.sid, body: 'second' });
    const done2 = await app.waitFor((r) => r.path === '/svc-status' && r.params.MessageSid === m2.sid && r.params.MessageStatus === 'delivered');
    assert.equal(done2.params.From, done1.params.From, 'sticky sender');
    assert.ok([a.phoneNumber, b.phoneNumber].includes(done1.params.From!));
    // The phone answers: the service's inbound URL gets it.
    await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent('+15558670003')}/Messages`, {
      method: 'POST',
      form: { To: done1.params.From!, Body: 'hi service' },
    });
    const inbound = await app.waitFor((r) => r.path === '/svc-in' && r.params.Body === 'hi service');
    assert.equal(inbound.params.MessagingServiceSid, svc.sid);
  });

  test('scheduled messages: status scheduled, window enforced, cancelable', async () => {
    const svc = await s.client.messaging.v1.services.create({ friendlyName: 'Later' });
    const n = await s.client.incomingPhoneNumbers.create({ areaCode: '305' });
    await s.client.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: n.sid });
    const inAnHour = new Date(Date.now() + 3600_000);
    const m = await s.client.messages.create({
      to: '+15558670004',
      messagingServiceSid: svc.sid,
      body: 'later',
      scheduleType: 'fixed',
      sendAt: inAnHour,
      statusCallback: `${app.base}/scheduled-status`,
    });
    assert.equal(m.status, 'scheduled');
    await fails(
      s.client.messages.create({ to: '+15558670004', messagingServiceSid: svc.sid, body: 'x', scheduleType: 'fixed', sendAt: new Date(Date.now() + 60_000) }),
      35114,
    );
    await fails(s.client.messages.create({ to: '+15558670004', messagingServiceSid: svc.sid, body: 'x', scheduleType: 'fixed' }), 35111);
    await fails(s.client.messages.create({ to: '+15558670004', from: shop, body: 'x', scheduleType: 'fixed', sendAt: inAnHour }), 35118);
    const canceled = await s.client.messages(m.sid).update({ status: 'canceled' });
    assert.equal(canceled.status, 'canceled');
    await fails(s.client.messages(m.sid).update({ status: 'canceled' }), 20009);
    // No callback for the initial scheduled status; one for canceled.
    await app.waitFor((r) => r.path === '/scheduled-status' && r.params.MessageSid === m.sid);
    const hooks = app.received.filter((r) => r.path === '/scheduled-status').map((r) => [r.params.MessageSid, r.params.MessageStatus, r.params.SmsStatus]);
    assert.deepEqual(hooks, [[m.sid, 'canceled', 'canceled']]);
  });
});

describe('MMS', () => {
  test('MediaUrl is fetched, stored, listed as Media and served to the receiving app', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f9e0f90000000049454e44ae426082',
      'hex',
    );
    // Served as bytes (a string body would be re-encoded as UTF-8 on the way), so they can be compared exactly.
    app.on('/pic.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    // Send to another number of the same account, so the MMS is delivered inside the platform.
    const inbox = await s.client.incomingPhoneNumbers.create({ areaCode: '512', smsUrl: `${app.base}/mms-in` });
    const m = await s.client.messages.create({ to: inbox.phoneNumber, from: shop, body: 'a picture', mediaUrl: [`${app.base}/pic.png`] });
    assert.match(m.sid, /^MM/);
    assert.equal(m.numMedia, '1');
    const hook = await app.waitFor((r) => r.path === '/mms-in');
    assert.equal(hook.params.NumMedia, '1');
    assert.equal(hook.params.MediaContentType0, 'image/png');
    const served = await fetch(hook.params.MediaUrl0!);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), png, 'the receiving app gets the exact bytes the sender served');
    const media = await s.client.messages(m.sid).media.list();
    assert.equal(media.length, 1);
    assert.equal(media[0]!.contentType, 'image/png');
    const raw = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Messages/${m.sid}/Media.json`);
    const body = (await raw.json()) as { media_list: unknown[] };
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.message.media', body.media_list[0]), []);
    // The Media resource's content (its URI without .json) is the same bytes.
    const uri = String((body.media_list[0] as { uri: string }).uri).replace(/\.json$/, '');
    const content = await s.fetch(uri);
    assert.equal(content.status, 200);
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), png);
  });

  test('media of the wrong type fails the message with 12300', async () => {
    app.respond((r) => (r.path === '/evil.exe' ? { body: 'MZ', type: 'application/x-msdownload' } : undefined));
    const m = await s.client.messages.create({ to: '+15558670005', from: shop, body: 'bad', mediaUrl: [`${app.base}/evil.exe`] });
    const failed = await eventually(async () => {
      const f = await s.client.messages(m.sid).fetch();
      return f.status === 'failed' ? f : undefined;
    });
    assert.equal(failed.errorCode, 12300);
  });
});

describe('inbound TwiML failures', () => {
  test('bad TwiML raises alert 12100 and nothing else breaks; a failing SmsUrl falls back', async () => {
    app.respond((r) => {
      if (r.path === '/broken') return { body: '<Response><Message>unclosed' };
      if (r.path === '/down') return { status: 500, body: 'oops' };
      if (r.path === '/fallback') return { body: '<Response><Message>from fallback</Message></Response>' };
      return undefined;
    });
    const n1 = await s.client.incomingPhoneNumbers.create({ areaCode: '206', smsUrl: `${app.base}/broken` });
    await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent('+15558670006')}/Messages`, {
      method: 'POST',
      form: { To: n1.phoneNumber, Body: 'hello' },
    });
    const alert = await eventually(async () => {
      const res = await s.fetch('/switchboard/v1/Alerts');
      const { alerts } = (await res.json()) as { alerts: { error_code: string; request_url: string }[] };
      return alerts.find((a) => a.error_code === '12100' && a.request_url.endsWith('/broken'));
    });
    assert.ok(alert);
    const n2 = await s.client.incomingPhoneNumbers.create({ areaCode: '617', smsUrl: `${app.base}/down`, smsFallbackUrl: `${app.base}/fallback` });
    await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent('+15558670007')}/Messages`, {
      method: 'POST',
      form: { To: n2.phoneNumber, Body: 'hello' },
    });
    await eventually(async () => {
      const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent('+15558670007')}/Messages`);
      return ((await res.json()) as { messages: { body: string }[] }).messages.find((m) => m.body === 'from fallback');
    });
    assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
  });
});

describe('reply loops', () => {
  test("To equal to From is refused with Twilio's 21266", async () => {
    await fails(s.client.messages.create({ to: shop, from: shop, body: 'me to me' }), 21266);
    const res = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Messages.json`, { method: 'POST', form: { To: shop, From: shop, Body: 'x' } });
    assert.deepEqual(await res.json(), {
      code: 21266,
      message: "'To' and 'From' numbers cannot be the same",
      more_info: 'https://www.twilio.com/docs/errors/21266',
      status: 400,
    });
  });

  test('two auto-responders on the platform stop after 30 messages in a burst: the next fails 14107 and nothing follows', async () => {
    app.respond((r) => (r.path === '/auto' ? { body: `<Response><Message>auto reply to: ${r.params.Body!.slice(0, 40)}</Message></Response>` } : undefined));
    const x = (await s.client.incomingPhoneNumbers.create({ areaCode: '212', smsUrl: `${app.base}/auto` })).phoneNumber;
    const y = (await s.client.incomingPhoneNumbers.create({ areaCode: '213', smsUrl: `${app.base}/auto` })).phoneNumber;
    const first = await s.client.messages.create({ to: y, from: x, body: 'hello robot', statusCallback: `${app.base}/loop-status` });
    assert.equal(first.status, 'queued');
    const between = async () => [
      ...(await s.client.messages.list({ from: x, to: y, pageSize: 1000 })),
      ...(await s.client.messages.list({ from: y, to: x, pageSize: 1000 })),
    ];
    const stopped = await eventually(async () => (await between()).find((m) => m.direction !== 'inbound' && m.errorCode === 14107), 60_000, 200);
    assert.equal(stopped.status, 'failed');
    // A quiet second later nothing more has been sent: the failed message reached nobody, so nobody answered.
    await new Promise((r) => setTimeout(r, 1500));
    const all = await between();
    const outbound = all.filter((m) => m.direction !== 'inbound');
    assert.equal(outbound.length, 31, '30 delivered messages, then the one that failed');
    assert.equal(all.filter((m) => m.direction === 'inbound').length, 30);
    assert.equal(outbound.filter((m) => m.status === 'failed').length, 1);
    app.respond(() => undefined);
  });
});
