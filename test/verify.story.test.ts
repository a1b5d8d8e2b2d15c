import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';
import { codesIn, get, inbox, post, twilioError, wrong } from './support/verify.js';

let s: TestServer;
const SHOP = '+15017122661';
const SPEC = 'twilio_verify_v2.json';
// A Service carries Switchboard's documented extension settings (docs/verify.md) under `switchboard`.
const schemaErrors = (schema: string, body: unknown) =>
  validateAgainstSpec(SPEC, `verify.v2.${schema}`, body, schema === 'service' ? { extra: ['switchboard'] } : {});

before(async () => {
  // A fast sender, so the re-sent codes land without waiting on one-message-a-second pacing.
  s = await startTestServer({ mpsLongCode: 100 });
  await s.client.incomingPhoneNumbers.create({ phoneNumber: SHOP });
});
after(async () => {
  await s.close();
});

test('2FA sign-in with the official SDK: code by SMS, wrong code pending, right code approved, reuse refused', async () => {
  const USER = '+15558675310';
  const service = await s.client.verify.v2.services.create({ friendlyName: 'Acme' });
  assert.match(service.sid, /^VA[0-9a-f]{32}$/);
  assert.equal(service.codeLength, 6);
  const verifications = s.client.verify.v2.services(service.sid).verifications;
  const started = await verifications.create({ to: USER, channel: 'sms' });
  assert.match(started.sid, /^VE[0-9a-f]{32}$/);
  assert.deepEqual([started.status, started.valid, started.channel, started.to], ['pending', false, 'sms', USER]);
  assert.equal(started.sendCodeAttempts.length, 1);

  const [code] = await codesIn(s, USER, 'Acme');
  assert.match(code!, /^\d{6}$/);
  assert.equal((await inbox(s, USER))[0]!.peer, SHOP, "sent from the account's number");

  const checks = s.client.verify.v2.services(service.sid).verificationChecks;
  const miss = await checks.create({ to: USER, code: wrong(code!) });
  assert.deepEqual([miss.status, miss.valid, miss.sid], ['pending', false, started.sid]);
  const hit = await checks.create({ to: USER, code: code! });
  assert.deepEqual([hit.status, hit.valid], ['approved', true]);

  await assert.rejects(checks.create({ to: USER, code: code! }), twilioError(20404, 404));
  await assert.rejects(verifications(started.sid).fetch(), twilioError(20404, 404));
});

test('a create while a code is pending re-sends the same code; the sixth send is 60203; cancel ends it', async () => {
  const USER = '+15558675311';
  const service = await s.client.verify.v2.services.create({ friendlyName: 'Acme' });
  const verifications = s.client.verify.v2.services(service.sid).verifications;
  const first = await verifications.create({ to: USER, channel: 'sms' });
  const second = await verifications.create({ to: USER, channel: 'sms' });
  assert.equal(second.sid, first.sid);
  assert.equal(second.sendCodeAttempts.length, 2);
  const codes = await codesIn(s, USER, 'Acme', 2);
  assert.equal(codes[0], codes[1], 'the same code both times');

  for (let i = 3; i <= 5; i++) assert.equal((await verifications.create({ to: USER, channel: 'sms' })).sendCodeAttempts.length, i);
  await assert.rejects(verifications.create({ to: USER, channel: 'sms' }), twilioError(60203, 429));

  const canceled = await verifications(first.sid).update({ status: 'canceled' });
  assert.deepEqual([canceled.status, canceled.valid], ['canceled', false]);
  await assert.rejects(verifications(first.sid).fetch(), twilioError(20404, 404));
  await assert.rejects(verifications(first.sid).update({ status: 'approved' }), twilioError(20404, 404));
  // A canceled verification frees the To: the next create starts afresh.
  const again = await verifications.create({ to: USER, channel: 'sms' });
  assert.notEqual(again.sid, first.sid);
  assert.equal(again.sendCodeAttempts.length, 1);
});

