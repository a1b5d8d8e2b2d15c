/**
 * <Record transcribe="true"> end to end: a virtual phone leaves a voicemail (a WAV spoken by flite, played
 * over the call's RTP), the recording is transcribed by the offline pocketsphinx engine, transcribeCallback
 * gets Twilio's parameters, and the Transcriptions resource lists, fetches and deletes it (under the
 * account and under the recording) through the official twilio SDK.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { toolMissing } from './support/tools.js';
import { behave } from './support/virtual-phones.js';

const skip = toolMissing('pocketsphinx') || toolMissing('pocketsphinx-en-us') || toolMissing('flite') || toolMissing('sox');

let s: TestServer;
let app: FakeApp;
let shop = '';
let voicemail: Buffer = Buffer.alloc(0);

before(async () => {
  if (skip) return;
  const dir = mkdtempSync(join(tmpdir(), 'sb-voicemail-'));
  try {
    execFileSync('flite', ['-voice', 'slt', '-t', 'Hello, this is John. Please call me back about the invoice.', '-o', join(dir, 'raw.wav')]);
    execFileSync('sox', [join(dir, 'raw.wav'), '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed', join(dir, 'vm.wav')]);
    voicemail = readFileSync(join(dir, 'vm.wav'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  s = await startTestServer();
  app = await new FakeApp().start();
  app.on('/voicemail.wav', (_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/wav' });
    res.end(voicemail);
  });
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});
after(async () => {
  if (skip) return;
  await s.close();
  await app.stop();
});

test('a voicemail is transcribed: the callback, then fetch, list and delete through the SDK', { skip }, async () => {
  const caller = '+15550500001';
  await behave(s, caller, { Audio: ['pause:3', `play:${app.base}/voicemail.wav`], HangupAfter: '20' });
  const call = await s.client.calls.create({
    to: caller,
    from: shop,
    twiml: `<Response><Say>Leave a message.</Say><Record transcribe="true" transcribeCallback="${app.base}/transcribed" timeout="2" maxLength="20" action="${app.base}/recorded"/></Response>`,
  });
  const recorded = await app.waitFor((r) => r.path === '/recorded' && r.params.CallSid === call.sid, 40_000);
  const cb = await app.waitFor((r) => r.path === '/transcribed' && r.params.CallSid === call.sid, 240_000);
  assert.equal(cb.params.TranscriptionStatus, 'completed', JSON.stringify(cb.params));
  assert.match(cb.params.TranscriptionText ?? '', /\b(call me back|john)\b/, `the words of the voicemail: ${cb.params.TranscriptionText}`);
  assert.equal(cb.params.RecordingSid, recorded.params.RecordingSid);
  assert.equal(cb.params.RecordingUrl, recorded.params.RecordingUrl);
  assert.match(cb.params.TranscriptionSid ?? '', /^TR[0-9a-f]{32}$/);
  assert.ok(cb.params.TranscriptionUrl?.endsWith(`/Transcriptions/${cb.params.TranscriptionSid}`), cb.params.TranscriptionUrl);

  const sid = cb.params.TranscriptionSid!;
  const fetched = await s.client.transcriptions(sid).fetch();
  assert.equal(fetched.status, 'completed');
  assert.equal(fetched.transcriptionText, cb.params.TranscriptionText);
  assert.equal(fetched.recordingSid, recorded.params.RecordingSid);
  assert.equal(fetched.type, 'fast');
  assert.equal(fetched.price, null);
  assert.ok(Number(fetched.duration) >= 2, `duration ${fetched.duration}`);
  const underRecording = await s.client.recordings(recorded.params.RecordingSid!).transcriptions.list();
  assert.deepEqual(
    underRecording.map((t) => t.sid),
    [sid],
  );
  assert.ok((await s.client.transcriptions.list({ limit: 20 })).some((t) => t.sid === sid));
  await s.client.transcriptions(sid).remove();
  await assert.rejects(s.client.transcriptions(sid).fetch(), (err: { status?: number }) => err.status === 404);
});
