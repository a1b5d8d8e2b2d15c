import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/test-support/clock.js';
import type { MessageRow } from '../store/repositories/messages.js';
import { MemoryMessages, MemoryMessagingServices, MemoryParts, MemoryPhoneNumbers, MemoryTransactor } from '../store/test-support/memory.js';
import { T0, messageRow, messagingServiceRow, phoneNumberRow, sid } from '../store/test-support/rows.js';
import type { OutboundSms, SubmitResult } from './carriers/types.js';
import { LoopGuard } from './loop-guard.js';
import { SendPipeline } from './pipeline.js';
import { FakeCarrier, FakeMedia, RecordingEvents, RecordingJobs, routerTo, webhookJobs } from './test-support/fakes.js';

const FROM = '+14155550100';
const TO = '+14155550199';
const OWNED_TO = '+14155550177';
const SERVICE = sid('MG', 1);
const POOL = ['+14155550111', '+14155550112'];
const CALLBACK = 'https://app.test/status';
const A = sid('SM', 0xa);
const B = sid('SM', 0xb);
const C = sid('SM', 0xc);

function setup(o: { answer?: (sms: OutboundSms) => SubmitResult; maxBacklogMs?: number; loopGuard?: LoopGuard } = {}) {
  const clock = new ManualClock(T0);
  const messages = new MemoryMessages();
  const parts = new MemoryParts(messages);
  const numbers = new MemoryPhoneNumbers(
    phoneNumberRow({ phone_number: FROM }),
    phoneNumberRow({ sid: sid('PN', 2), phone_number: OWNED_TO, account_sid: sid('AC', 2) }),
    ...POOL.map((n, i) => phoneNumberRow({ sid: sid('PN', 10 + i), phone_number: n, messaging_service_sid: SERVICE })),
  );
  const services = new MemoryMessagingServices(numbers, messagingServiceRow({ sid: SERVICE }), messagingServiceRow({ sid: sid('MG', 2) }));
  const jobs = new RecordingJobs();
  const events = new RecordingEvents();
  const media = new FakeMedia();
  const carrier = new FakeCarrier('fake', o.answer);
  const internal: MessageRow[] = [];
  const failures: unknown[] = [];
  const pipeline = new SendPipeline({
    messages,
    parts,
    services,
    numbers,
    jobs,
    webhooks: webhookJobs,
    tx: new MemoryTransactor([messages, parts, jobs]),
    clock,
    events,
    router: routerTo(carrier),
    media,
    service: { costMs: (_from, _type, segments) => segments * 1000 },
    deliverInternally: async (m) => {
      internal.push(m);
    },
    ...(o.loopGuard ? { loopGuard: o.loopGuard } : {}),
    maxBacklogMs: o.maxBacklogMs ?? 10_000,
    workerId: 'w1',
    batch: 10,
    leaseMs: 30_000,
    mediaConcurrency: 2,
    mediaTimeoutMs: 1000,
    onError: (err) => failures.push(err),
  });
  return { clock, messages, parts, numbers, services, jobs, events, media, carrier, internal, failures, pipeline };
}
type Harness = ReturnType<typeof setup>;

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Runs the pipeline until a claim finds nothing due (the clock stands still, so retries and later slots
 * stay in the future) and `also` holds, then stops it: no timer outlives the test.
 */
async function drain(h: Harness, also: () => boolean = () => true): Promise<void> {
  const from = h.messages.claims.length;
  h.pipeline.start();
  try {
    await until(() => h.messages.claims.slice(from).includes(0) && also(), 'the pipeline to go idle');
  } finally {
    await h.pipeline.stop();
    await h.pipeline.flushReports();
  }
}

const queued = (o: Partial<MessageRow>) => messageRow({ status: 'queued', run_at: T0, status_callback: CALLBACK, ...o });

