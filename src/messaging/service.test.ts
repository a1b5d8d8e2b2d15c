import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../core/errors.js';
import { ManualClock } from '../core/test-support/clock.js';
import {
  MemoryApplications,
  MemoryGroup,
  MemoryMessages,
  MemoryMessagingServices,
  MemoryOptOuts,
  MemoryPhoneNumbers,
  NO_DB,
} from '../store/test-support/memory.js';
import { T0, applicationRow, messageRow, messagingServiceRow, phoneNumberRow, sid } from '../store/test-support/rows.js';
import { SEND_QUEUE } from './queues.js';
import { MessagesService, type CreateMessageInput } from './service.js';
import { RecordingJobs, webhookJobs } from './test-support/fakes.js';

const ACCOUNT = sid('AC', 1);
const OTHER = sid('AC', 2);
const FROM = '+14155550100';
const TO = '+14155550199';
const SERVICE = sid('MG', 1);

function setup(o: { maxBacklogMs?: number } = {}) {
  const clock = new ManualClock(T0);
  const numbers = new MemoryPhoneNumbers(
    phoneNumberRow({ phone_number: FROM }),
    phoneNumberRow({ sid: sid('PN', 2), phone_number: '+14155550111', messaging_service_sid: SERVICE }),
    phoneNumberRow({ sid: sid('PN', 3), account_sid: OTHER, phone_number: '+14155550122' }),
  );
  const services = new MemoryMessagingServices(
    numbers,
    messagingServiceRow({ sid: SERVICE, status_callback: 'https://app.test/service-status', validity_period: 600, smart_encoding: 1 }),
    messagingServiceRow({ sid: sid('MG', 2) }),
  );
  const messages = new MemoryMessages();
  const optOuts = new MemoryOptOuts();
  const queue = new RecordingJobs();
  const group = new MemoryGroup([messages]);
  const applications = new MemoryApplications(applicationRow({ message_status_callback: 'https://app.test/app-status' }));
  const service = new MessagesService({
    messages,
    media: {
      list: async () => ({ items: [], hasNext: false, hasPrev: false }),
      findMeta: async () => undefined,
      findContent: async () => undefined,
      delete: async () => false,
    },
    optOuts,
    services,
    numbers,
    applications,
    group,
    clock,
    queue,
    webhooks: webhookJobs,
    limits: { mps: { 'long-code': 1, 'toll-free': 25, 'short-code': 100 }, maxBacklogMs: o.maxBacklogMs ?? 10_000 },
  });
  const create = (input: Partial<CreateMessageInput>) => service.create(ACCOUNT, { to: TO, from: FROM, body: 'hi', mediaUrls: [], ...input });
  return { clock, numbers, services, messages, optOuts, queue, group, service, create };
}

/** Rejects with an ApiError of this Twilio code and HTTP status. */
async function rejectsWith(work: Promise<unknown>, code: number, status = 400): Promise<void> {
  await assert.rejects(work, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.deepEqual([err.code, err.status], [code, status], err.message);
    return true;
  });
}

test("To and From are validated with Twilio's codes", async () => {
  const { create, messages } = setup();
  await rejectsWith(create({ to: undefined }), 21604);
  await rejectsWith(create({ to: 'not a number' }), 21211);
  await rejectsWith(create({ to: '+15005550004' }), 21610); // Twilio's magic "unsubscribed" test number
  await rejectsWith(create({ from: undefined }), 21603);
  await rejectsWith(create({ from: 'abc' }), 21212);
  await rejectsWith(create({ from: '+14155550122' }), 21606); // another account's number
  await rejectsWith(create({ from: '+14155550133' }), 21606); // nobody's number
  await rejectsWith(create({ to: FROM }), 21266); // a number texting itself
  await rejectsWith(create({ from: undefined, messagingServiceSid: sid('MG', 9) }), 21705);
  assert.equal(messages.rows.size, 0, 'nothing refused is stored');
});

