import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors } from '../core/errors.js';
import { ManualClock } from '../core/test-support/clock.js';
import {
  MemoryApplications,
  MemoryMessages,
  MemoryMessagingServices,
  MemoryOptOuts,
  MemoryPhoneNumbers,
  MemoryTransactor,
} from '../store/test-support/memory.js';
import { T0, applicationRow, messagingServiceRow, phoneNumberRow, sid } from '../store/test-support/rows.js';
import type { WebhookResult } from '../webhooks/dispatcher.js';
import { InboundService, type IncomingSms } from './inbound.js';
import { REPLIES } from './optout.js';
import { INBOUND_QUEUE } from './queues.js';
import { FakeMedia, RecordingAlerts, RecordingEvents, RecordingJobs, RecordingOutbound, ScriptedWebhooks } from './test-support/fakes.js';

const ACCOUNT = sid('AC', 1);
const NUMBER = '+14155550100';
const IN_SERVICE = '+14155550111';
const SERVICE = sid('MG', 1);
const SENDER = '+14155550199';

function setup(answers: Array<Partial<WebhookResult>> = []) {
  const messages = new MemoryMessages();
  const optOuts = new MemoryOptOuts();
  const jobs = new RecordingJobs();
  const numbers = new MemoryPhoneNumbers(
    phoneNumberRow({ phone_number: NUMBER, sms_url: 'https://app.test/sms' }),
    phoneNumberRow({ sid: sid('PN', 2), phone_number: IN_SERVICE, messaging_service_sid: SERVICE, sms_url: 'https://app.test/number-sms' }),
  );
  const outbound = new RecordingOutbound();
  const webhooks = new ScriptedWebhooks(answers);
  const alerts = new RecordingAlerts();
  const events = new RecordingEvents();
  const media = new FakeMedia();
  const tx = new MemoryTransactor([messages, optOuts, jobs]);
  const inbound = new InboundService({
    messages,
    numbers,
    optOuts,
    jobs,
    tx,
    events,
    webhooks,
    outbound,
    media,
    log: alerts,
    clock: new ManualClock(T0),
    applications: new MemoryApplications(applicationRow()),
    services: new MemoryMessagingServices(numbers, messagingServiceRow({ sid: SERVICE, inbound_request_url: 'https://app.test/service-inbound' })),
  });
  const receive = (o: Partial<IncomingSms> = {}) => inbound.receive({ from: SENDER, to: NUMBER, body: 'hello', media: [], ...o });
  return { messages, optOuts, jobs, numbers, outbound, webhooks, alerts, events, tx, inbound, receive };
}

test('a message to a number nobody owns is not recorded', async () => {
  const h = setup();
  assert.equal(await h.receive({ to: '+14155550123' }), undefined);
  assert.deepEqual([h.messages.rows.size, h.jobs.jobs.length, h.tx.count, h.events.emitted.length], [0, 0, 0, 0]);
});

test("a message is recorded for the number's account and its webhook job enqueued in the same transaction", async () => {
  const h = setup();
  const media = [{ url: 'https://carrier.test/m/1', contentType: 'image/jpeg' }];
  const row = await h.receive({ body: 'Hi there', media });
  assert.ok(row);
  assert.match(row.sid, /^MM[0-9a-f]{32}$/);
  assert.deepEqual(h.messages.get(row.sid), row);
  assert.deepEqual(
    [row.account_sid, row.direction, row.status, row.from_number, row.to_number, row.num_media, row.date_sent],
    [ACCOUNT, 'inbound', 'received', SENDER, NUMBER, 1, T0],
  );
  assert.deepEqual(h.jobs.jobs, [{ queue: INBOUND_QUEUE, payload: { sid: row.sid, media }, maxAttempts: 3 }]);
  assert.deepEqual([h.tx.count, h.events.emitted, h.outbound.created.length], [1, ['message.status:received'], 0]);
});

test('an idempotency key makes a redelivered message land once, under the same SID', async () => {
  const h = setup();
  const first = await h.receive({ idempotencyKey: 'smpp:42' });
  const again = await h.receive({ idempotencyKey: 'smpp:42' });
  assert.ok(first && again);
  assert.equal(again.sid, first.sid);
  assert.match(first.sid, /^SM[0-9a-f]{32}$/);
  assert.equal(h.messages.rows.size, 1);
  assert.equal(h.jobs.jobs.length, 1, 'one webhook job');
  const other = await h.receive({ idempotencyKey: 'smpp:43' });
  assert.notEqual(other?.sid, first.sid);
});

test("STOP records the opt-out (for the number, or its Messaging Service) and sends Twilio's confirmation", async () => {
  const h = setup();
  await h.receive({ body: '  stop ' });
  await h.receive({ to: IN_SERVICE, body: 'UNSUBSCRIBE' });
  assert.deepEqual([...h.optOuts.entries], [`${ACCOUNT}|${NUMBER}|${SENDER}`, `${ACCOUNT}|${SERVICE}|${SENDER}`]);
  assert.deepEqual(
    h.outbound.created.map((c) => c.input),
    [NUMBER, IN_SERVICE].map((from) => ({
      to: SENDER,
      from,
      body: REPLIES.stop,
      mediaUrls: [],
      direction: 'outbound-reply',
      skipOptOutCheck: true,
    })),
  );
  assert.equal(h.messages.rows.size, 2, 'the STOP messages themselves are recorded');
});

