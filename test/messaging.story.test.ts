import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

let s: TestServer;
let app: FakeApp;
const SHOP = '+15017122661';
const CUSTOMER = '+15558675310';

before(async () => {
  s = await startTestServer();
  app = await new FakeApp().start();
});
after(async () => {
  await s.close();
  await app.stop();
});

const signedBy = (token: string, r: { headers: Record<string, unknown>; url: string; params: Record<string, string> }) =>
  twilio.validateRequest(token, String(r.headers['x-twilio-signature']), r.url, r.params);

interface InboxMessage {
  direction: string;
  body: string;
  peer: string;
}
async function inbox(phone: string): Promise<InboxMessage[]> {
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Messages`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { messages: InboxMessage[] }).messages;
}

test('the order-update story: send, signed status callbacks to delivered, the virtual phone got it', async () => {
  await s.client.incomingPhoneNumbers.create({ phoneNumber: SHOP, smsUrl: `${app.base}/sms` });
  const msg = await s.client.messages.create({
    to: CUSTOMER,
    from: SHOP,
    body: 'Your order #BAKERY-12345 is on its way!',
    statusCallback: `${app.base}/status`,
  });
  assert.match(msg.sid, /^SM[0-9a-f]{32}$/);
  assert.equal(msg.status, 'queued');
  assert.equal(msg.numSegments, '1');
  assert.equal(msg.direction, 'outbound-api');

  const delivered = await app.waitFor((r) => r.path === '/status' && r.params.MessageStatus === 'delivered');
  const statuses = app.received.filter((r) => r.path === '/status' && r.params.MessageSid === msg.sid).map((r) => r.params.MessageStatus);
  assert.deepEqual(statuses, ['sent', 'delivered'], 'no callback for the initial queued nor for sending, as Twilio');
  for (const r of app.received.filter((x) => x.path === '/status')) assert.ok(signedBy(s.authToken, r), 'signature validates');
  assert.equal(delivered.params.AccountSid, s.accountSid);
  assert.equal(delivered.params.From, SHOP);
  assert.equal(delivered.params.To, CUSTOMER);

  const fetched = await s.client.messages(msg.sid).fetch();
  assert.equal(fetched.status, 'delivered');
  assert.ok(fetched.dateSent instanceof Date);
  const got = await inbox(CUSTOMER);
  assert.equal(got[0]!.body, 'Your order #BAKERY-12345 is on its way!');
  assert.equal(got[0]!.direction, 'received');
});

test('a reply from the phone reaches SmsUrl signed, and the MessagingResponse TwiML answer is sent back', async () => {
  app.respond((r) => {
    if (r.path !== '/sms') return undefined;
    const twiml = new twilio.twiml.MessagingResponse();
    twiml.message(`Thanks! You said: ${r.params.Body}`);
    return { body: twiml.toString() };
  });
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(CUSTOMER)}/Messages`, {
    method: 'POST',
    form: { To: SHOP, Body: 'Where is it?' },
  });
  assert.equal(res.status, 201);
  const hook = await app.waitFor((r) => r.path === '/sms' && r.params.Body === 'Where is it?');
  assert.ok(signedBy(s.authToken, hook));
  assert.equal(hook.params.From, CUSTOMER);
  assert.equal(hook.params.To, SHOP);
  assert.equal(hook.params.SmsStatus, 'received');
  assert.equal(hook.params.FromCountry, 'US');
  assert.match(hook.params.MessageSid!, /^SM/);
  const reply = await eventually(async () => (await inbox(CUSTOMER)).find((m) => m.body === 'Thanks! You said: Where is it?'));
  assert.equal(reply.direction, 'received');
  const inbound = await s.client.messages(hook.params.MessageSid!).fetch();
  assert.equal(inbound.direction, 'inbound');
  assert.equal(inbound.status, 'received');
});

test("STOP opts the phone out (21610 afterwards, with Twilio's confirmation); START lifts it", async () => {
  app.respond(() => undefined);
  await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(CUSTOMER)}/Messages`, { method: 'POST', form: { To: SHOP, Body: ' stop ' } });
  await eventually(async () => (await inbox(CUSTOMER)).find((m) => m.body.startsWith('You have successfully been unsubscribed')));
  await assert.rejects(
    s.client.messages.create({ to: CUSTOMER, from: SHOP, body: 'promo' }),
    (e: { code: number; status: number }) => e.code === 21610 && e.status === 400,
  );
  await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(CUSTOMER)}/Messages`, { method: 'POST', form: { To: SHOP, Body: 'START' } });
  await eventually(async () => (await inbox(CUSTOMER)).find((m) => m.body.startsWith('You have successfully been re-subscribed')));
  const ok = await s.client.messages.create({ to: CUSTOMER, from: SHOP, body: 'welcome back' });
  assert.equal(ok.status, 'queued');
});

test("<Message action>: the action request carries the reply's MessageSid and MessageStatus, its TwiML runs, the verbs after the Message do not", async () => {
  app.respond((r) => {
    if (r.path === '/sms' && r.params.Body === 'menu please') {
      const twiml = new twilio.twiml.MessagingResponse();
      twiml.message({ action: '/after-reply' }, 'Here is the menu');
      twiml.message('never sent: after a Message with an action');
      return { body: twiml.toString() };
    }
    if (r.path === '/after-reply') return { body: new twilio.twiml.MessagingResponse().message('Sent from the action').toString() };
    return undefined;
  });
  await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(CUSTOMER)}/Messages`, { method: 'POST', form: { To: SHOP, Body: 'menu please' } });
  const action = await app.waitFor((r) => r.path === '/after-reply');
  assert.ok(signedBy(s.authToken, action));
  const [reply] = await s.client.messages.list({ from: SHOP, to: CUSTOMER, pageSize: 20 }).then((l) => l.filter((m) => m.body === 'Here is the menu'));
  assert.ok(reply, 'the reply is a Message resource');
  assert.equal(action.params.MessageSid, reply.sid, "the reply's SID, not the inbound message's");
  assert.equal(action.params.SmsSid, reply.sid);
  assert.ok(['queued', 'sending', 'sent', 'delivered'].includes(action.params.MessageStatus!), action.params.MessageStatus);
  assert.equal(action.params.SmsStatus, action.params.MessageStatus);
  assert.deepEqual([action.params.From, action.params.To, action.params.Body], [CUSTOMER, SHOP, 'menu please']);
  await eventually(async () => (await inbox(CUSTOMER)).find((m) => m.body === 'Sent from the action'));
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(!(await inbox(CUSTOMER)).some((m) => m.body.startsWith('never sent')), 'the verb after <Message action> did not run');
  app.respond(() => undefined);
});
