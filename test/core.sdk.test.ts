import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './support/harness.js';

interface RestError {
  status: number;
  code: number;
  moreInfo: string;
  message: string;
}

async function rejectsWith(promise: Promise<unknown>, status: number, code: number): Promise<RestError> {
  try {
    await promise;
  } catch (err) {
    const e = err as RestError & { constructor: { name: string } };
    assert.equal(e.constructor.name, 'RestException', `expected RestException, got ${e.constructor.name}: ${e.message}`);
    assert.equal(e.status, status);
    assert.equal(e.code, code);
    assert.equal(e.moreInfo, `https://www.twilio.com/docs/errors/${code}`);
    return e;
  }
  assert.fail('expected the request to fail');
}

describe('platform core through the official twilio-node SDK', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.close();
  });

  test('fetches the root account and updates its friendly name', async () => {
    const account = await s.client.api.v2010.accounts(s.accountSid).fetch();
    assert.equal(account.sid, s.accountSid);
    assert.equal(account.status, 'active');
    assert.ok(account.dateCreated instanceof Date && !Number.isNaN(account.dateCreated.getTime()));
    const updated = await s.client.api.v2010.accounts(s.accountSid).update({ friendlyName: 'Bakery' });
    assert.equal(updated.friendlyName, 'Bakery');
  });

  test('creates, lists, suspends and reactivates subaccounts', async () => {
    const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'Tenant A' });
    assert.match(sub.sid, /^AC[0-9a-f]{32}$/);
    assert.equal(sub.ownerAccountSid, s.accountSid);
    const listed = await s.client.api.v2010.accounts.list({ friendlyName: 'Tenant A' });
    assert.deepEqual(
      listed.map((a) => a.sid),
      [sub.sid],
    );
    const suspended = await s.client.api.v2010.accounts(sub.sid).update({ status: 'suspended' });
    assert.equal(suspended.status, 'suspended');
    // A suspended account's own credentials stop working.
    const subClient = s.clientFor(sub.sid, sub.authToken);
    await rejectsWith(subClient.api.v2010.accounts(sub.sid).fetch(), 401, 20005);
    await s.client.api.v2010.accounts(sub.sid).update({ status: 'active' });
    assert.equal((await subClient.api.v2010.accounts(sub.sid).fetch()).status, 'active');
  });

  test('API keys: create shows the secret once, the key authenticates, delete revokes it', async () => {
    const key = await s.client.newKeys.create({ friendlyName: 'ci' });
    assert.match(key.sid, /^SK[0-9a-f]{32}$/);
    assert.equal(key.secret.length, 32);
    const fetched = await s.client.keys(key.sid).fetch();
    assert.equal(fetched.friendlyName, 'ci');
    assert.equal((fetched as unknown as { secret?: string }).secret, undefined);
    const viaKey = s.clientFor(key.sid, key.secret, s.accountSid);
    assert.ok(Array.isArray(await viaKey.messages.list({ limit: 1 })), 'the key authenticates');
    // Standard keys have no access to the Accounts and Keys resources (Twilio: 401, 20003).
    await rejectsWith(viaKey.api.v2010.accounts(s.accountSid).fetch(), 401, 20003);
    await rejectsWith(viaKey.newKeys.create({ friendlyName: 'nope' }), 401, 20003);
    assert.equal((await s.client.keys(key.sid).update({ friendlyName: 'renamed' })).friendlyName, 'renamed');
    assert.ok((await s.client.keys.list()).some((k) => k.sid === key.sid));
    assert.equal(await s.client.keys(key.sid).remove(), true);
    await rejectsWith(viaKey.messages.list({ limit: 1 }), 401, 20003);
  });

  test('wrong credentials get 401 with code 20003', async () => {
    await rejectsWith(s.clientFor(s.accountSid, 'not-the-token').api.v2010.accounts(s.accountSid).fetch(), 401, 20003);
  });

  test('phone numbers: search available, buy by number and by area code, update every URL, release', async () => {
    const available = await s.client.availablePhoneNumbers('US').local.list({ areaCode: 415, limit: 5 });
    assert.equal(available.length, 5);
    for (const n of available) assert.match(n.phoneNumber, /^\+1415\d{7}$/);
    const bought = await s.client.incomingPhoneNumbers.create({ phoneNumber: available[0]!.phoneNumber, smsUrl: 'http://localhost:3000/sms' });
    assert.match(bought.sid, /^PN[0-9a-f]{32}$/);
    assert.equal(bought.smsUrl, 'http://localhost:3000/sms');
    assert.equal(bought.smsMethod, 'POST');
    // A bought number is no longer offered.
    const again = await s.client.availablePhoneNumbers('US').local.list({ areaCode: 415, limit: 50 });
    assert.ok(!again.some((n) => n.phoneNumber === bought.phoneNumber));
    await rejectsWith(s.client.incomingPhoneNumbers.create({ phoneNumber: bought.phoneNumber }), 400, 21422);

    const byArea = await s.client.incomingPhoneNumbers.create({ areaCode: '646' });
    assert.match(byArea.phoneNumber, /^\+1646/);

    const updated = await s.client.incomingPhoneNumbers(bought.sid).update({
      voiceUrl: 'http://localhost:3000/voice',
      voiceMethod: 'GET',
      voiceFallbackUrl: 'http://localhost:3000/vf',
      voiceFallbackMethod: 'GET',
      statusCallback: 'http://localhost:3000/status',
      statusCallbackMethod: 'GET',
      smsUrl: 'http://localhost:3000/sms2',
      smsMethod: 'GET',
      smsFallbackUrl: 'http://localhost:3000/sf',
      smsFallbackMethod: 'GET',
      friendlyName: 'Support line',
      voiceCallerIdLookup: true,
    });
    assert.equal(updated.voiceUrl, 'http://localhost:3000/voice');
    assert.equal(updated.voiceMethod, 'GET');
    assert.equal(updated.voiceFallbackUrl, 'http://localhost:3000/vf');
    assert.equal(updated.statusCallback, 'http://localhost:3000/status');
    assert.equal(updated.smsUrl, 'http://localhost:3000/sms2');
    assert.equal(updated.smsFallbackMethod, 'GET');
    assert.equal(updated.friendlyName, 'Support line');
    assert.equal(updated.voiceCallerIdLookup, true);
    const fetched = await s.client.incomingPhoneNumbers(bought.sid).fetch();
    assert.equal(fetched.smsUrl, 'http://localhost:3000/sms2');

    const filtered = await s.client.incomingPhoneNumbers.list({ phoneNumber: bought.phoneNumber });
    assert.deepEqual(
      filtered.map((n) => n.sid),
      [bought.sid],
    );
    await rejectsWith(s.client.incomingPhoneNumbers(bought.sid).update({ smsUrl: 'ftp://nope' }), 400, 21502);

    assert.equal(await s.client.incomingPhoneNumbers(bought.sid).remove(), true);
    await rejectsWith(s.client.incomingPhoneNumbers(bought.sid).fetch(), 404, 20404);
  });

  test('numbers from Twilio docs can be bought; impossible numbers cannot', async () => {
    const n = await s.client.incomingPhoneNumbers.create({ phoneNumber: '+15017122661' });
    assert.equal(n.phoneNumber, '+15017122661');
    await rejectsWith(s.client.incomingPhoneNumbers.create({ phoneNumber: '+1234' }), 400, 21421);
  });

  test('other countries and types come from the generated pool', async () => {
    const gbMobile = await s.client.availablePhoneNumbers('GB').mobile.list({ limit: 3 });
    assert.equal(gbMobile.length, 3);
    for (const n of gbMobile) assert.match(n.phoneNumber, /^\+447/);
    const tollFree = await s.client.availablePhoneNumbers('US').tollFree.list({ limit: 3 });
    for (const n of tollFree) assert.match(n.phoneNumber, /^\+18(00|33|44|55|66|77|88)/);
  });

  test('applications: create, route a number to one, update, delete', async () => {
    const app = await s.client.applications.create({ friendlyName: 'IVR', voiceUrl: 'http://localhost:3000/ivr', smsUrl: 'http://localhost:3000/app-sms' });
    assert.match(app.sid, /^AP[0-9a-f]{32}$/);
    const n = await s.client.incomingPhoneNumbers.create({ areaCode: '312', voiceApplicationSid: app.sid, smsApplicationSid: app.sid });
    assert.equal(n.voiceApplicationSid, app.sid);
    await rejectsWith(s.client.incomingPhoneNumbers(n.sid).update({ smsApplicationSid: `AP${'0'.repeat(32)}` }), 400, 21218);
    assert.equal((await s.client.applications(app.sid).update({ voiceMethod: 'GET' })).voiceMethod, 'GET');
    assert.ok((await s.client.applications.list({ friendlyName: 'IVR' })).some((a) => a.sid === app.sid));
    assert.equal(await s.client.applications(app.sid).remove(), true);
    await rejectsWith(s.client.applications(app.sid).fetch(), 404, 20404);
  });

  test('pagination walks every page once, forwards and backwards, while rows are inserted', async () => {
    const app = await s.client.applications.create({ friendlyName: 'paging' });
    const created = [app.sid];
    for (let i = 0; i < 11; i++) created.push((await s.client.applications.create({ friendlyName: 'paging' })).sid);
    const seen: string[] = [];
    // nextPage() returns the generic Page type, which lacks ApplicationPage's extra inspect member.
    type AppPage = Pick<Awaited<ReturnType<typeof s.client.applications.page>>, 'instances' | 'nextPage' | 'previousPage'>;
    let page: AppPage = await s.client.applications.page({ friendlyName: 'paging', pageSize: 5 });
    const pages = [page];
    for (;;) {
      seen.push(...page.instances.map((a) => a.sid));
      // Concurrent inserts land after the cursor and must not shift what later pages hold.
      await s.client.applications.create({ friendlyName: 'other' });
      const next = await page.nextPage();
      if (!next) break;
      page = next;
      pages.push(page);
    }
    assert.deepEqual(seen, created);
    assert.equal(pages.length, 3);
    const back = await pages[2]!.previousPage();
    assert.deepEqual(
      back?.instances.map((a) => a.sid),
      pages[1]!.instances.map((a) => a.sid),
    );
    // The SDK's list() follows next_page_uri itself.
    const all = await s.client.applications.list({ friendlyName: 'paging', pageSize: 4 });
    assert.deepEqual(
      all.map((a) => a.sid),
      created,
    );
  });

  test('bad PageToken and PageSize are 400s with codes', async () => {
    const r1 = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Applications.json?PageToken=garbage&Page=1`);
    assert.equal(r1.status, 400);
    assert.equal(((await r1.json()) as { code: number }).code, 21481);
    const r2 = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Applications.json?PageSize=1001`);
    assert.equal(r2.status, 400);
    assert.equal(((await r2.json()) as { code: number }).code, 20001);
  });
});
