import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../core/errors.js';
import type { AccountSid } from '../core/sid.js';
import { ManualClock } from '../core/test-support/clock.js';
import { MemoryApplications, MemoryPhoneNumbers } from '../store/test-support/memory.js';
import { T0, applicationRow, phoneNumberRow, sid } from '../store/test-support/rows.js';
import type { NumberPool, NumberType, PoolNumber } from './pool.js';
import { NumbersService } from './service.js';

const ACCOUNT = sid('AC', 1) as AccountSid;
const OTHER = sid('AC', 2) as AccountSid;
const APP = sid('AP', 1);

/** A pool of listed numbers, offered in order (a FilePool in miniature). */
class ListedPool implements NumberPool {
  readonly numbers: PoolNumber[];

  constructor(...numbers: string[]) {
    this.numbers = numbers.map((n) => ({
      phoneNumber: n,
      isoCountry: n.startsWith('+44') ? 'GB' : 'US',
      type: n.startsWith('+1800') ? 'tollfree' : 'local',
      region: null,
    }));
  }

  candidates(country: string, type: NumberType, opts: { areaCode?: string | undefined; limit: number; skip: Set<string> }): PoolNumber[] {
    return this.numbers
      .filter(
        (n) =>
          n.isoCountry === country && n.type === type && !opts.skip.has(n.phoneNumber) && (!opts.areaCode || n.phoneNumber.startsWith(`+1${opts.areaCode}`)),
      )
      .slice(0, opts.limit);
  }

  describe(phoneNumber: string): PoolNumber | undefined {
    return this.numbers.find((n) => n.phoneNumber === phoneNumber);
  }

  countries(): string[] {
    return ['GB', 'US'];
  }
}

function setup() {
  const clock = new ManualClock(T0);
  const numbers = new MemoryPhoneNumbers(phoneNumberRow({ sid: sid('PN', 9), account_sid: OTHER, phone_number: '+14155550101' }));
  const pool = new ListedPool('+14155550101', '+14155550102', '+14155550103', '+16285550100', '+447700900123', '+18005550100');
  const service = new NumbersService({ numbers, pool, clock, applications: new MemoryApplications(applicationRow({ sid: APP })) });
  return { clock, numbers, pool, service };
}