test('START removes the opt-out and confirms; HELP only answers; a failed reply does not lose the message', async () => {
  const h = setup();
  await h.optOuts.add(ACCOUNT, NUMBER, SENDER);
  h.outbound.fail = errors.queueFull();
  const row = await h.receive({ body: 'start' });
  assert.ok(row, 'recorded although the reply was refused');
  assert.equal(h.optOuts.entries.size, 0);
  h.outbound.fail = undefined;
  await h.receive({ body: 'help' });
  assert.deepEqual(
    h.outbound.created.map((c) => c.input.body),
    [REPLIES.start, REPLIES.help],
  );
  assert.equal(h.optOuts.entries.size, 0);
});

test("the inbound job fetches the number's SmsUrl (the Messaging Service's when the number is in one) and sends the TwiML reply", async () => {
  const h = setup([
    { body: '<Response><Message>Thanks!</Message></Response>' },
    { body: '<Response><Redirect>/next</Redirect></Response>', target: { url: 'https://app.test/service-inbound', method: 'POST' } },
    { body: '<Response><Message to="+14155550188" statusCallback="/cb">Routed</Message></Response>', target: { url: 'https://app.test/next', method: 'POST' } },
  ]);
  const direct = await h.receive({ body: 'hi' });
  const viaService = await h.receive({ to: IN_SERVICE, body: 'hi' });
  assert.ok(direct && viaService);
  assert.deepEqual(await h.inbound.handle({ sid: direct.sid, media: [] }), { kind: 'done' });
  assert.deepEqual(await h.inbound.handle({ sid: viaService.sid, media: [] }), { kind: 'done' });
  assert.deepEqual(
    h.webhooks.requests.map((r) => [r.purpose, r.primary.url, r.params['Body'], r.params['From'], r.params['FromCountry']]),
    [
      ['sms-inbound', 'https://app.test/sms', 'hi', SENDER, 'US'],
      ['sms-inbound', 'https://app.test/service-inbound', 'hi', SENDER, 'US'],
      ['sms-inbound', 'https://app.test/next', 'hi', SENDER, 'US'],
    ],
  );
  assert.deepEqual(
    h.outbound.created.map(({ input }) => [input.to, input.from, input.body, input.statusCallback, input.direction]),
    [
      [SENDER, NUMBER, 'Thanks!', undefined, 'outbound-reply'],
      ['+14155550188', IN_SERVICE, 'Routed', 'https://app.test/cb', 'outbound-reply'],
    ],
  );
});

test('an answer that is not TwiML, or a reply Messaging refuses, raises an alert instead of failing the job', async () => {
  const h = setup([{ contentType: 'application/json', body: '{"ok":true}' }, { body: '<Response><Message>No</Message></Response>' }]);
  const first = await h.receive();
  const second = await h.receive();
  assert.ok(first && second);
  await h.inbound.handle({ sid: first.sid, media: [] });
  h.outbound.fail = errors.unsubscribed();
  assert.deepEqual(await h.inbound.handle({ sid: second.sid, media: [] }), { kind: 'done' });
  assert.deepEqual(
    h.alerts.raised.map((a) => [a.kind, a.resourceSid]),
    [
      ['invalidContentType', first.sid],
      ['messageToInvalid', second.sid],
    ],
  );
});

test("<Message action>: the action gets the reply's MessageSid and MessageStatus, its TwiML runs, and the verbs after the Message do not", async () => {
  const h = setup([
    { body: '<Response><Message action="/after" method="GET">First</Message><Message>never sent</Message></Response>' },
    { body: '<Response><Message>From the action</Message></Response>', target: { url: 'https://app.test/after', method: 'GET' } },
  ]);
  const m = await h.receive({ body: 'hi' });
  assert.ok(m);
  assert.deepEqual(await h.inbound.handle({ sid: m.sid, media: [] }), { kind: 'done' });
  assert.deepEqual(
    h.outbound.created.map(({ input }) => input.body),
    ['First', 'From the action'],
  );
  const action = h.webhooks.requests[1]!;
  const reply = sid('SM', 1); // the first reply RecordingOutbound made
  assert.deepEqual(
    [action.purpose, action.primary, action.params['MessageSid'], action.params['SmsSid'], action.params['MessageStatus'], action.params['SmsStatus']],
    ['sms-action', { url: 'https://app.test/after', method: 'GET' }, reply, reply, 'queued', 'queued'],
  );
  assert.deepEqual([action.params['Body'], action.params['From'], action.params['To']], ['hi', SENDER, NUMBER], 'the inbound request parameters otherwise');
});
