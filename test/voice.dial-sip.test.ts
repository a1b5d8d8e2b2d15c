/**
 * <Dial> over real SIP and RTP: a virtual phone calls the app, whose TwiML dials another number of the
 * account; that leg loops through Switchboard's own SIP endpoint (an INVITE, RTP on the engine threads) and
 * answers with TwiML that plays digits and records. The bridge relays the caller's tone into that
 * recording (checked by frequency) and the callee's RFC 4733 digits back to the caller.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { readWav, toneShare } from '../src/voice/media/index.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

let s: TestServer;
let app: FakeApp;

before(async () => {
  s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1' });
  app = await new FakeApp().start();
});
after(async () => {
  await s.close();
  await app.stop();
});

test("a dialled number of our own answers over SIP: the caller's tone reaches its recording, its digits reach the caller", async () => {
  const front = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/front` })).phoneNumber;
  const desk = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/desk` })).phoneNumber;
  app.respond((r) => {
    if (r.path === '/front') {
      const vr = new twilio.twiml.VoiceResponse();
      vr.dial({ action: '/front-done', timeout: 10 }).number(desk);
      return { body: vr.toString() };
    }
    if (r.path === '/desk') {
      const vr = new twilio.twiml.VoiceResponse();
      vr.play({ digits: 'w73' });
      vr.record({ maxLength: 3, timeout: 0, playBeep: false, action: '/desk-recorded' });
      return { body: vr.toString() };
    }
    if (r.path === '/desk-recorded') return { body: '<Response><Hangup/></Response>' };
    if (r.path === '/front-done') return { body: '<Response><Hangup/></Response>' };
    return undefined;
  });
  const caller = '+15550200001';
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`, { method: 'POST', form: { To: front, Audio: 'tone:700' } });
  assert.equal(res.status, 201);
  const parent = ((await res.json()) as { call_sid: string }).call_sid;
  const done = await app.waitFor((r) => r.path === '/front-done' && r.params.CallSid === parent, 30_000);
  assert.equal(done.params.DialCallStatus, 'completed');
  const child = await s.client.calls(done.params.DialCallSid!).fetch();
  assert.equal(child.direction, 'outbound-dial');
  assert.equal(child.parentCallSid, parent);

  const recorded = await app.waitFor((r) => r.path === '/desk-recorded', 30_000);
  const wav = await (await fetch(`${recorded.params.RecordingUrl}.wav`)).arrayBuffer();
  const pcm = readWav(Buffer.from(wav)).pcm;
  assert.ok(toneShare(pcm, 700) > 0.3, `the desk recorded the caller's 700 Hz (${toneShare(pcm, 700)})`);

  const heard = await eventually(async () => {
    const calls = (
      (await (await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(caller)}/Calls`)).json()) as {
        calls: Array<{ call_sid: string; events: Array<{ type: string; digits?: string }> }>;
      }
    ).calls;
    return calls.find((c) => c.call_sid === parent)?.events.find((e) => e.type === 'heard');
  }, 20_000);
  assert.equal(heard.digits, '73', "the desk's <Play digits> crossed the SIP leg and the bridge");
});