async function rejectsWith(work: Promise<unknown>, code: number, status = 400, message?: string): Promise<void> {
  await assert.rejects(work, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.deepEqual([err.code, err.status], [code, status], err.message);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

test("buying a number from the pool: Twilio's defaults, the friendly format, the given URLs", async () => {
  const { service, numbers, clock } = setup();
  clock.advance(1000);
  const row = await service.purchase(ACCOUNT, { phoneNumber: '+1 (415) 555-0102', smsUrl: 'https://app.test/sms', voiceCallerIdLookup: true });
  assert.match(row.sid, /^PN[0-9a-f]{32}$/);
  assert.deepEqual(
    [row.account_sid, row.phone_number, row.friendly_name, row.iso_country, row.number_type],
    [ACCOUNT, '+14155550102', '(415) 555-0102', 'US', 'local'],
  );
  assert.deepEqual(
    [row.sms_url, row.sms_method, row.voice_url, row.voice_method, row.voice_caller_id_lookup, row.date_created],
    ['https://app.test/sms', 'POST', null, 'POST', 1, T0 + 1000],
  );
  assert.deepEqual(await numbers.findByNumber('+14155550102'), row);
  const uk = await service.purchase(ACCOUNT, { phoneNumber: '+447700900123', friendlyName: 'London' });
  assert.deepEqual([uk.iso_country, uk.friendly_name], ['GB', 'London']);
});

test('a number outside the pool or already owned is 21422; an impossible number 21421; neither PhoneNumber nor AreaCode 21451', async () => {
  const { service, numbers } = setup();
  await rejectsWith(service.purchase(ACCOUNT, { phoneNumber: '+14155550199' }), 21422, 400, 'PhoneNumber +14155550199 is not available');
  await rejectsWith(service.purchase(ACCOUNT, { phoneNumber: '+14155550101' }), 21422); // another account's
  await rejectsWith(service.purchase(ACCOUNT, { phoneNumber: '12' }), 21421, 400, 'PhoneNumber 12 is invalid');
  await rejectsWith(service.purchase(ACCOUNT, {}), 21451);
  assert.equal(numbers.rows.size, 1, 'nothing was bought');
});

test('buying by AreaCode takes the first free number there; a malformed one is 20001, an exhausted one 21452', async () => {
  const { service } = setup();
  assert.equal((await service.purchase(ACCOUNT, { areaCode: '415' })).phone_number, '+14155550102', 'the owned +14155550101 is skipped');
  assert.equal((await service.purchase(ACCOUNT, { areaCode: '415' })).phone_number, '+14155550103');
  await rejectsWith(service.purchase(ACCOUNT, { areaCode: '415' }), 21452, 400, 'No phone numbers found in area code 415');
  await rejectsWith(service.purchase(ACCOUNT, { areaCode: '41' }), 20001);
});

test('available numbers leave out owned ones and apply Contains (keypad letters, * for any digit) and the limit', async () => {
  const { service } = setup();
  const all = await service.available('US', 'local', { limit: 10 });
  assert.deepEqual(
    all.map((n) => n.phoneNumber),
    ['+14155550102', '+14155550103', '+16285550100'],
  );
  assert.deepEqual(
    (await service.available('US', 'local', { contains: '*28', limit: 10 })).map((n) => n.phoneNumber),
    ['+16285550100'],
  );
  assert.deepEqual(
    (await service.available('US', 'local', { contains: 'JKL0103', limit: 10 })).map((n) => n.phoneNumber),
    ['+14155550103'],
    'JKL is 555',
  );
  assert.deepEqual(
    (await service.available('US', 'local', { limit: 1 })).map((n) => n.phoneNumber),
    ['+14155550102'],
  );
  assert.deepEqual(
    (await service.available('US', 'tollfree', { limit: 5 })).map((n) => n.phoneNumber),
    ['+18005550100'],
  );
});

test("application SIDs must be the account's own (21218), on purchase and on update", async () => {
  const { service } = setup();
  await rejectsWith(service.purchase(ACCOUNT, { phoneNumber: '+14155550102', voiceApplicationSid: sid('AP', 2) }), 21218, 400, 'Invalid VoiceApplicationSid');
  const row = await service.purchase(ACCOUNT, { phoneNumber: '+14155550102', smsApplicationSid: APP });
  assert.equal(row.sms_application_sid, APP);
  await rejectsWith(service.update(ACCOUNT, row.sid, { smsApplicationSid: sid('AP', 3) }), 21218, 400, 'Invalid SmsApplicationSid');
});

test("update changes only what is given; another account's number is 20404", async () => {
  const { service, numbers, clock } = setup();
  const row = await service.purchase(ACCOUNT, { phoneNumber: '+14155550102', smsUrl: 'https://app.test/sms', voiceUrl: 'https://app.test/voice' });
  clock.advance(5000);
  const updated = await service.update(ACCOUNT, row.sid, { voiceUrl: null, smsMethod: 'GET', voiceCallerIdLookup: true });
  assert.deepEqual(
    [updated.voice_url, updated.sms_url, updated.sms_method, updated.voice_caller_id_lookup, updated.date_updated],
    [null, 'https://app.test/sms', 'GET', 1, T0 + 5000],
  );
  assert.deepEqual(await numbers.findOwned(ACCOUNT, row.sid), updated);
  await rejectsWith(service.update(OTHER, row.sid, { smsUrl: 'https://evil.test' }), 20404, 404);
  assert.equal((await numbers.findOwned(ACCOUNT, row.sid))?.sms_url, 'https://app.test/sms');
});

test("release gives the number back to the pool; a second release, or another account's, is 20404", async () => {
  const { service } = setup();
  const row = await service.purchase(ACCOUNT, { phoneNumber: '+14155550102' });
  await rejectsWith(service.release(OTHER, row.sid), 20404, 404);
  await service.release(ACCOUNT, row.sid);
  assert.equal(await service.owner('+14155550102'), undefined);
  await rejectsWith(service.release(ACCOUNT, row.sid), 20404, 404);
  assert.equal((await service.available('US', 'local', { limit: 1 }))[0]?.phoneNumber, '+14155550102', 'buyable again');
});
