/**
 * <Dial> end to end with virtual phones as real parties (RTP both ways, no SIP peer): TwiML built by the
 * official SDK's VoiceResponse().dial(), two phones bridged (each plays a tone of its own frequency and
 * hears the other's, checked by frequency), digits relayed, the action's parameters, child calls with
 * their own status callbacks and the ParentCallSid filter, busy and no-answer, simultaneous ringing,
 * hangupOnStar, live updates of either leg, and callerId checks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { FakeApp, eventually, type ReceivedRequest } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { behave as behaveOn, hears, phoneCalls, type PhoneCall } from './support/virtual-phones.js';

let s: TestServer;
let app: FakeApp;
let shop = '';

before(async () => {
  s = await startTestServer();
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  await s.close();
  await app.stop();
});

const behave = (phone: string, form: Record<string, string | string[]>) => behaveOn(s, phone, form);
async function phoneCall(phone: string, sid: string): Promise<PhoneCall> {
  const call = (await phoneCalls(s, phone)).find((c) => c.call_sid === sid);
  assert.ok(call, `the phone ${phone} saw call ${sid}`);
  return call;
}
const final = (sid: string) =>
  eventually(async () => {
    const c = await s.client.calls(sid).fetch();
    return ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(c.status) ? c : undefined;
  }, 30_000);
const heardOf = (c: PhoneCall) => c.events.find((e) => e.type === 'heard')!;
const waitAction = (path: string, parent: string) => app.waitFor((r) => r.path === path && r.params.CallSid === parent, 30_000);

/** A call from our number to `caller` (a virtual phone) running `twiml`: the parent of the dial. */
async function callWith(caller: string, twiml: twilio.twiml.VoiceResponse): Promise<string> {
  return (await s.client.calls.create({ to: caller, from: shop, twiml: twiml.toString() })).sid;
}

