/**
 * <Gather input="speech"> end to end, with the offline pocketsphinx engine (Debian pocketsphinx +
 * pocketsphinx-en-us): a virtual phone says a sentence (espeak-ng) after the prompt starts, and baresip, a
 * real softphone, sends a WAV made by espeak-ng; in both the action gets a SpeechResult with the hinted
 * keyword and a Confidence between 0 and 1. A language the engine lacks raises 13334 and falls through.
 */
import assert from 'node:assert/strict';

import { after, before, describe, test } from 'node:test';
import { concatPcm, silence } from '../src/voice/media/index.js';
import { EspeakEngine } from '../src/voice/tts/index.js';
import { FakeApp, eventually } from './support/app.js';
import { startBaresip } from './support/baresip.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { toolMissing } from './support/tools.js';
import { behave } from './support/virtual-phones.js';

const skip = toolMissing('pocketsphinx') || toolMissing('pocketsphinx-en-us') || toolMissing('espeak-ng');

const GATHER = (action: string, extra = '') =>
  `<Response><Gather input="speech" hints="billing, support, sales, talk to an agent" speechTimeout="auto" timeout="8" action="${action}"${extra}><Say>Say billing, support or sales.</Say></Gather><Say>We did not hear you.</Say></Response>`;

let s: TestServer;
let app: FakeApp;
let shop = '';

before(async () => {
  if (skip) return;
  s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1' });
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  if (skip) return;
  await s.close();
  await app.stop();
});

describe('<Gather input="speech">', { skip }, () => {
  test('a virtual phone that says "I want to talk about billing" gets SpeechResult billing', async () => {
    const caller = '+15550400001';
    await behave(s, caller, { Audio: ['pause:2', 'say:I want to talk about billing'], HangupAfter: '20' });
    const call = await s.client.calls.create({ to: caller, from: shop, twiml: GATHER(`${app.base}/heard-virtual`) });
    const heard = await app.waitFor((r) => r.path === '/heard-virtual' && r.params.CallSid === call.sid, 120_000);
    assert.match(heard.params.SpeechResult ?? '', /\bbilling\b/, JSON.stringify(heard.params));
    const confidence = Number(heard.params.Confidence);
    assert.ok(confidence > 0 && confidence <= 1, `Confidence ${heard.params.Confidence}`);
    assert.equal(heard.params.Digits, undefined, 'a speech result carries no Digits');
    await s.client.calls(call.sid).update({ status: 'completed' });
  });

  test('baresip sends "support please" (an espeak-ng WAV) and the action gets SpeechResult support', {
    skip: toolMissing('baresip'),
  }, async () => {
    const speech = await new EspeakEngine().synthesize({ text: 'support please', voice: 'alice', language: 'en-US' });
    const bs = await startBaresip({ source: concatPcm([silence(2500), speech]) });
    try {
      const call = await s.client.calls.create({ to: `sip:bob@127.0.0.1:${bs.sipPort}`, from: shop, twiml: GATHER(`${app.base}/heard-baresip`) });
      const heard = await app.waitFor((r) => r.path === '/heard-baresip' && r.params.CallSid === call.sid, 120_000);
      assert.match(heard.params.SpeechResult ?? '', /\bsupport\b/, JSON.stringify(heard.params));
      await s.client.calls(call.sid).update({ status: 'completed' });
    } finally {
      bs.stop();
    }
  });

  test('a language the engine lacks raises 13334 and the Gather falls through to the next verb', async () => {
    const caller = '+15550400002';
    await behave(s, caller, { Audio: ['say:hola'], HangupAfter: '10' });
    const call = await s.client.calls.create({
      to: caller,
      from: shop,
      twiml: `<Response><Gather input="speech" language="fr-FR" action="${app.base}/never"/><Redirect>${app.base}/after</Redirect></Response>`,
    });
    await app.waitFor((r) => r.path === '/after' && r.params.CallSid === call.sid, 15_000);
    const alert = await eventually(async () =>
      (await s.client.monitor.v1.alerts.list({ limit: 50 })).find((a) => a.resourceSid === call.sid && a.errorCode === '13334'),
    );
    assert.match(alert.alertText ?? '', /fr-FR/);
    assert.equal(app.received.filter((r) => r.path === '/never').length, 0);
  });
});
