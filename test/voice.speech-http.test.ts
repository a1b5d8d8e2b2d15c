/**
 * <Gather input="speech"> through a call with `--speech-engine http`: a virtual phone says a phrase
 * (espeak-ng), the endpointer cuts the utterance, and the server posts it to a local OpenAI-compatible
 * transcription endpoint, which checks what it got (a WAV of speech of a plausible length, the hints as the
 * prompt, the key) and answers as Whisper does. The action gets the normalized text and the confidence
 * derived from the segments; an endpoint that fails raises 13334 without the key, and the Gather falls through.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { TranscriptionEndpoint, type ReceivedTranscription } from '../src/voice/speech/test-support/transcription-endpoint.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { toolMissing } from './support/tools.js';
import { behave } from './support/virtual-phones.js';

const skip = toolMissing('espeak-ng');
const KEY = 'sk-through-call-93e1d0b7a2c4';
const SEGMENTS = [
  { id: 0, start: 0, end: 0.7, text: ' Billing,', avg_logprob: -0.21 },
  { id: 1, start: 0.7, end: 1.1, text: ' please.', avg_logprob: -0.35 },
];
// Worked out here: (0.7 * -0.21 + 0.4 * -0.35) / 1.1, then exp, rounded to 4 decimals.
const CONFIDENCE = Math.round(Math.exp((0.7 * -0.21 + 0.4 * -0.35) / 1.1) * 1e4) / 1e4;

const GATHER = (app: FakeApp, path: string) =>
  `<Response><Gather input="speech" hints="billing, support" speechTimeout="auto" timeout="8" action="${app.base}${path}"><Say>Say billing or support.</Say></Gather><Redirect>${app.base}/fell-through</Redirect></Response>`;

/** Root mean square of the loudest 100 ms, in dBFS. */
function loudestDbfs(pcm: Int16Array): number {
  let best = 0;
  for (let start = 0; start + 800 <= pcm.length; start += 400) {
    let sum = 0;
    for (let i = start; i < start + 800; i++) sum += (pcm[i] ?? 0) ** 2;
    best = Math.max(best, Math.sqrt(sum / 800));
  }
  return 20 * Math.log10(Math.max(best, 1) / 32768);
}

let s: TestServer;
let app: FakeApp;
let endpoint: TranscriptionEndpoint;
let shop = '';
let log = '';

before(async () => {
  if (skip) return;
  endpoint = await new TranscriptionEndpoint(() => ({ body: JSON.stringify({ text: 'Billing, please.', segments: SEGMENTS }) })).start();
  const logStream = new PassThrough();
  logStream.on('data', (c: Buffer) => {
    log += c.toString('utf8');
  });
  s = await startTestServer(
    { sipPort: 0, sipHost: '127.0.0.1', speechEngine: 'http', speechUrl: endpoint.url, speechApiKey: KEY },
    { SWITCHBOARD_LOG_LEVEL: 'debug' },
    { logStream },
  );
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  if (skip) return;
  await s.close();
  await app.stop();
  await endpoint.stop();
});

describe('<Gather input="speech"> with --speech-engine http', { skip }, () => {
  test('the endpoint gets the utterance and the action gets SpeechResult=billing please with the derived Confidence', async () => {
    const caller = '+15550410001';
    await behave(s, caller, { Audio: ['pause:2', 'say:billing please'], HangupAfter: '20' });
    const call = await s.client.calls.create({ to: caller, from: shop, twiml: GATHER(app, '/heard') });
    const heard = await app.waitFor((r) => r.path === '/heard' && r.params.CallSid === call.sid, 60_000);
    assert.equal(heard.params.SpeechResult, 'billing please');
    assert.equal(heard.params.Confidence, String(CONFIDENCE));
    await s.client.calls(call.sid).update({ status: 'completed' });

    assert.equal(endpoint.received.length, 1, 'one utterance, one request (no partials)');
    const r = endpoint.received[0] as ReceivedTranscription;
    assert.deepEqual(r.fields, { model: 'whisper-1', language: 'en', prompt: 'billing, support', response_format: 'verbose_json', temperature: '0' });
    assert.equal(r.authorization, `Bearer ${KEY}`);
    const wav = r.file?.wav;
    assert.deepEqual([wav?.formatTag, wav?.sampleRate, wav?.channels, wav?.bitsPerSample], [1, 8000, 1, 16]);
    const seconds = (wav?.samples.length ?? 0) / 8000;
    // "billing please" is about a second of espeak-ng speech, plus the 300 ms kept before it and the second of silence that ended it.
    assert.ok(seconds > 1 && seconds < 5, `utterance of ${seconds} s`);
    const dbfs = loudestDbfs(wav?.samples ?? new Int16Array(0));
    assert.ok(dbfs > -30, `the loudest 100 ms at ${dbfs.toFixed(1)} dBFS: speech, not line noise`);
    assert.ok(!log.includes(KEY), 'the key is never logged');
  });

  test('an endpoint that fails raises 13334 naming the status but not the key, and the Gather falls through', async () => {
    endpoint.answer((r) => ({ status: 500, body: `{"error":"out of memory","echo":"${r.authorization}"}` }));
    const caller = '+15550410002';
    await behave(s, caller, { Audio: ['pause:2', 'say:support'], HangupAfter: '20' });
    const call = await s.client.calls.create({ to: caller, from: shop, twiml: GATHER(app, '/never') });
    await app.waitFor((r) => r.path === '/fell-through' && r.params.CallSid === call.sid, 60_000);
    const alert = await eventually(async () =>
      (await s.client.monitor.v1.alerts.list({ limit: 50 })).find((a) => a.resourceSid === call.sid && a.errorCode === '13334'),
    );
    assert.match(alert.alertText ?? '', /answered 500/);
    assert.match(alert.alertText ?? '', /out of memory/);
    assert.ok(!(alert.alertText ?? '').includes(KEY), alert.alertText);
    assert.equal(app.receivedAt('/never').length, 0);
    await s.client
      .calls(call.sid)
      .update({ status: 'completed' })
      .catch(() => undefined);
    assert.ok(!log.includes(KEY), 'the key is never logged');
  });
});