test('Body and MediaUrl are validated: 21602 empty, 21617 over 1600 characters, 21623 over 10 media, 21620 not http', async () => {
  const { create } = setup();
  await rejectsWith(create({ body: '' }), 21602);
  await rejectsWith(create({ body: 'x'.repeat(1601) }), 21617);
  await rejectsWith(create({ mediaUrls: Array.from({ length: 11 }, (_, i) => `https://m.test/${i}`) }), 21623);
  await rejectsWith(create({ mediaUrls: ['ftp://m.test/a.png'] }), 21620);
  const mms = await create({ body: '', mediaUrls: ['https://m.test/a.png'] });
  assert.deepEqual([mms.sid.slice(0, 2), mms.num_media, mms.media_urls], ['MM', 1, '["https://m.test/a.png"]']);
  const long = await create({ body: 'x'.repeat(1600) });
  assert.deepEqual([long.sid.slice(0, 2), long.num_segments, long.encoding], ['SM', 11, 'GSM-7']);
});

test('a recipient who opted out of the sender or its Messaging Service is refused with 21610, unless the send is the opt-out reply', async () => {
  const { create, optOuts, messages } = setup();
  await optOuts.add(ACCOUNT, FROM, TO);
  await rejectsWith(create({}), 21610);
  await optOuts.add(ACCOUNT, SERVICE, '+14155550198');
  await rejectsWith(create({ from: undefined, messagingServiceSid: SERVICE, to: '+14155550198' }), 21610);
  await optOuts.add(OTHER, FROM, '+14155550197');
  assert.equal((await create({ to: '+14155550197' })).status, 'queued', "another account's opt-out does not count");
  const reply = await create({ skipOptOutCheck: true, direction: 'outbound-reply' });
  assert.deepEqual([reply.status, reply.direction], ['queued', 'outbound-reply']);
  assert.equal(messages.rows.size, 2);
});

test("pacing: each message takes the sender's next slot (segments / MPS), committed with it and announced to the pipeline", async () => {
  const { create, queue, group, messages } = setup();
  const first = await create({});
  const second = await create({ body: 'y'.repeat(161) }); // two segments: two seconds at 1 MPS
  const third = await create({});
  assert.deepEqual([first.run_at, second.run_at, third.run_at], [T0, T0 + 1000, T0 + 3000]);
  assert.deepEqual([first.status, messages.get(third.sid).run_at], ['queued', T0 + 3000]);
  assert.deepEqual(group.keys, [FROM, FROM, FROM], 'creates are grouped by sender');
  assert.deepEqual(
    queue.announced.map((a) => [a.queue, a.executor === NO_DB]),
    [
      [SEND_QUEUE, true],
      [SEND_QUEUE, true],
      [SEND_QUEUE, true],
    ],
    'announced inside the transaction, so the wake-up follows the commit',
  );
});

test('pacing: a sender whose backlog is full refuses with 21611 and stores nothing; a faster sender kind is paced faster', async () => {
  const { create, messages } = setup({ maxBacklogMs: 2000 });
  for (let i = 0; i < 3; i++) await create({});
  await rejectsWith(create({}), 21611);
  assert.equal(messages.rows.size, 3);
  assert.equal(messages.schedule.get(FROM), T0 + 3000, 'the refused message took no slot');
  const shortCode = setup();
  await shortCode.numbers.insertIfFree(phoneNumberRow({ sid: sid('PN', 7), phone_number: '55555' }));
  await shortCode.create({ from: '55555' });
  assert.equal((await shortCode.create({ from: '55555' })).run_at, T0 + 10, 'a short code sends at 100 MPS');
});

test('scheduling: ScheduleType=fixed needs a Messaging Service and a SendAt from 15 minutes to 35 days ahead', async () => {
  const { create, messages } = setup();
  const scheduled = { from: undefined, messagingServiceSid: SERVICE, scheduleType: 'fixed' };
  await rejectsWith(create({ ...scheduled, sendAt: T0 + 899_999 }), 35114);
  await rejectsWith(create({ ...scheduled, sendAt: T0 + 35 * 24 * 3600_000 + 1 }), 35114);
  await rejectsWith(create({ ...scheduled, sendAt: undefined }), 35111);
  await rejectsWith(create({ scheduleType: 'fixed', sendAt: T0 + 3600_000 }), 35118);
  await rejectsWith(create({ ...scheduled, scheduleType: 'later', sendAt: T0 + 3600_000 }), 20001);
  for (const sendAt of [T0 + 900_000, T0 + 35 * 24 * 3600_000]) {
    const row = await create({ ...scheduled, sendAt });
    assert.deepEqual([row.status, row.run_at, row.send_at], ['scheduled', sendAt, sendAt]);
  }
  assert.equal(messages.schedule.size, 0, 'a scheduled message takes its slot when it is due, not now');
});