test("queued -> sending -> sent: callbacks for the statuses Twilio posts (sent, not sending); the carrier's part ids are kept for receipts", async () => {
  const h = setup({ answer: (sms) => ({ kind: 'submitted', carrierIds: sms.segments > 1 ? ['P1', 'P2'] : [`C-${sms.sid}`] }) });
  h.messages.add(queued({ sid: A, body: 'y'.repeat(161), num_segments: 2 }), queued({ sid: B, status_callback: null }));
  await drain(h);
  const a = h.messages.get(A);
  assert.deepEqual([a.status, a.carrier, a.carrier_ids, a.date_sent, a.run_at, a.locked_by], ['sent', 'fake', '["P1","P2"]', T0, null, null]);
  assert.equal(h.messages.get(B).status, 'sent');
  assert.deepEqual(h.jobs.callbacks(), [`${A}:sent`], 'no callback for sending; a message without StatusCallback gets none');
  assert.deepEqual(h.events.emitted, ['message.status:sending', 'message.status:sending', 'message.status:sent', 'message.status:sent']);
  assert.deepEqual(
    h.carrier.submitted.map((s) => [s.sid, s.from, s.to, s.segments, s.encoding]),
    [
      [A, FROM, TO, 2, 'GSM-7'],
      [B, FROM, TO, 1, 'GSM-7'],
    ],
  );
  assert.deepEqual(
    h.parts.rows.map((p) => [p.carrier_id, p.message_sid, p.seq, p.total, p.status]),
    [
      ['P1', A, 1, 2, 'sent'],
      ['P2', A, 2, 2, 'sent'],
      [`C-${B}`, B, 1, 1, 'sent'],
    ],
  );
});

test("a carrier failure fails that message with the carrier's code and its callback; the rest of the batch is sent", async () => {
  const h = setup({
    answer: (sms) => (sms.sid === A ? { kind: 'failed', errorCode: 30007, errorMessage: 'Message filtered' } : { kind: 'submitted', carrierIds: [sms.sid] }),
  });
  h.messages.add(queued({ sid: A }), queued({ sid: B }));
  await drain(h);
  const a = h.messages.get(A);
  assert.deepEqual([a.status, a.error_code, a.error_message, a.run_at], ['failed', 30007, 'Message filtered', null]);
  assert.equal(h.messages.get(B).status, 'sent');
  assert.deepEqual(h.jobs.callbacks(), [`${A}:failed:30007`, `${B}:sent`]);
  assert.equal(h.parts.rows.length, 0, 'a carrier that reports by our SID needs no part rows');
});

test('retries: a carrier retry waits and uses an attempt, a free one does not; the 12th attempt fails 30008, an expired validity 30036', async () => {
  const answers: Record<string, SubmitResult> = {
    [A]: { kind: 'retry', delayMs: 3000, reason: 'timeout' },
    [B]: { kind: 'retry', delayMs: 3000, reason: 'throttled', free: true },
    [C]: { kind: 'retry', delayMs: 3000, reason: 'timeout' },
  };
  const h = setup({ answer: (sms) => answers[sms.sid] ?? { kind: 'retry', delayMs: 3000, reason: 'throttled', free: true } });
  const expired = sid('SM', 0xe);
  h.messages.add(
    queued({ sid: A }),
    queued({ sid: B }),
    messageRow({ sid: C, status: 'sending', run_at: T0, attempts: 12 }),
    queued({ sid: expired, status: 'sending', validity_period: 60, date_created: T0 - 30_000 }),
  );
  h.clock.advance(31_000); // a throttled message comes round again after its validity (60 s) ran out
  await drain(h);
  const now = T0 + 31_000;
  assert.deepEqual(
    [h.messages.get(A).status, h.messages.get(A).run_at, h.messages.get(A).attempts, h.messages.get(A).locked_by],
    ['sending', now + 3000, 1, null],
  );
  assert.deepEqual([h.messages.get(B).status, h.messages.get(B).run_at, h.messages.get(B).attempts], ['sending', now + 3000, 0]);
  assert.deepEqual([h.messages.get(C).status, h.messages.get(C).error_code, h.messages.get(C).error_message], ['failed', 30008, 'Unknown error: timeout']);
  const e = h.messages.get(expired);
  assert.deepEqual([e.status, e.error_code, e.error_message], ['failed', 30036, 'Validity Period Expired: throttled']);
  assert.ok(h.jobs.callbacks().includes(`${expired}:failed:30036`));
});