test("every response validates against Twilio's spec, and the Switchboard extensions read back", async () => {
  const USER = '+15558675312';
  const created = await post(s, '/verify/v2/Services', {
    FriendlyName: 'Spec Co',
    CodeLength: '8',
    DtmfInputRequired: 'true',
    TtsName: 'alice',
    'Switchboard.CodeLifetime': '300',
  });
  assert.equal(created.status, 201);
  assert.deepEqual(schemaErrors('service', created.body), []);
  assert.deepEqual([created.body.code_length, created.body.dtmf_input_required, created.body.tts_name], [8, true, 'alice']);
  assert.deepEqual(created.body.switchboard, { code_lifetime: 300, messaging_service_sid: null });
  const sid = created.body.sid as string;
  assert.equal(created.body.url, `${s.url}/verify/v2/Services/${sid}`);

  const fetched = await get(s, `/verify/v2/Services/${sid}`);
  assert.deepEqual(schemaErrors('service', fetched.body), []);
  const updated = await post(s, `/verify/v2/Services/${sid}`, {
    FriendlyName: 'Spec Co 2',
    LookupEnabled: 'true',
    SkipSmsToLandlines: 'true',
    CustomCodeEnabled: 'true',
  });
  assert.deepEqual([updated.status, updated.body.friendly_name, updated.body.lookup_enabled, updated.body.code_length], [200, 'Spec Co 2', true, 8]);
  const list = await get(s, '/verify/v2/Services?PageSize=2');
  assert.equal((list.body.meta as { key: string }).key, 'services');
  for (const item of list.body.services as unknown[]) assert.deepEqual(schemaErrors('service', item), []);

  const started = await post(s, `/verify/v2/Services/${sid}/Verifications`, { To: USER, Channel: 'sms' });
  assert.equal(started.status, 201);
  assert.deepEqual(schemaErrors('service.verification', started.body), []);
  assert.deepEqual([started.body.amount, started.body.payee, started.body.sna], [null, null, null]);
  // +1 555 numbers are fictional: Lookup calls them invalid, and the carrier object says so (60600), as Twilio's would.
  assert.deepEqual(started.body.lookup, { carrier: { mobile_country_code: null, type: null, error_code: 60600, mobile_network_code: null, name: null } });
  const attempts = started.body.send_code_attempts as { channel: string; attempt_sid: string; time: string }[];
  assert.equal(attempts[0]!.channel, 'SMS');
  assert.match(attempts[0]!.attempt_sid, /^VL[0-9a-f]{32}$/);
  const vsid = started.body.sid as string;
  assert.equal(started.body.url, `${s.url}/verify/v2/Services/${sid}/Verifications/${vsid}`);
  const [code] = await codesIn(s, USER, 'Spec Co 2');
  assert.equal(code!.length, 8);

  const fetchedV = await get(s, `/verify/v2/Services/${sid}/Verifications/${vsid}`);
  assert.deepEqual(schemaErrors('service.verification', fetchedV.body), []);
  const miss = await post(s, `/verify/v2/Services/${sid}/VerificationCheck`, { VerificationSid: vsid, Code: wrong(code!) });
  assert.equal(miss.status, 200);
  assert.deepEqual(schemaErrors('service.verification_check', miss.body), []);
  const hit = await post(s, `/verify/v2/Services/${sid}/VerificationCheck`, { VerificationSid: vsid, Code: code! });
  assert.deepEqual([hit.status, hit.body.status, hit.body.valid, hit.body.sna_attempts_error_codes], [200, 'approved', true, []]);
  assert.deepEqual(schemaErrors('service.verification_check', hit.body), []);

  const another = await post(s, `/verify/v2/Services/${sid}/Verifications`, { To: USER, Channel: 'sms', CustomCode: '8421' });
  const approved = await post(s, `/verify/v2/Services/${sid}/Verifications/${another.body.sid as string}`, { Status: 'approved' });
  assert.deepEqual([approved.status, approved.body.status, approved.body.valid], [200, 'approved', true]);
  assert.deepEqual(schemaErrors('service.verification', approved.body), []);

  const deleted = await s.fetch(`/verify/v2/Services/${sid}`, { method: 'DELETE' });
  assert.equal(deleted.status, 204);
  assert.equal((await get(s, `/verify/v2/Services/${sid}`)).status, 404);
});

