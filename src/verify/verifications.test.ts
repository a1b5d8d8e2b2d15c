import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, errors } from '../core/errors.js';
import { ManualClock } from '../core/test-support/clock.js';
import { RecordingOutbound } from '../messaging/test-support/fakes.js';
import type { VerifyServiceRow } from '../store/repositories/verify.js';
import { T0, sid, verifyServiceRow } from '../store/test-support/rows.js';
import type { VerifyCallOptions, VerifyCallSender } from './call.js';
import { CodeVault } from './codes.js';
import { MemoryVerifications } from './test-support/store.js';
import { VerificationsService, type StartInput } from './verifications.js';

const ACCOUNT = sid('AC', 1);
const SERVICE = sid('VA', 1);
const TO = '+14155550199';
const FIRST_NUMBER = '+14155550100';

class RecordingCalls implements VerifyCallSender {
  readonly calls: Array<{ to: string; text: string; ttsName: string | null; options: VerifyCallOptions | undefined }> = [];
  fail: Error | undefined;

  async call(_accountSid: string, to: string, text: string, ttsName: string | null, options?: VerifyCallOptions): Promise<{ sid: string }> {
    if (this.fail) throw this.fail;
    this.calls.push({ to, text, ttsName, options });
    return { sid: sid('CA', this.calls.length) };
  }
}

function setup(service: Partial<VerifyServiceRow> = {}) {
  const clock = new ManualClock(T0);
  const repo = new MemoryVerifications();
  const sms = new RecordingOutbound();
  const calls = new RecordingCalls();
  const row = verifyServiceRow({ sid: SERVICE, ...service });
  const sender = { first: FIRST_NUMBER as string | undefined };
  const vault = new CodeVault('unit-test-secret');
  const verifications = new VerificationsService({
    repo,
    sms,
    calls,
    clock,
    vault: async () => vault,
    findService: async (accountSid, serviceSid) => {
      if (accountSid !== ACCOUNT || serviceSid !== SERVICE) throw errors.notFound('Verify Service', serviceSid);
      return row;
    },
    firstNumber: async () => sender.first,
  });
  const start = (input: StartInput = {}) => verifications.start(ACCOUNT, SERVICE, { to: TO, channel: 'sms', ...input });
  const check = (code: string, o: { to?: string; verificationSid?: string } = { to: TO }) => verifications.check(ACCOUNT, SERVICE, { code, ...o });
  /** The code in the newest SMS. */
  const lastCode = () => /code is: (\w+)$/.exec(sms.created.at(-1)?.input.body ?? '')?.[1] ?? '';
  return { clock, repo, sms, calls, sender, verifications, start, check, lastCode };
}