describe('<Dial> to virtual phones', () => {
  test("two phones bridged: each hears the other's tone, digits cross, the action and child calls say what happened", async () => {
    const alice = '+15550100001';
    const bob = '+15550100002';
    await behave(alice, { Audio: 'tone:700', DigitsAt: '1.5:42' });
    await behave(bob, { Audio: 'tone:1200', HangupAfter: '4' });
    app.respond((r) => {
      if (r.path === '/voice') {
        const vr = new twilio.twiml.VoiceResponse();
        vr.dial({ action: '/dial-done', timeout: 10 }).number(
          {
            statusCallback: '/child-status',
            statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          },
          bob,
        );
        return { body: vr.toString() };
      }
      if (r.path === '/dial-done') return { body: new twilio.twiml.VoiceResponse().hangup().toString() };
      return undefined;
    });
    // Alice calls the app, whose TwiML dials Bob.
    const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(alice)}/Calls`, {
      method: 'POST',
      form: { To: shop, Audio: 'tone:700', DigitsAt: '1.5:42' },
    });
    assert.equal(res.status, 201);
    const parent = ((await res.json()) as { call_sid: string }).call_sid;
    const action = await waitAction('/dial-done', parent);
    assert.equal(action.params.DialCallStatus, 'completed');
    assert.equal(action.params.DialBridged, 'true');
    assert.match(action.params.DialCallSid!, /^CA[0-9a-f]{32}$/);
    assert.ok(Number(action.params.DialCallDuration) >= 3, `DialCallDuration ${action.params.DialCallDuration}`);
    assert.equal(action.params.CallStatus, 'in-progress');
    assert.equal((await final(parent)).status, 'completed');

    const children = await s.client.calls.list({ parentCallSid: parent });
    assert.equal(children.length, 1);
    const child = children[0]!;
    assert.equal(child.sid, action.params.DialCallSid);
    assert.equal(child.direction, 'outbound-dial');
    assert.equal(child.parentCallSid, parent);
    assert.equal(child.to, bob);
    assert.equal(child.from, alice, 'callerId defaults to the caller');
    assert.equal(child.status, 'completed');
    await app.waitFor((r) => r.path === '/child-status' && r.params.CallStatus === 'completed');
    const callbacks = app.received.filter((r) => r.path === '/child-status' && r.params.CallSid === child.sid);
    assert.deepEqual(
      callbacks.map((r) => r.params.CallStatus),
      ['initiated', 'ringing', 'in-progress', 'completed'],
    );
    assert.ok(callbacks.every((r) => r.params.ParentCallSid === parent && r.params.Direction === 'outbound-dial'));

    const a = heardOf(await phoneCall(alice, parent));
    const b = heardOf(await phoneCall(bob, child.sid));
    assert.ok(hears(a, 1200), `Alice hears Bob's 1200 Hz: ${JSON.stringify(a)}`);
    assert.ok(!hears(a, 700), 'Alice does not hear herself');
    assert.ok(hears(b, 700), `Bob hears Alice's 700 Hz: ${JSON.stringify(b)}`);
    assert.ok(!hears(b, 1200), 'Bob does not hear himself');
    assert.equal(b.digits, '42', 'digits Alice pressed reach Bob (RFC 4733 relayed)');
    assert.equal((await phoneCall(bob, child.sid)).events.find((e) => e.type === 'hangup')?.by, 'phone');
  });

  test('busy and no-answer come back as DialCallStatus; without action the document goes on', async () => {
    const caller = '+15550100011';
    await behave('+15550100012', { Answer: 'busy' });
    await behave('+15550100013', { Answer: 'no-answer' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ action: `${app.base}/busy-done` }, '+15550100012');
    const parent = await callWith(caller, vr);
    const busy = await waitAction('/busy-done', parent);
    assert.equal(busy.params.DialCallStatus, 'busy');
    assert.equal(busy.params.DialBridged, 'false');
    assert.equal(busy.params.DialCallDuration, undefined);
    const [child] = await s.client.calls.list({ parentCallSid: parent });
    assert.equal(child!.status, 'busy');
    assert.equal(busy.params.DialCallSid, child!.sid);

    const vr2 = new twilio.twiml.VoiceResponse();
    vr2.dial({ timeout: 2 }, '+15550100013');
    vr2.say('Nobody answered.');
    const parent2 = await callWith(caller, vr2);
    await final(parent2);
    const [child2] = await s.client.calls.list({ parentCallSid: parent2 });
    assert.equal(child2!.status, 'no-answer');
    const said = (await phoneCall(caller, parent2)).events.filter((e) => e.type === 'say').map((e) => e.text);
    assert.deepEqual(said, ['Nobody answered.']);
  });

  test('several numbers ring at once: the first to answer is bridged, the other is canceled', async () => {
    const caller = '+15550100021';
    await behave('+15550100022', { RingSeconds: '1', HangupAfter: '1' });
    await behave('+15550100023', { Answer: 'no-answer' });
    const vr = new twilio.twiml.VoiceResponse();
    const dial = vr.dial({ action: `${app.base}/race-done`, timeout: 10 });
    dial.number('+15550100023');
    dial.number('+15550100022');
    const parent = await callWith(caller, vr);
    const done = await waitAction('/race-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    await eventually(async () => {
      const children = await s.client.calls.list({ parentCallSid: parent });
      return children.every((c) => ['completed', 'canceled'].includes(c.status)) ? true : undefined;
    });
    const byTo = new Map((await s.client.calls.list({ parentCallSid: parent })).map((c) => [c.to, c]));
    assert.equal(byTo.get('+15550100022')!.status, 'completed');
    assert.equal(byTo.get('+15550100022')!.sid, done.params.DialCallSid);
    assert.equal(byTo.get('+15550100023')!.status, 'canceled');
    const loser = await phoneCall('+15550100023', byTo.get('+15550100023')!.sid);
    assert.deepEqual(
      loser.events.map((e) => e.type),
      ['ringing', 'missed'],
    );
  });

  test('hangupOnStar: the caller presses * and goes on at the action, the dialled party is hung up', async () => {
    const caller = '+15550100031';
    await behave(caller, { DigitsAt: '2:*' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ hangupOnStar: true, action: `${app.base}/star-done` }, '+15550100032');
    app.respond((r) => (r.path === '/star-done' ? { body: '<Response><Say>Back with you.</Say></Response>' } : undefined));
    const parent = await callWith(caller, vr);
    const done = await waitAction('/star-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    const child = await final(done.params.DialCallSid!);
    assert.equal(child.status, 'completed');
    assert.equal((await phoneCall('+15550100032', child.sid)).events.find((e) => e.type === 'hangup')?.by, 'app');
    await final(parent);
    assert.ok((await phoneCall(caller, parent)).events.some((e) => e.text === 'Back with you.'));
  });

  test('live updates: completing the child goes on at the action; redirecting the parent ends the bridge without it', async () => {
    const caller = '+15550100041';
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ action: `${app.base}/upd-done` }, '+15550100042');
    const parent = await callWith(caller, vr);
    const child = await eventually(async () => (await s.client.calls.list({ parentCallSid: parent, status: 'in-progress' }))[0]);
    await assert.rejects(s.client.calls(child.sid).update({ twiml: '<Response/>' }), (e: { code: number }) => e.code === 21220);
    await s.client.calls(child.sid).update({ status: 'completed' });
    const done = await waitAction('/upd-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    assert.equal(done.params.DialCallSid, child.sid);

    const parent2 = await callWith(caller, vr);
    const child2 = await eventually(async () => (await s.client.calls.list({ parentCallSid: parent2, status: 'in-progress' }))[0]);
    await s.client.calls(parent2).update({ twiml: '<Response><Say>Redirected.</Say></Response>' });
    assert.equal((await final(child2.sid)).status, 'completed');
    assert.equal((await final(parent2)).status, 'completed');
    assert.ok((await phoneCall(caller, parent2)).events.some((e) => e.text === 'Redirected.'));
    assert.ok(!app.received.some((r: ReceivedRequest) => r.path === '/upd-done' && r.params.CallSid === parent2), 'a redirected caller skips the action');
  });

  test('a callerId the account does not own fails the dial with 13214; an owned one is used', async () => {
    const caller = '+15550100051';
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ callerId: '+14155550199', action: `${app.base}/cid-done` }, '+15550100052');
    const parent = await callWith(caller, vr);
    const done = await waitAction('/cid-done', parent);
    assert.equal(done.params.DialCallStatus, 'failed');
    assert.equal((await s.client.calls.list({ parentCallSid: parent })).length, 0);
    const alerts = (await (await s.fetch('/switchboard/v1/Alerts')).json()) as { alerts: Array<{ error_code: string | number; resource_sid: string }> };
    assert.ok(
      alerts.alerts.some((a) => String(a.error_code) === '13214' && a.resource_sid === parent),
      JSON.stringify(alerts.alerts.slice(0, 3)),
    );

    const vr2 = new twilio.twiml.VoiceResponse();
    vr2.dial({ callerId: shop, timeout: 5 }, '+15550100052');
    await behave('+15550100052', { HangupAfter: '1' });
    const parent2 = await callWith(caller, vr2);
    await final(parent2);
    const [child] = await s.client.calls.list({ parentCallSid: parent2 });
    assert.equal(child!.from, shop);
  });
});
