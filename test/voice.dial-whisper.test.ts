/**
 * A <Number url> whisper end to end with virtual phones: the dialled party hears TwiML of its own before
 * the bridge and accepts with a key (<Gather>), or declines (no key: <Hangup>) and the dial goes on with the
 * others still ringing; a whisper that tries to <Dial> raises 13201 and is not connected. The whisper
 * request is the child call's (its CallSid, ParentCallSid, Direction outbound-dial).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { behave as behaveOn, phoneCalls, type Heard } from './support/virtual-phones.js';

let s: TestServer;
let app: FakeApp;
let shop = '';

before(async () => {
  s = await startTestServer();
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
  // The screening app: press 1 to take the call; anything else, or nothing, declines.
  app.respond((r) => {
    if (r.path === '/whisper') {
      const vr = new twilio.twiml.VoiceResponse();
      vr.gather({ numDigits: 1, timeout: 2, action: '/screen' }).say('A call for you. Press 1 to accept.');
      vr.hangup();
      return { body: vr.toString() };
    }
    if (r.path === '/screen') return { body: r.params.Digits === '1' ? '<Response/>' : '<Response><Hangup/></Response>' };
    if (r.path === '/whisper-dial') return { body: '<Response><Dial>+15550300099</Dial></Response>' };
    return undefined;
  });
});
after(async () => {
  await s.close();
  await app.stop();
});

const behave = (phone: string, form: Record<string, string | string[]>) => behaveOn(s, phone, form);
async function events(phone: string, sid: string): Promise<Heard[]> {
  return (await phoneCalls(s, phone)).find((c) => c.call_sid === sid)?.events ?? [];
}
const callWith = async (caller: string, vr: twilio.twiml.VoiceResponse) => (await s.client.calls.create({ to: caller, from: shop, twiml: vr.toString() })).sid;
const waitAction = (path: string, parent: string) => app.waitFor((r) => r.path === path && r.params.CallSid === parent, 30_000);

describe('<Number url> whisper', () => {
  test('the dialled party hears the whisper, presses 1 and is bridged', async () => {
    const alice = '+15550300001';
    const bob = '+15550300002';
    await behave(alice, { Audio: 'tone:700' });
    await behave(bob, { Audio: 'tone:1200', Digits: '1', HangupAfter: '6' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ action: `${app.base}/w-done` }).number({ url: `${app.base}/whisper` }, bob);
    const parent = await callWith(alice, vr);
    const done = await waitAction('/w-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    assert.equal(done.params.DialBridged, 'true');
    const child = done.params.DialCallSid!;
    const whisper = app.received.find((r) => r.path === '/whisper' && r.params.CallSid === child);
    assert.ok(whisper, 'the whisper is requested for the child call');
    assert.equal(whisper.params.ParentCallSid, parent);
    assert.equal(whisper.params.Direction, 'outbound-dial');
    assert.equal(whisper.params.CallStatus, 'in-progress');
    assert.equal(app.received.find((r) => r.path === '/screen' && r.params.CallSid === child)?.params.Digits, '1');
    const bobs = await events(bob, child);
    assert.ok(
      bobs.some((e) => e.type === 'say' && e.text?.includes('Press 1')),
      JSON.stringify(bobs),
    );
    const heard = await eventually(async () => (await events(alice, parent)).find((e) => e.type === 'heard'));
    assert.ok(
      (heard.frequencies ?? []).some((f) => Math.abs(f.hz - 1200) < 15),
      `Alice hears Bob after he accepted: ${JSON.stringify(heard)}`,
    );
  });

  test('one who does not press declines: hung up, and the dial goes on to the other who accepts', async () => {
    const alice = '+15550300011';
    const carol = '+15550300012';
    const dave = '+15550300013';
    await behave(carol, {});
    await behave(dave, { RingSeconds: '1', Digits: '1', HangupAfter: '5' });
    const vr = new twilio.twiml.VoiceResponse();
    const dial = vr.dial({ action: `${app.base}/w2-done`, timeout: 15 });
    dial.number({ url: `${app.base}/whisper` }, carol);
    dial.number({ url: `${app.base}/whisper` }, dave);
    const parent = await callWith(alice, vr);
    const done = await waitAction('/w2-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    assert.equal(done.params.DialBridged, 'true');
    const byTo = new Map((await s.client.calls.list({ parentCallSid: parent })).map((c) => [c.to, c]));
    assert.equal(done.params.DialCallSid, byTo.get(dave)!.sid);
    const carols = await eventually(async () => {
      const c = await s.client.calls(byTo.get(carol)!.sid).fetch();
      return c.status === 'completed' ? c : undefined;
    });
    assert.ok(Number(carols.duration) >= 2, 'Carol answered and heard the whisper');
  });

  test('a lone party who declines: DialCallStatus completed, DialBridged false', async () => {
    const alice = '+15550300021';
    await behave('+15550300022', { Digits: '9' });
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ action: `${app.base}/w3-done` }).number({ url: `${app.base}/whisper` }, '+15550300022');
    const parent = await callWith(alice, vr);
    const done = await waitAction('/w3-done', parent);
    assert.equal(done.params.DialCallStatus, 'completed');
    assert.equal(done.params.DialBridged, 'false');
    assert.equal((await s.client.calls(done.params.DialCallSid!).fetch()).status, 'completed');
  });

  test('a whisper may not <Dial>: alert 13201, the party is not connected', async () => {
    const alice = '+15550300031';
    const vr = new twilio.twiml.VoiceResponse();
    vr.dial({ action: `${app.base}/w4-done` }).number({ url: `${app.base}/whisper-dial` }, '+15550300032');
    const parent = await callWith(alice, vr);
    const done = await waitAction('/w4-done', parent);
    assert.equal(done.params.DialBridged, 'false');
    const alerts = await eventually(async () => {
      const a = (await s.client.monitor.v1.alerts.list()).filter((x) => x.resourceSid === done.params.DialCallSid && x.errorCode === '13201');
      return a.length ? a : undefined;
    });
    assert.equal(alerts.length, 1);
  });
});
