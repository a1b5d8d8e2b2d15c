/**
 * <Dial><Number machineDetection> end to end with virtual phones (real RTP): the detector runs on the
 * dialled leg once it answers. Without amdStatusCallback the leg waits for the verdict, so the Number's url
 * (whisper) request and the child call's status callbacks carry AnsweredBy (a voicemail that ends with a
 * beep: machine_end_beep); with amdStatusCallback the verdict is posted there for the child call ("hello?":
 * human). The child Call resource keeps answered_by; the parent's does not get one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { toolMissing } from './support/tools.js';
import { behave } from './support/virtual-phones.js';

const skip = toolMissing('espeak-ng');
const GREETING = 'say:Hi, you have reached the voicemail of John Smith. I am not available right now. Please leave a message after the tone.';

let s: TestServer;
let app: FakeApp;
let shop = '';

before(async () => {
  if (skip) return;
  s = await startTestServer();
  app = await new FakeApp().start();
  // The whisper accepts (an empty document runs to its end): the leg is then bridged to the caller.
  app.respond((r) => (r.path.startsWith('/whisper') ? { body: '<Response/>' } : undefined));
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  if (skip) return;
  await s.close();
  await app.stop();
});

describe('<Dial><Number machineDetection>', { skip }, () => {
  test('a voicemail with a beep: the whisper request and the child callbacks carry AnsweredBy=machine_end_beep', async () => {
    const caller = '+15550610001';
    const voicemail = '+15550610002';
    await behave(s, caller, { HangupAfter: '30' });
    await behave(s, voicemail, { Audio: [GREETING, 'pause:0.6', 'tone:1000:0.8', 'pause:25'] });
    const parent = await s.client.calls.create({
      to: caller,
      from: shop,
      twiml:
        `<Response><Dial timeout="20"><Number machineDetection="DetectMessageEnd" url="${app.base}/whisper-vm" ` +
        `statusCallback="${app.base}/child-vm" statusCallbackEvent="answered completed">${voicemail}</Number></Dial></Response>`,
    });
    const whisper = await app.waitFor((r) => r.path === '/whisper-vm' && r.params.ParentCallSid === parent.sid, 60_000);
    assert.equal(whisper.params.AnsweredBy, 'machine_end_beep', JSON.stringify(whisper.params));
    const child = whisper.params.CallSid!;
    assert.notEqual(child, parent.sid);
    assert.equal((await s.client.calls(child).fetch()).answeredBy, 'machine_end_beep');
    await s.client.calls(parent.sid).update({ status: 'completed' });
    const done = await app.waitFor((r) => r.path === '/child-vm' && r.params.CallSid === child && r.params.CallStatus === 'completed', 30_000);
    assert.equal(done.params.AnsweredBy, 'machine_end_beep');
    assert.equal((await s.client.calls(parent.sid).fetch()).answeredBy, null, 'the parent call was not the one detected');
  });

  test('"hello?" with amdStatusCallback: the leg goes on and the callback says human for the child call', async () => {
    const caller = '+15550610003';
    const person = '+15550610004';
    await behave(s, caller, { HangupAfter: '30' });
    await behave(s, person, { Audio: ['pause:0.4', 'say:hello?', 'pause:25'] });
    const parent = await s.client.calls.create({
      to: caller,
      from: shop,
      twiml:
        `<Response><Dial timeout="20"><Number machineDetection="DetectMessageEnd" amdStatusCallback="${app.base}/amd-person" ` +
        `amdStatusCallbackMethod="POST">${person}</Number></Dial></Response>`,
    });
    const cb = await app.waitFor((r) => r.path === '/amd-person', 60_000);
    assert.equal(cb.params.AnsweredBy, 'human', JSON.stringify(cb.params));
    assert.ok(Number(cb.params.MachineDetectionDuration) > 0, cb.params.MachineDetectionDuration);
    const children = await s.client.calls.list({ parentCallSid: parent.sid });
    assert.equal(children.length, 1);
    assert.equal(cb.params.CallSid, children[0]!.sid);
    assert.equal((await s.client.calls(children[0]!.sid).fetch()).answeredBy, 'human');
    await s.client.calls(parent.sid).update({ status: 'completed' });
  });
});