test('custom codes, checks by VerificationSid, locale by the To country, landlines skipped', async () => {
  const service = await s.client.verify.v2.services.create({ friendlyName: 'Acme', customCodeEnabled: true, lookupEnabled: true, skipSmsToLandlines: true });
  const v = s.client.verify.v2.services(service.sid);
  const DE_MOBILE = '+4915123456789';
  const started = await v.verifications.create({ to: DE_MOBILE, channel: 'sms', customCode: '4711' });
  assert.equal((started.lookup as { carrier: { type: string } }).carrier.type, 'mobile');
  const body = await eventually(async () => (await inbox(s, DE_MOBILE))[0]?.body);
  assert.equal(body, 'Ihr Acme Verifizierungscode lautet: 4711');
  const english = await v.verifications.create({ to: '+15558675313', channel: 'sms', customCode: '4712', locale: 'en' });
  assert.equal(english.status, 'pending');
  const hit = await v.verificationChecks.create({ verificationSid: started.sid, code: '4711' });
  assert.equal(hit.status, 'approved');

  await assert.rejects(v.verifications.create({ to: '+493012345678', channel: 'sms' }), twilioError(60205, 400));
  const plain = await s.client.verify.v2.services.create({ friendlyName: 'Plain' });
  await assert.rejects(
    s.client.verify.v2.services(plain.sid).verifications.create({ to: DE_MOBILE, channel: 'sms', customCode: '4711' }),
    twilioError(60200, 400),
  );
});

test('invalid input is 60200; an unknown service is 20404', async () => {
  await assert.rejects(s.client.verify.v2.services.create({ friendlyName: 'A name far longer than thirty characters' }), twilioError(60200, 400));
  await assert.rejects(s.client.verify.v2.services.create({ friendlyName: 'Acme', codeLength: 11 }), twilioError(60200, 400));
  await assert.rejects(s.client.verify.v2.services.create({ friendlyName: 'Acme', codeLength: 3 }), twilioError(60200, 400));
  const service = await s.client.verify.v2.services.create({ friendlyName: 'Acme' });
  const v = s.client.verify.v2.services(service.sid);
  await assert.rejects(v.verifications.create({ to: '5558675310', channel: 'sms' }), twilioError(60200, 400));
  await assert.rejects(v.verifications.create({ to: 'someone@example.com', channel: 'sms' }), twilioError(60200, 400));
  await assert.rejects(v.verifications.create({ to: '+15558675314', channel: 'pigeon' }), twilioError(60200, 400));
  await assert.rejects(v.verifications.create({ to: '+15558675314', channel: 'email' }), twilioError(60200, 400));
  await assert.rejects(v.verifications.create({ to: '+15558675314', channel: 'sms', locale: 'xx' }), twilioError(60200, 400));
  // The refused requests left nothing behind: an SMS to the same To is a first send. (The call channel is
  // tested with voice, in test/voice.api.test.ts.)
  assert.equal((await v.verifications.create({ to: '+15558675314', channel: 'sms' })).sendCodeAttempts.length, 1);
  await assert.rejects(v.verificationChecks.create({ code: '123456' }), twilioError(60200, 400));
  await assert.rejects(v.verificationChecks.create({ to: '+15558675399', code: '123456' }), twilioError(20404, 404));
  await assert.rejects(
    s.client.verify.v2.services(`VA${'0'.repeat(32)}`).verifications.create({ to: '+15558675314', channel: 'sms' }),
    twilioError(20404, 404),
  );
});

test("the sender: the service's Messaging Service when set, none at all is a clear 21603", async () => {
  const mg = await s.client.messaging.v1.services.create({ friendlyName: 'OTP pool' });
  const [number] = await s.client.incomingPhoneNumbers.list({ phoneNumber: SHOP });
  await s.client.messaging.v1.services(mg.sid).phoneNumbers.create({ phoneNumberSid: number!.sid });
  const created = await post(s, '/verify/v2/Services', { FriendlyName: 'Pooled', 'Switchboard.MessagingServiceSid': mg.sid });
  assert.equal(created.status, 201);
  const USER = '+15558675315';
  await s.client.verify.v2.services(created.body.sid as string).verifications.create({ to: USER, channel: 'sms' });
  await codesIn(s, USER, 'Pooled');
  const [sent] = await s.client.messages.list({ to: USER, limit: 1 });
  assert.equal(sent!.messagingServiceSid, mg.sid);
  const bad = await post(s, '/verify/v2/Services', { FriendlyName: 'Pooled', 'Switchboard.MessagingServiceSid': `MG${'0'.repeat(32)}` });
  assert.equal(bad.body.code, 60200);

  const sub = await s.client.api.accounts.create({ friendlyName: 'no numbers' });
  const subClient = s.clientFor(sub.sid, sub.authToken);
  const lonely = await subClient.verify.v2.services.create({ friendlyName: 'Lonely' });
  await assert.rejects(subClient.verify.v2.services(lonely.sid).verifications.create({ to: USER, channel: 'sms' }), twilioError(21603, 400));
});
