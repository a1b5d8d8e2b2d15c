/**
 * Compatibility sweep (issue 17, item 10), second half: Lookup v1, OutgoingCallerIds and ValidationRequests,
 * Network Traversal Tokens. 2010 responses are checked against Twilio's spec, Lookup v1 (no spec in the
 * repository) against the fields the official SDK's types declare.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';

const API = 'twilio_api_v2010.json';
const SECRET = 'coturn-shared-secret';
const ICE = `stun:stun.example.net:3478,turn:alice:s3cret@turn.example.net:3478?transport=udp,turns::${SECRET}@turn.example.net:5349?transport=tcp`;

let s: TestServer;
let app: FakeApp;
let sub: { sid: string; client: TestServer['client']; atRoot: TestServer['client'] };

before(async () => {
  s = await startTestServer({ iceServers: ICE });
  app = await new FakeApp().start();
  const acct = await s.client.api.v2010.accounts.create({ friendlyName: 'Other tenant' });
  sub = { sid: acct.sid, client: s.clientFor(acct.sid, acct.authToken), atRoot: s.clientFor(acct.sid, acct.authToken, s.accountSid) };
});
after(async () => {
  await s.close();
  await app.stop();
});

interface RestError {
  status: number;
  code: number;
}
const rejectsWith = (promise: Promise<unknown>, status: number, code: number) =>
  assert.rejects(promise, (err: RestError) => err.status === status && err.code === code);
async function raw<T>(path: string, init?: Parameters<TestServer['fetch']>[1], status = 200): Promise<T> {
  const res = await s.fetch(path, init);
  assert.equal(res.status, status, await res.clone().text());
  return (await res.json()) as T;
}

describe('Lookup v1 on the v2 data', () => {
  test('carrier and caller-name through the SDK, with every field its types declare', async () => {
    const n = await s.client.lookups.v1.phoneNumbers('+14159929960').fetch({ type: ['carrier', 'caller-name'] });
    assert.equal(n.phoneNumber, '+14159929960');
    assert.equal(n.countryCode, 'US');
    assert.equal(n.nationalFormat, '(415) 992-9960');
    const carrier = n.carrier as { type: string | null; error_code: number | null; name: string | null };
    assert.ok(carrier && 'type' in carrier && 'name' in carrier && 'mobile_country_code' in carrier);
    assert.ok(n.callerName && 'caller_name' in n.callerName && 'caller_type' in n.callerName);
    // Field list of twilio/lib/rest/lookups/v1/phoneNumber.d.ts (PhoneNumberResource).
    const body = await raw<Record<string, unknown>>('/lookups/v1/PhoneNumbers/+14159929960?Type=carrier');
    for (const f of ['caller_name', 'country_code', 'phone_number', 'national_format', 'carrier', 'add_ons', 'url']) assert.ok(f in body, `has ${f}`);
    assert.equal(body['caller_name'], null, 'only the asked types are filled');
    assert.equal(body['url'], `${s.sb.publicUrl}/lookups/v1/PhoneNumbers/+14159929960`);
  });

  test('a mobile number is carrier type mobile; national format with CountryCode; an invalid number is a 404', async () => {
    const gb = await s.client.lookups.v1.phoneNumbers('07400123456').fetch({ countryCode: 'GB', type: ['carrier'] });
    assert.equal(gb.phoneNumber, '+447400123456');
    assert.equal((gb.carrier as { type: string }).type, 'mobile');
    await rejectsWith(s.client.lookups.v1.phoneNumbers('+1415').fetch(), 404, 20404);
    const bad = await s.fetch('/lookups/v1/PhoneNumbers/+14159929960?Type=fraud');
    assert.equal(bad.status, 400);
  });
});

describe('OutgoingCallerIds and ValidationRequests', () => {
  test('a ValidationRequest verifies a virtual phone at once: spec shape, status callback, then list/fetch/update/delete', async () => {
    const created = await raw<Record<string, unknown>>(`/2010-04-01/Accounts/${s.accountSid}/OutgoingCallerIds.json`, {
      method: 'POST',
      form: { PhoneNumber: '+15558670100', FriendlyName: 'Front desk', StatusCallback: `${app.base}/verified` },
    });
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.validation_request', created), []);
    assert.match(String(created['validation_code']), /^\d{6}$/);
    assert.equal(created['phone_number'], '+15558670100');
    const hook = await app.waitFor((r) => r.path === '/verified');
    assert.equal(hook.params['VerificationStatus'], 'success');
    assert.match(hook.params['OutgoingCallerIdSid'] ?? '', /^PN[0-9a-f]{32}$/);

    const viaSdk = await s.client.validationRequests.create({ phoneNumber: '(555) 867-0101', friendlyName: 'Back office' });
    assert.equal(viaSdk.phoneNumber, '+15558670101');
    assert.equal(viaSdk.friendlyName, 'Back office');

    const ids = await s.client.outgoingCallerIds.list();
    assert.deepEqual(ids.map((c) => c.phoneNumber).sort(), ['+15558670100', '+15558670101']);
    const list = await raw<{ outgoing_caller_ids: unknown[] }>(`/2010-04-01/Accounts/${s.accountSid}/OutgoingCallerIds.json?PhoneNumber=%2B15558670100`);
    assert.equal(list.outgoing_caller_ids.length, 1);
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.outgoing_caller_id', list.outgoing_caller_ids[0]), []);
    const front = ids.find((c) => c.phoneNumber === '+15558670100')!;
    assert.equal(front.sid, hook.params['OutgoingCallerIdSid']);
    assert.equal((await s.client.outgoingCallerIds(front.sid).fetch()).friendlyName, 'Front desk');
    assert.equal((await s.client.outgoingCallerIds(front.sid).update({ friendlyName: 'Reception' })).friendlyName, 'Reception');
    assert.equal((await s.client.outgoingCallerIds(front.sid).fetch()).friendlyName, 'Reception');

    // Verifying a number twice is Twilio's 21450; another account may verify it for itself.
    await rejectsWith(s.client.validationRequests.create({ phoneNumber: '+15558670100' }), 400, 21450);
    assert.equal((await sub.client.validationRequests.create({ phoneNumber: '+15558670100' })).phoneNumber, '+15558670100');

    assert.equal(await s.client.outgoingCallerIds(front.sid).remove(), true);
    await rejectsWith(s.client.outgoingCallerIds(front.sid).fetch(), 404, 20404);
    assert.deepEqual(
      (await s.client.outgoingCallerIds.list()).map((c) => c.phoneNumber),
      ['+15558670101'],
    );
  });

  test('a verified caller id is a valid From for calls of its own account only (21210 elsewhere)', async () => {
    const twiml = '<Response><Hangup/></Response>';
    await rejectsWith(s.client.calls.create({ from: '+15558670110', to: '+15558670111', twiml }), 400, 21210);
    await s.client.validationRequests.create({ phoneNumber: '+15558670110' });
    const call = await s.client.calls.create({ from: '+15558670110', to: '+15558670111', twiml });
    assert.equal(call.from, '+15558670110');
    await rejectsWith(sub.client.calls.create({ from: '+15558670110', to: '+15558670111', twiml }), 400, 21210);
  });

  test('bad input: no number, an impossible number, a CallDelay out of range', async () => {
    await rejectsWith(s.client.validationRequests.create({ phoneNumber: '' }), 400, 20001);
    await rejectsWith(s.client.validationRequests.create({ phoneNumber: '+1555' }), 400, 21421);
    await rejectsWith(s.client.validationRequests.create({ phoneNumber: '+15558670102', callDelay: 61 }), 400, 20001);
  });

  test('with a SIP trunk the number may be a real phone: validation is refused, not granted without proof', async () => {
    const trunked = await startTestServer({ sipTrunk: 'sip:trunk.example.net:5060' });
    try {
      await rejectsWith(trunked.client.validationRequests.create({ phoneNumber: '+15558670104' }), 400, 20001);
      assert.equal((await trunked.client.outgoingCallerIds.list()).length, 0);
    } finally {
      await trunked.close();
    }
  });

  test('account isolation: another account neither lists, fetches, renames nor deletes ours', async () => {
    const [mine] = await s.client.outgoingCallerIds.list({ limit: 1 });
    assert.ok(mine);
    const theirs = await sub.client.outgoingCallerIds.list();
    assert.ok(theirs.every((c) => c.accountSid === sub.sid));
    await rejectsWith(sub.client.outgoingCallerIds(mine.sid).fetch(), 404, 20404);
    await rejectsWith(sub.client.outgoingCallerIds(mine.sid).update({ friendlyName: 'x' }), 404, 20404);
    await rejectsWith(sub.client.outgoingCallerIds(mine.sid).remove(), 404, 20404);
    await rejectsWith(sub.atRoot.outgoingCallerIds.list(), 404, 20404);
    await rejectsWith(sub.atRoot.validationRequests.create({ phoneNumber: '+15558670103' }), 404, 20404);
    assert.equal((await s.client.outgoingCallerIds(mine.sid).fetch()).friendlyName, mine.friendlyName);
  });
});

describe('Network Traversal Tokens', () => {
  test("the operator's STUN/TURN servers with credentials, in the spec shape", async () => {
    const before = Math.floor(Date.now() / 1000);
    const body = await raw<{ ice_servers: Array<Record<string, string>>; username: string; password: string; ttl: string; account_sid: string }>(
      `/2010-04-01/Accounts/${s.accountSid}/Tokens.json`,
      { method: 'POST', form: { Ttl: '3600' } },
      201,
    );
    // A STUN entry has no username or credential: Twilio leaves them out (the schema's class is NON_NULL), as
    // its docs' example shows.
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.token', body, { optional: ['ice_servers/[]/username', 'ice_servers/[]/credential'] }), []);
    assert.equal(body.ttl, '3600');
    assert.equal(body.account_sid, s.accountSid);
    const [stun, turn, turns] = body.ice_servers;
    assert.deepEqual(stun, { url: 'stun:stun.example.net:3478', urls: 'stun:stun.example.net:3478' });
    assert.deepEqual(turn, {
      url: 'turn:turn.example.net:3478?transport=udp',
      urls: 'turn:turn.example.net:3478?transport=udp',
      username: 'alice',
      credential: 's3cret',
    });
    assert.equal(turns?.urls, 'turns:turn.example.net:5349?transport=tcp');
    // coturn's REST API credentials: "expiry:account", HMAC-SHA1 with the shared secret.
    const [expiry, account] = (turns?.username ?? '').split(':');
    assert.equal(account, s.accountSid);
    assert.ok(Number(expiry) >= before + 3600 && Number(expiry) <= before + 3600 + 60);
    assert.equal(
      turns?.credential,
      createHmac('sha1', SECRET)
        .update(turns?.username ?? '')
        .digest('base64'),
    );
    assert.equal(body.username, 'alice');
    assert.equal(body.password, 's3cret');
  });

  test('through the SDK, default ttl; another account cannot mint ours; a bad Ttl is a 400', async () => {
    const token = await s.client.tokens.create();
    assert.equal(token.ttl, '86400');
    assert.equal(token.iceServers.length, 3);
    assert.ok(token.dateCreated instanceof Date);
    await rejectsWith(sub.atRoot.tokens.create(), 404, 20404);
    assert.equal((await sub.client.tokens.create()).accountSid, sub.sid);
    await rejectsWith(s.client.tokens.create({ ttl: 0 }), 400, 20001);
  });
});
