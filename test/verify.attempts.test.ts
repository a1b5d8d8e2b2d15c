import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';
import { codesIn, get, twilioError } from './support/verify.js';

let s: TestServer;
const SHOP = '+15017122661';
const SPEC = 'twilio_verify_v2.json';

before(async () => {
  s = await startTestServer({ mpsLongCode: 100 });
  await s.client.incomingPhoneNumbers.create({ phoneNumber: SHOP });
});
after(async () => {
  await s.close();
});

test('Verification Attempts with the official SDK: one per send, converted after approval, filters, spec, account scope', async () => {
  const USER = '+15558675320';
  const OTHER = '+15558675321';
  const service = await s.client.verify.v2.services.create({ friendlyName: 'Acme' });
  const verifications = s.client.verify.v2.services(service.sid).verifications;
  const started = await verifications.create({ to: USER, channel: 'sms' });
  await verifications.create({ to: USER, channel: 'sms' }); // the resend: same verification, a second attempt
  const pending = await verifications.create({ to: OTHER, channel: 'sms' });
  const [code] = await codesIn(s, USER, 'Acme', 2);
  const sent = (await verifications(started.sid).fetch()).sendCodeAttempts as Array<{ attempt_sid: string }>;

  const before = await s.client.verify.v2.verificationAttempts.list({ verificationSid: started.sid });
  assert.deepEqual(
    before.map((a) => a.sid),
    sent.map((a) => a.attempt_sid).reverse(),
    'newest first, the sends of the verification',
  );
  assert.ok(before.every((a) => a.conversionStatus === 'unconverted'));

  const hit = await s.client.verify.v2.services(service.sid).verificationChecks.create({ to: USER, code: code! });
  assert.equal(hit.status, 'approved');

  const all = await s.client.verify.v2.verificationAttempts.list({ verifyServiceSid: service.sid });
  assert.equal(all.length, 3);
  const mine = all.filter((a) => a.verificationSid === started.sid);
  assert.equal(mine.length, 2);
  for (const a of mine) {
    assert.match(a.sid, /^VL[0-9a-f]{32}$/);
    assert.deepEqual([a.channel, a.conversionStatus, a.serviceSid, a.accountSid], ['sms', 'converted', service.sid, s.accountSid]);
    assert.equal((a.channelData as { to: string }).to, USER);
    assert.equal(a.price, null);
  }
  const fetched = await s.client.verify.v2.verificationAttempts(mine[0]!.sid).fetch();
  assert.deepEqual([fetched.sid, fetched.conversionStatus, fetched.verificationSid], [mine[0]!.sid, 'converted', started.sid]);

  // Filters.
  const list = (o: Parameters<typeof s.client.verify.v2.verificationAttempts.list>[0]) =>
    s.client.verify.v2.verificationAttempts.list({ verifyServiceSid: service.sid, ...o }).then((r) => r.map((a) => a.verificationSid));
  assert.deepEqual(await list({ status: 'converted' }), [started.sid, started.sid]);
  assert.deepEqual(await list({ status: 'unconverted' }), [pending.sid]);
  assert.deepEqual(await list({ 'channelData.to': OTHER }), [pending.sid]);
  assert.deepEqual(await list({ channel: 'call' }), []);
  assert.deepEqual((await list({ channel: 'sms' })).length, 3);
  assert.deepEqual(await list({ dateCreatedAfter: new Date(Date.now() + 60_000) }), []);
  assert.deepEqual((await list({ dateCreatedBefore: new Date(Date.now() + 60_000) })).length, 3);
  const paged = await s.client.verify.v2.verificationAttempts.page({ verifyServiceSid: service.sid, pageSize: 2 });
  assert.equal(paged.instances.length, 2);
  const rest = await paged.nextPage();
  assert.equal(rest?.instances.length, 1);

  // Against the spec, raw.
  const raw = await get(s, `/verify/v2/Attempts?VerifyServiceSid=${service.sid}&PageSize=2`);
  assert.equal(raw.status, 200);
  for (const a of raw.body.attempts as unknown[]) assert.deepEqual(validateAgainstSpec(SPEC, 'verify.v2.verification_attempt', a), []);
  const one = await get(s, `/verify/v2/Attempts/${mine[0]!.sid}`);
  assert.deepEqual(validateAgainstSpec(SPEC, 'verify.v2.verification_attempt', one.body), []);
  assert.deepEqual((raw.body.meta as { key: string }).key, 'attempts');
  assert.equal((await get(s, '/verify/v2/Attempts?Status=maybe')).status, 400);

  // Another account sees none of them.
  const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'Other team' });
  const other = s.clientFor(sub.sid, sub.authToken);
  assert.deepEqual(await other.verify.v2.verificationAttempts.list({}), []);
  await assert.rejects(other.verify.v2.verificationAttempts(mine[0]!.sid).fetch(), twilioError(20404, 404));
});
