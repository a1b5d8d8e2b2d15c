import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './support/harness.js';
import { codesIn, ManualClock, post, twilioError, wrong } from './support/verify.js';

let s: TestServer;
const clock = new ManualClock();
const SHOP = '+15017122662';

before(async () => {
  s = await startTestServer({ mpsLongCode: 100 }, {}, { clock });
  await s.client.incomingPhoneNumbers.create({ phoneNumber: SHOP });
});
after(async () => {
  await s.close();
});

async function newService(name: string, extra: Record<string, string> = {}): Promise<string> {
  const r = await post(s, '/verify/v2/Services', { FriendlyName: name, ...extra });
  assert.equal(r.status, 201);
  return r.body.sid as string;
}

const start = (service: string, to: string) => post(s, `/verify/v2/Services/${service}/Verifications`, { To: to, Channel: 'sms' });
const check = (service: string, to: string, code: string) => post(s, `/verify/v2/Services/${service}/VerificationCheck`, { To: to, Code: code });
const tally = (results: { status: number; body: Record<string, unknown> }[]) => {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.status < 300 ? `${r.status} ${String(r.body.status)}` : `${r.status} ${String(r.body.code)}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
};

test('five checks per verification: the fifth wrong code ends it, the sixth check is 60202 even with the right code', async () => {
  const service = await newService('Five');
  const USER = '+15558675320';
  const v = s.client.verify.v2.services(service);
  await v.verifications.create({ to: USER, channel: 'sms' });
  const [code] = await codesIn(s, USER, 'Five');
  for (let i = 1; i <= 4; i++) assert.equal((await v.verificationChecks.create({ to: USER, code: wrong(code!) })).status, 'pending');
  assert.equal((await v.verificationChecks.create({ to: USER, code: wrong(code!) })).status, 'max_attempts_reached');
  await assert.rejects(v.verificationChecks.create({ to: USER, code: code! }), twilioError(60202, 429));
  // The To is free again: a new verification with a new code can be started and approved.
  const fresh = await v.verifications.create({ to: USER, channel: 'sms' });
  const codes = await codesIn(s, USER, 'Five', 2);
  assert.equal((await v.verificationChecks.create({ verificationSid: fresh.sid, code: codes[0]! })).status, 'approved');
});

test('20 parallel wrong checks: exactly 5 are evaluated, 15 are 60202', async () => {
  const service = await newService('Race');
  const USER = '+15558675321';
  assert.equal((await start(service, USER)).status, 201);
  const [code] = await codesIn(s, USER, 'Race');
  const results = await Promise.all(Array.from({ length: 20 }, () => check(service, USER, wrong(code!))));
  assert.deepEqual(tally(results), { '200 pending': 4, '200 max_attempts_reached': 1, '429 60202': 15 });
});

test('20 parallel creates for one To: one verification, exactly 5 sends of one code, 15 are 60203; other Tos and services unaffected', async () => {
  const service = await newService('Flood');
  const USER = '+15558675322';
  const results = await Promise.all(Array.from({ length: 20 }, () => start(service, USER)));
  assert.deepEqual(tally(results), { '201 pending': 5, '429 60203': 15 });
  assert.equal(new Set(results.filter((r) => r.status === 201).map((r) => r.body.sid)).size, 1);
  const sendCounts = results.filter((r) => r.status === 201).map((r) => (r.body.send_code_attempts as unknown[]).length);
  assert.equal(Math.max(...sendCounts), 5);
  const codes = await codesIn(s, USER, 'Flood', 5);
  assert.equal(codes.length, 5);
  assert.equal(new Set(codes).size, 1, 'every send carried the same code');

  assert.equal((await start(service, '+15558675323')).status, 201, 'another To of the same service');
  assert.equal((await start(await newService('Other'), USER)).status, 201, 'the same To in another service');
});

test('expiry: after 10 minutes the code is gone (20404) and a new create sends a new verification', async () => {
  const service = await newService('Clock');
  const USER = '+15558675324';
  const v = s.client.verify.v2.services(service);
  const first = await v.verifications.create({ to: USER, channel: 'sms' });
  const [code] = await codesIn(s, USER, 'Clock');
  clock.advance(9 * 60_000);
  assert.equal((await v.verifications(first.sid).fetch()).status, 'pending', 'still valid at 9 minutes');
  clock.advance(60_000 + 1);
  await assert.rejects(v.verificationChecks.create({ to: USER, code: code! }), twilioError(20404, 404));
  await assert.rejects(v.verifications(first.sid).fetch(), twilioError(20404, 404));
  const second = await v.verifications.create({ to: USER, channel: 'sms' });
  assert.notEqual(second.sid, first.sid);
  assert.equal(second.sendCodeAttempts.length, 1);
});

test("Switchboard.CodeLifetime sets a service's code lifetime", async () => {
  const service = await newService('Short', { 'Switchboard.CodeLifetime': '30' });
  const USER = '+15558675325';
  const v = s.client.verify.v2.services(service);
  await v.verifications.create({ to: USER, channel: 'sms' });
  const [code] = await codesIn(s, USER, 'Short');
  clock.advance(31_000);
  await assert.rejects(v.verificationChecks.create({ to: USER, code: code! }), twilioError(20404, 404));
  const bad = await post(s, '/verify/v2/Services', { FriendlyName: 'Bad', 'Switchboard.CodeLifetime': '0' });
  assert.deepEqual([bad.status, bad.body.code], [400, 60200]);
});