test('a Messaging Service without From is accepted (the pipeline picks the sender) and lends its callback, validity and smart encoding', async () => {
  const { create, messages } = setup();
  const row = await create({ from: undefined, messagingServiceSid: SERVICE, body: 'It’s “quoted”' });
  assert.deepEqual([row.status, row.from_number, row.messaging_service_sid], ['accepted', '', SERVICE]);
  assert.deepEqual([row.status_callback, row.validity_period, row.body, row.encoding], ['https://app.test/service-status', 600, 'It\'s "quoted"', 'GSM-7']);
  assert.equal(messages.schedule.size, 0, 'no slot until a sender is chosen');
  const viaFrom = await create({ from: SERVICE });
  assert.deepEqual([viaFrom.status, viaFrom.messaging_service_sid], ['accepted', SERVICE], 'From=MG... names the service');
  await rejectsWith(create({ from: undefined, messagingServiceSid: sid('MG', 2) }), 21703);
  const withFrom = await create({ messagingServiceSid: SERVICE, statusCallback: 'https://app.test/mine' });
  assert.deepEqual([withFrom.status, withFrom.from_number, withFrom.status_callback], ['queued', FROM, 'https://app.test/mine']);
});

test('an ApplicationSid lends its message status callback; an unknown one is 21218', async () => {
  const { create } = setup();
  assert.equal((await create({ applicationSid: sid('AP', 1) })).status_callback, 'https://app.test/app-status');
  await rejectsWith(create({ applicationSid: sid('AP', 2) }), 21218);
});

test('cancel: only scheduled, accepted or queued messages (20009 otherwise), with its canceled callback; Body can only be redacted', async () => {
  const { service, messages, clock, queue } = setup();
  messages.add(
    messageRow({ sid: sid('SM', 1), status: 'scheduled', run_at: T0 + 900_000, status_callback: 'https://app.test/status' }),
    messageRow({ sid: sid('SM', 2), status: 'sending' }),
    messageRow({ sid: sid('SM', 3), status: 'queued', account_sid: OTHER }),
  );
  clock.advance(5);
  const canceled = await service.update(ACCOUNT, sid('SM', 1), { status: 'canceled' });
  assert.deepEqual([canceled.status, canceled.run_at, canceled.date_updated], ['canceled', null, T0 + 5]);
  assert.deepEqual(queue.callbacks(), [`${sid('SM', 1)}:canceled`], 'one canceled callback, committed with the cancel');
  await rejectsWith(service.update(ACCOUNT, sid('SM', 2), { status: 'canceled' }), 20009);
  await rejectsWith(service.update(ACCOUNT, sid('SM', 1), { status: 'canceled' }), 20009, 400);
  await rejectsWith(service.update(ACCOUNT, sid('SM', 2), { status: 'sent' }), 20001);
  await rejectsWith(service.update(ACCOUNT, sid('SM', 3), { status: 'canceled' }), 20404, 404);
  assert.equal(messages.get(sid('SM', 3)).status, 'queued', "another account's message is untouched");
  await rejectsWith(service.update(ACCOUNT, sid('SM', 2), { body: 'new text' }), 20001);
  assert.equal((await service.update(ACCOUNT, sid('SM', 2), { body: '' })).body, '');
  assert.equal(messages.get(sid('SM', 2)).body, '');
});

test('delete: a message still in the pipeline is 20009; scheduled and finished ones go', async () => {
  const { service, messages } = setup();
  messages.add(
    messageRow({ sid: sid('SM', 1), status: 'queued' }),
    messageRow({ sid: sid('SM', 2), status: 'scheduled' }),
    messageRow({ sid: sid('SM', 3), status: 'delivered' }),
  );
  await rejectsWith(service.delete(ACCOUNT, sid('SM', 1)), 20009);
  await service.delete(ACCOUNT, sid('SM', 2));
  await service.delete(ACCOUNT, sid('SM', 3));
  assert.deepEqual([...messages.rows.keys()], [sid('SM', 1)]);
  await rejectsWith(service.delete(ACCOUNT, sid('SM', 3)), 20404, 404);
});