test('a queued message past its validity period fails 30036 before it reaches the carrier', async () => {
  const h = setup();
  h.messages.add(queued({ sid: A, validity_period: 60, date_created: T0 - 61_000 }));
  await drain(h);
  assert.deepEqual([h.messages.get(A).status, h.messages.get(A).error_code, h.messages.get(A).error_message], ['failed', 30036, 'Validity Period Expired']);
  assert.deepEqual(h.jobs.callbacks(), [`${A}:failed:30036`]);
  assert.equal(h.carrier.submitted.length, 0);
});

test('media that cannot be fetched fails its message with 12300 and a callback; an SMS of the same batch is not held', async () => {
  const h = setup();
  h.messages.add(queued({ sid: A, num_media: 1, media_urls: '["https://app.test/a.png"]' }), queued({ sid: B }));
  h.media.fail.set(A, { errorCode: 12300, message: 'Unsupported Content-Type text/html' });
  await drain(h);
  const a = h.messages.get(A);
  assert.deepEqual([a.status, a.error_code, a.error_message, a.run_at, a.locked_by], ['failed', 12300, 'Unsupported Content-Type text/html', null, null]);
  assert.deepEqual(
    h.carrier.submitted.map((s) => s.sid),
    [B],
  );
  assert.deepEqual(
    h.jobs.callbacks().filter((c) => c.startsWith(A)),
    [`${A}:failed:12300`],
  );
});

test('one message the store refuses does not hold its batch: the others are sent', async () => {
  const h = setup();
  h.messages.add(queued({ sid: A }), queued({ sid: B }), queued({ sid: C }));
  h.messages.refuse.add(B);
  await drain(h);
  assert.deepEqual(
    [A, B, C].map((s) => h.messages.get(s).status),
    ['sent', 'queued', 'sent'],
  );
  assert.deepEqual(
    h.carrier.submitted.map((s) => s.sid),
    [A, C],
  );
  assert.deepEqual(h.jobs.callbacks(), [`${A}:sent`, `${C}:sent`], "the refused batch's callbacks were rolled back with it");
  assert.ok(h.failures.length >= 2, 'the batch failure and the refused message are reported');
});

test('one message whose routing throws is retried alone; the rest of the batch is sent', async () => {
  const h = setup();
  h.messages.add(queued({ sid: A }), queued({ sid: B }));
  h.media.throwFor.add(A);
  await drain(h);
  assert.deepEqual([h.messages.get(A).status, h.messages.get(A).run_at, h.messages.get(A).locked_by], ['sending', T0 + 2000, null]);
  assert.equal(h.messages.get(B).status, 'sent');
  assert.equal(h.failures.length, 1);
});

test('a Messaging Service message gets a sender from the pool, kept sticky per recipient, and its pacing slot', async () => {
  const h = setup();
  const accepted = (s: string, to: string) =>
    messageRow({ sid: s, status: 'accepted', from_number: '', messaging_service_sid: SERVICE, to_number: to, status_callback: CALLBACK });
  h.services.sticky.set(`${SERVICE}|${TO}`, POOL[1]!);
  h.messages.schedule.set(POOL[1]!, T0 + 5000);
  h.messages.add(accepted(A, TO), accepted(B, '+14155550151'));
  await drain(h);
  const a = h.messages.get(A);
  assert.deepEqual([a.status, a.from_number, a.run_at], ['queued', POOL[1], T0 + 5000], 'the sticky sender, at its next free slot');
  const b = h.messages.get(B);
  assert.deepEqual([b.status, b.from_number], ['sent', POOL[0]], "the pool's pick for this recipient (a hash of the number), sent at once");
  assert.equal(h.services.sticky.get(`${SERVICE}|+14155550151`), POOL[0], 'the choice is remembered for the recipient');
  assert.equal(h.services.sticky.get(`${SERVICE}|${TO}`), POOL[1]);
  assert.deepEqual(h.jobs.callbacks(), [`${A}:queued`, `${B}:queued`, `${B}:sent`]);
});