async function rejectsWith(work: Promise<unknown>, code: number, status: number, message?: RegExp): Promise<void> {
  await assert.rejects(work, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.deepEqual([err.code, err.status], [code, status], err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test("start by SMS: a code of the service's length, sent from the account's first number, kept only hashed and sealed", async () => {
  const h = setup({ code_length: 8 });
  const { row, attempts } = await h.start();
  assert.match(row.sid, /^VE[0-9a-f]{32}$/);
  assert.deepEqual(
    [row.status, row.channel, row.to_number, row.locale, row.send_attempts, row.check_attempts, row.expires_at, row.lookup],
    ['pending', 'sms', TO, 'en', 1, 0, T0 + 600_000, '{}'],
  );
  const code = h.lastCode();
  assert.match(code, /^\d{8}$/);
  assert.deepEqual(h.sms.created, [
    { accountSid: ACCOUNT, input: { to: TO, from: FIRST_NUMBER, mediaUrls: [], body: `Your Acme verification code is: ${code}` } },
  ]);
  assert.ok(!row.code_hash.includes(code) && !(row.code_sealed ?? '').includes(code), 'the code is not stored in the clear');
  assert.deepEqual(
    attempts.map((a) => [a.channel, a.channel_sid, a.verification_sid]),
    [['sms', sid('SM', 1), row.sid]],
    'the attempt names the message that carried the code',
  );
});

test('starting again while pending re-sends the same code on the same verification; the sixth send is 60203', async () => {
  const h = setup();
  const first = await h.start();
  const code = h.lastCode();
  for (let send = 2; send <= 5; send++) {
    const again = await h.start();
    assert.deepEqual([again.row.sid, again.row.send_attempts, again.attempts.length, h.lastCode()], [first.row.sid, send, send, code]);
  }
  await rejectsWith(h.start(), 60203, 429);
  assert.equal(h.sms.created.length, 5, 'no sixth SMS');
});

test('check: a wrong code is pending (not an error), the right one approves and closes the verification', async () => {
  const h = setup();
  const { row } = await h.start();
  const wrong = await h.check('000000' === h.lastCode() ? '111111' : '000000');
  assert.deepEqual([wrong.status, wrong.check_attempts], ['pending', 1]);
  const right = await h.check(h.lastCode(), { verificationSid: row.sid });
  assert.deepEqual([right.status, right.check_attempts, right.open_key, right.code_sealed], ['approved', 2, null, null]);
  await rejectsWith(h.check(h.lastCode()), 20404, 404);
  await rejectsWith(h.verifications.fetch(ACCOUNT, SERVICE, row.sid), 20404, 404);
});

test('the fifth wrong code ends the verification (max_attempts_reached); later checks are 60202, even with the right code', async () => {
  const h = setup();
  const { row } = await h.start();
  const code = h.lastCode();
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 1; i < 5; i++) assert.equal((await h.check(wrong)).status, 'pending');
  assert.equal((await h.check(wrong)).status, 'max_attempts_reached');
  await rejectsWith(h.check(code), 60202, 429, /Max check attempts reached/);
  await rejectsWith(h.check(code, { verificationSid: row.sid }), 60202, 429);
  const next = await h.start();
  assert.notEqual(next.row.sid, row.sid, 'a new verification can start');
});

test('a code expires with its lifetime: checks and fetches are 20404, and the next start is a new verification', async () => {
  const h = setup({ code_lifetime: 60 });
  const { row } = await h.start();
  const code = h.lastCode();
  h.clock.advance(59_999);
  assert.equal((await h.verifications.fetch(ACCOUNT, SERVICE, row.sid)).row.sid, row.sid);
  h.clock.advance(1);
  await rejectsWith(h.check(code), 20404, 404);
  await rejectsWith(h.verifications.fetch(ACCOUNT, SERVICE, row.sid), 20404, 404);
  const next = await h.start();
  assert.notEqual(next.row.sid, row.sid);
  assert.equal(h.repo.rows.get(row.sid)?.status, 'expired');
});

test('Channel, To, Locale and Code are checked with 60200 before anything is sent', async () => {
  const h = setup();
  await rejectsWith(h.start({ channel: undefined }), 60200, 400, /`Channel`: is required/);
  await rejectsWith(h.start({ channel: 'email' }), 60200, 400, /email is not available on Switchboard/);
  await rejectsWith(h.start({ channel: 'fax' }), 60200, 400, /must be sms or call/);
  await rejectsWith(h.start({ to: '4155550199' }), 60200, 400, /`To`: 4155550199 is not a phone number in E.164 format/);
  await rejectsWith(h.start({ locale: 'xx' }), 60200, 400, /`Locale`/);
  await rejectsWith(h.start({ customCode: '1234' }), 60200, 400, /CustomCodeEnabled/);
  await rejectsWith(h.check(''), 60200, 400, /`Code`: is required/);
  await rejectsWith(h.check('123'), 60200, 400, /4 to 10 characters/);
  await rejectsWith(h.check('123456', {}), 60200, 400, /either To or VerificationSid/);
  assert.deepEqual([h.repo.rows.size, h.sms.created.length], [0, 0]);
});

test("the SMS sender: the service's Messaging Service, else the first number, else 21603 with nothing started", async () => {
  const withService = setup({ messaging_service_sid: sid('MG', 1) });
  await withService.start();
  assert.deepEqual(
    withService.sms.created.map((c) => [c.input.messagingServiceSid, c.input.from]),
    [[sid('MG', 1), undefined]],
  );
  const none = setup();
  none.sender.first = undefined;
  await rejectsWith(none.start(), 21603, 400);
  assert.equal(none.repo.rows.size, 0);
});

test("by call: the code is spoken with the service's voice settings; a channel that fails leaves nothing behind", async () => {
  const h = setup({ tts_name: 'Polly.Joanna', dtmf_input_required: 1 });
  const { row, attempts } = await h.start({ channel: 'call', locale: 'fr' });
  assert.equal(h.calls.calls.length, 1);
  const [call] = h.calls.calls;
  assert.deepEqual([call?.to, call?.ttsName, call?.options], [TO, 'Polly.Joanna', { dtmfInputRequired: true, locale: 'fr' }]);
  assert.match(call?.text ?? '', /^Votre code de vérification Acme est : (\d, ){5}\d\. Je répète/);
  assert.deepEqual(
    attempts.map((a) => [a.channel, a.channel_sid]),
    [['call', sid('CA', 1)]],
  );
  h.calls.fail = errors.verifyCallUnavailable();
  await rejectsWith(h.start({ channel: 'call' }), 60200, 400);
  assert.equal(h.repo.rows.get(row.sid)?.send_attempts, 1, 'a failed re-send gives its count back');
  const fresh = setup();
  fresh.calls.fail = errors.verifyCallUnavailable();
  await rejectsWith(fresh.start({ channel: 'call' }), 60200, 400);
  assert.equal(fresh.repo.rows.size, 0, 'a failed first send removes the verification');
});

test('cancel and approve by update end a pending verification; any other status is 60200', async () => {
  const h = setup();
  const { row } = await h.start();
  await rejectsWith(h.verifications.update(ACCOUNT, SERVICE, row.sid, 'pending'), 60200, 400);
  const canceled = await h.verifications.update(ACCOUNT, SERVICE, row.sid, 'canceled');
  assert.deepEqual([canceled.row.status, canceled.row.open_key], ['canceled', null]);
  await rejectsWith(h.verifications.update(ACCOUNT, SERVICE, row.sid, 'approved'), 20404, 404);
  await rejectsWith(h.check(h.lastCode()), 20404, 404);
});

test('the locale follows the To country, and a custom code (when enabled) is the code sent and checked', async () => {
  const h = setup({ custom_code_enabled: 1 });
  const german = await h.start({ to: '+4915123456789' });
  assert.equal(german.row.locale, 'de');
  assert.match(h.sms.created.at(-1)?.input.body ?? '', /^Ihr Acme Verifizierungscode lautet: \d{6}$/);
  await h.start({ customCode: 'ab12CD' });
  assert.equal(h.lastCode(), 'ab12CD');
  assert.equal((await h.check('ab12CD')).status, 'approved');
});
