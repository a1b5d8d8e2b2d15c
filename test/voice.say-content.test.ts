/**
 * What a call carries, not only its shape. A call from one of the account's numbers to another goes through
 * Switchboard's own SIP stack; the callee's TwiML speaks (<Say>) or plays (<Play>), and the caller's
 * recording (Record=true keeps what the far end sent) is compared with espeak-ng's own rendering of the text
 * (the reference audio, made here by running espeak-ng directly) by the correlation of their loudness
 * envelopes, or searched for the played tone by frequency. A <Say> that played a tone of the same length, or
 * other words, would not correlate.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { readWav, resampleTo8k, wavToPcm8k, writeWav } from '../src/voice/media/index.js';
import { dominantFrequencies, tone } from '../src/voice/media/spectrum.js';
import { resolveVoice } from '../src/voice/tts/voices.js';
import { eventually, FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { toolMissing } from './support/tools.js';

const skip = toolMissing('espeak-ng');
let s: TestServer;
let files: Server;
let filesBase = '';
let shop = '';
let app: FakeApp;
const TEXT = 'Your verification code is seven four one. Thank you for calling the bakery, goodbye.';

before(async () => {
  s = await startTestServer({}, { SWITCHBOARD_SIP_PORT: '0' });
  app = await new FakeApp().start();
  files = createServer((_req, res) => res.writeHead(200, { 'content-type': 'audio/wav' }).end(writeWav(tone(1000, 1500))));
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
});
after(async () => {
  await s.close();
  await app.stop();
  files.close();
});

/** Loudness per 20 ms frame (RMS), the shape of speech over time. */
function envelope(pcm: Int16Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 160 <= pcm.length; i += 160) {
    let sum = 0;
    for (let j = i; j < i + 160; j++) sum += (pcm[j]! / 32768) ** 2;
    out.push(Math.sqrt(sum / 160));
  }
  return out;
}

/** Pearson correlation of `ref` with `sig` shifted by `lag` frames, over their overlap. */
function correlation(ref: number[], sig: number[], lag: number): number {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ref.length; i++) if (i + lag >= 0 && i + lag < sig.length) pairs.push([ref[i]!, sig[i + lag]!]);
  if (pairs.length < ref.length / 2) return 0;
  const mean = (k: 0 | 1) => pairs.reduce((a, p) => a + p[k], 0) / pairs.length;
  const [ma, mb] = [mean(0), mean(1)];
  let num = 0;
  let da = 0;
  let db = 0;
  for (const [a, b] of pairs) {
    num += (a - ma) * (b - mb);
    da += (a - ma) ** 2;
    db += (b - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

/** The best correlation over alignments up to 2 s either way (the call's audio starts a little after answer). */
const bestCorrelation = (ref: number[], sig: number[]) => Math.max(...Array.from({ length: 201 }, (_, k) => correlation(ref, sig, k - 100)));

/** Calls a second number of the account whose VoiceUrl answers `twiml`, recording what that number sent. */
async function recordingOf(twiml: string, areaCode: string): Promise<Int16Array> {
  const path = `/voice-${areaCode}`;
  app.on(path, (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(twiml));
  const callee = await s.client.incomingPhoneNumbers.create({ areaCode, voiceUrl: `${app.base}${path}` });
  const call = await s.client.calls.create({ to: callee.phoneNumber, from: shop, twiml: '<Response><Pause length="20"/></Response>', record: true });
  const rec = await eventually(async () => (await s.client.recordings.list({ callSid: call.sid })).find((r) => r.status === 'completed'), 30_000);
  const wav = await fetch(`${s.url}/2010-04-01/Accounts/${s.accountSid}/Recordings/${rec.sid}.wav`);
  assert.equal(wav.status, 200);
  return wavToPcm8k(Buffer.from(await wav.arrayBuffer()));
}

test("<Say> is espeak-ng saying the text: the recording's envelope follows espeak-ng's own rendering", { skip }, async () => {
  const recorded = await recordingOf(`<Response><Say voice="alice">${TEXT}</Say><Hangup/></Response>`, '212');
  // The reference: espeak-ng itself, run here with the voice <Say voice="alice"> maps to and Switchboard's rate.
  const { voice } = resolveVoice('alice', undefined);
  const out = spawnSync('espeak-ng', ['-v', voice, '-s', '160', '--stdout', '--stdin'], { input: TEXT, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(out.status, 0, String(out.stderr));
  const decoded = readWav(out.stdout);
  const reference = resampleTo8k(decoded.pcm, decoded.info.sampleRate);
  const ref = envelope(reference);
  const got = envelope(recorded);
  const r = bestCorrelation(ref, got);
  assert.ok(r > 0.8, `the recording follows espeak-ng's envelope (r = ${r.toFixed(3)})`);
  // The check tells speech from a tone of the same length, and from other words.
  const beep = envelope(tone(440, (reference.length / 8000) * 1000));
  assert.ok(bestCorrelation(ref, beep) < 0.3, 'a 440 Hz tone does not pass for the speech');
  const other = spawnSync('espeak-ng', ['-v', voice, '-s', '160', '--stdout', '--stdin'], { input: 'Please hold while we connect your call to an agent.' });
  const otherPcm = readWav(other.stdout);
  const otherR = bestCorrelation(ref, envelope(resampleTo8k(otherPcm.pcm, otherPcm.info.sampleRate)));
  assert.ok(otherR < r - 0.2, `other words correlate less (r = ${otherR.toFixed(3)})`);
});

test('<Play> of a 1000 Hz WAV: the recording holds 1000 Hz', async () => {
  const recorded = await recordingOf(`<Response><Play>${filesBase}/tone.wav</Play><Hangup/></Response>`, '312');
  const [peak] = dominantFrequencies(recorded);
  assert.ok(peak && Math.abs(peak.hz - 1000) < 15, `dominant ${JSON.stringify(peak)}`);
  assert.ok(peak.share > 0.5, `1000 Hz holds most of the energy (${peak.share})`);
});
