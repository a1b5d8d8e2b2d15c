/**
 * Call events: each verb a call ran, in order, from GET /switchboard/v1/Calls/{Sid}/Events (a call to a
 * virtual phone needs no SIP peer), scoped to the call's account.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

let s: TestServer;
let shop = '';

before(async () => {
  s = await startTestServer();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: 'http://127.0.0.1:9/voice' })).phoneNumber;
});
after(async () => {
  await s.close();
});

interface EventsPage {
  events: Array<{ sid: string; call_sid: string; account_sid: string; sequence: number; verb: string; detail: string; date_created: string }>;
  meta: { key: string };
}

test('a call lists the verbs it ran, oldest first, with what each did; another account gets a 404', async () => {
  const call = await s.client.calls.create({
    to: '+15558675320',
    from: shop,
    twiml: '<Response><Say>Hello</Say><Pause length="1"/><Hangup/></Response>',
  });
  await eventually(async () => {
    const c = await s.client.calls(call.sid).fetch();
    return c.status === 'completed' ? c : undefined;
  }, 20_000);
  const page = await eventually(async () => {
    const res = await s.fetch(`/switchboard/v1/Calls/${call.sid}/Events`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as EventsPage;
    return body.events.length >= 3 ? body : undefined;
  }, 10_000);
  assert.equal(page.meta.key, 'events');
  assert.deepEqual(
    page.events.map((e) => [e.verb, e.detail, e.sequence]),
    [
      ['Say', 'Hello', 0],
      ['Pause', '1 s', 1],
      ['Hangup', 'hung up by <Hangup>', 2],
    ],
  );
  for (const e of page.events) {
    assert.match(e.sid, /^CE[0-9a-f]{32}$/);
    assert.equal(e.call_sid, call.sid);
    assert.equal(e.account_sid, s.accountSid);
    assert.ok(!Number.isNaN(Date.parse(e.date_created)));
  }
  // Paging keeps the order.
  const first = (await (await s.fetch(`/switchboard/v1/Calls/${call.sid}/Events?PageSize=2`)).json()) as EventsPage & {
    meta: { next_page_url: string | null };
  };
  assert.deepEqual(
    first.events.map((e) => e.verb),
    ['Say', 'Pause'],
  );
  assert.ok(first.meta.next_page_url);

  // Another account (a subaccount, with its own credentials or named by AccountSid) sees a 404.
  const other = await s.client.api.v2010.accounts.create({ friendlyName: 'other' });
  const auth = `Basic ${Buffer.from(`${other.sid}:${other.authToken}`).toString('base64')}`;
  const theirs = await s.fetch(`/switchboard/v1/Calls/${call.sid}/Events`, { headers: { authorization: auth } });
  assert.equal(theirs.status, 404);
  const named = await s.fetch(`/switchboard/v1/Calls/${call.sid}/Events?AccountSid=${other.sid}`);
  assert.equal(named.status, 404);
  const unknown = await s.fetch('/switchboard/v1/Calls/CA00000000000000000000000000000000/Events');
  assert.equal(unknown.status, 404);
});