test('a Messaging Service with no senders fails 21703; a full sender fails 21611', async () => {
  const h = setup({ maxBacklogMs: 1000 });
  h.messages.schedule.set(POOL[0]!, T0 + 60_000);
  h.messages.schedule.set(POOL[1]!, T0 + 60_000);
  h.messages.add(
    messageRow({ sid: A, status: 'accepted', from_number: '', messaging_service_sid: sid('MG', 2), status_callback: CALLBACK }),
    messageRow({ sid: B, status: 'scheduled', from_number: '', messaging_service_sid: SERVICE, status_callback: CALLBACK }),
  );
  await drain(h);
  assert.deepEqual(
    [h.messages.get(A).status, h.messages.get(A).error_code, h.messages.get(A).error_message],
    ['failed', 21703, 'Messaging Service has no senders'],
  );
  assert.deepEqual([h.messages.get(B).status, h.messages.get(B).error_code], ['failed', 21611]);
  assert.deepEqual(h.jobs.callbacks(), [`${A}:failed:21703`, `${B}:failed:21611`]);
});

test('a message to a number the platform owns is delivered internally: sent, then delivered, with both callbacks', async () => {
  const h = setup();
  h.messages.add(queued({ sid: A, to_number: OWNED_TO }));
  await drain(h, () => h.messages.get(A).status === 'delivered');
  assert.deepEqual(
    h.internal.map((m) => [m.sid, m.to_number]),
    [[A, OWNED_TO]],
  );
  assert.deepEqual([h.messages.get(A).carrier, h.messages.get(A).carrier_ids], ['internal', `["${A}"]`]);
  assert.equal(h.carrier.submitted.length, 0);
  assert.deepEqual(h.jobs.callbacks(), [`${A}:sent`, `${A}:delivered`]);
});

test('internal delivery between the same two numbers beyond the loop bound fails 14107, with its failed callback; nothing is delivered', async () => {
  const h = setup({ loopGuard: new LoopGuard({ limit: 2, windowMs: 30_000 }) });
  h.messages.add(queued({ sid: A, to_number: OWNED_TO }), queued({ sid: B, to_number: OWNED_TO }), queued({ sid: C, to_number: OWNED_TO }));
  await drain(h, () => h.messages.get(C).status === 'failed');
  assert.deepEqual(
    h.internal.map((m) => m.sid),
    [A, B],
  );
  const c = h.messages.get(C);
  assert.deepEqual([c.status, c.error_code], ['failed', 14107]);
  assert.ok(h.jobs.callbacks().includes(`${C}:failed:14107`));
});

test('a scheduled message is sent at its SendAt, not a moment before; a canceled one is never sent', async () => {
  const h = setup();
  const SEND_AT = T0 + 900_000;
  const scheduled = (s: string) =>
    messageRow({
      sid: s,
      status: 'scheduled',
      from_number: '',
      messaging_service_sid: SERVICE,
      to_number: TO,
      run_at: SEND_AT,
      send_at: SEND_AT,
      status_callback: CALLBACK,
    });
  h.messages.add(scheduled(A), scheduled(B));
  // B is canceled as the API does it (status canceled, no run_at): it must never reach the carrier.
  h.messages.add({ ...h.messages.get(B), status: 'canceled', run_at: null });
  h.clock.advance(899_999);
  await drain(h);
  assert.deepEqual(h.carrier.submitted, [], 'nothing before SendAt');
  assert.equal(h.messages.get(A).status, 'scheduled');
  h.clock.advance(1);
  await drain(h, () => h.messages.get(A).status === 'sent');
  assert.deepEqual(
    h.carrier.submitted.map((m: OutboundSms) => m.sid),
    [A],
  );
  h.clock.advance(3_600_000);
  await drain(h);
  assert.deepEqual(
    h.carrier.submitted.map((m: OutboundSms) => m.sid),
    [A],
    'the canceled message stays unsent',
  );
  assert.equal(h.messages.get(B).status, 'canceled');
});
