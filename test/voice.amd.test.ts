/**
 * Answering machine detection end to end with virtual phones (real RTP into the call): calls.create with
 * MachineDetection=DetectMessageEnd to a phone that answers with a long greeting then a beep gets
 * AnsweredBy=machine_end_beep on its TwiML request; one that says a short "hello?" gets human; Enable
 * stops at machine_start; AsyncAmd runs the TwiML at once and posts the verdict to AsyncAmdStatusCallback.
 * The Call resource's answered_by keeps the verdict.
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
  app.respond((r) => (r.path === '/amd' ? { body: '<Response><Pause length="1"/><Hangup/></Response>' } : undefined));
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  if (skip) return;
  await s.close();
  await app.stop();
});

async function answeredBy(phone: string, extra: Record<string, string> = {}): Promise<{ params: Record<string, string>; sid: string }> {
  const call = await s.client.calls.create({ to: phone, from: shop, url: `${app.base}/amd`, machineDetection: 'DetectMessageEnd', ...extra });
  const req = await app.waitFor((r) => r.path === '/amd' && r.params.CallSid === call.sid, 60_000);
  return { params: req.params, sid: call.sid };
}

describe('MachineDetection on calls.create', { skip }, () => {
  test('a voicemail (long greeting, then a beep) is machine_end_beep; answered_by keeps it', async () => {
    const phone = '+15550600001';
    await behave(s, phone, { Audio: [GREETING, 'pause:0.6', 'tone:1000:0.8', 'pause:20'] });
    const { params, sid } = await answeredBy(phone);
    assert.equal(params.AnsweredBy, 'machine_end_beep', JSON.stringify(params));
    const ms = Number(params.MachineDetectionDuration);
    assert.ok(ms > 4000 && ms < 30_000, `MachineDetectionDuration ${params.MachineDetectionDuration}`);
    assert.equal((await s.client.calls(sid).fetch()).answeredBy, 'machine_end_beep');
  });

  test('a person who says "hello?" is human', async () => {
    const phone = '+15550600002';
    await behave(s, phone, { Audio: ['pause:0.4', 'say:hello?', 'pause:20'] });
    const { params } = await answeredBy(phone);
    assert.equal(params.AnsweredBy, 'human', JSON.stringify(params));
  });

  test('Enable answers machine_start during the greeting; AsyncAmd posts the verdict to its callback', async () => {
    const phone = '+15550600003';
    await behave(s, phone, { Audio: [GREETING, 'pause:20'] });
    const { params } = await answeredBy(phone, { machineDetection: 'Enable' });
    assert.equal(params.AnsweredBy, 'machine_start');
    const call = await s.client.calls.create({
      to: phone,
      from: shop,
      twiml: '<Response><Pause length="15"/></Response>',
      machineDetection: 'Enable',
      asyncAmd: 'true',
      asyncAmdStatusCallback: `${app.base}/amd-status`,
    });
    const cb = await app.waitFor((r) => r.path === '/amd-status' && r.params.CallSid === call.sid, 60_000);
    assert.equal(cb.params.AnsweredBy, 'machine_start');
    assert.ok(Number(cb.params.MachineDetectionDuration) >= 2400, cb.params.MachineDetectionDuration);
    await s.client.calls(call.sid).update({ status: 'completed' });
  });
});
