/**
 * End-to-end against baresip (a real softphone) over 127.0.0.1: baresip calls us and hears espeak-ng
 * speech, which its sndfile module records; it sends RFC 4733 digits (sndcode); and we call baresip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSipEndpoint } from './endpoint.js';
import { readWav, rms } from '../media/index.js';
import { EspeakEngine } from '../tts/index.js';
import { hasBinary, waitFor, within } from './test-support/peers.js';
import { answerWithMedia, dialWithMedia } from './test-support/media-call.js';
import { BARESIP, startBaresip } from './test-support/baresip.js';

const skip = !hasBinary(BARESIP) ? 'baresip is not installed' : !hasBinary('/usr/bin/espeak-ng') ? 'espeak-ng is not installed' : false;
const TEXT = 'Hello from Switchboard. Your call is important to us.';

/** Received audio is speech-like: long enough and clearly not silence. */
function assertHeard(wav: Buffer | null, expectedSamples: number, label: string): void {
  assert.ok(wav, `${label}: baresip wrote a recording`);
  const { info, pcm } = readWav(wav);
  assert.equal(info.sampleRate, 8000);
  assert.ok(pcm.length > expectedSamples * 0.8, `${label}: ${pcm.length} samples recorded, expected about ${expectedSamples}`);
  assert.ok(pcm.length < expectedSamples + 8000 * 4, `${label}: ${pcm.length} samples is far longer than ${expectedSamples}`);
  assert.ok(rms(pcm) > 300, `${label}: recording is not silence (rms ${rms(pcm).toFixed(0)})`);
}

test('baresip calls us: we answer with espeak speech (recorded by baresip), it sends DTMF, we hang up', { skip }, async (t) => {
  const speech = await new EspeakEngine().synthesize({ text: TEXT, voice: 'alice', language: 'en-US' });
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  const bs = await startBaresip();
  t.after(async () => {
    bs.stop();
    await ep.close();
  });
  const digits: string[] = [];
  let heardFromBaresip = 0;
  const done = new Promise<void>((resolve, reject) => {
    ep.once('invite', async (call) => {
      try {
        assert.equal(call.requestUser, '+15551230000');
        const rtp = await answerWithMedia(call);
        assert.ok(rtp);
        rtp.on('digit', (d) => digits.push(d));
        rtp.startRecording();
        await bs.waitEvent('CALL_ESTABLISHED');
        bs.command('sndcode', '4');
        await rtp.play(speech);
        await waitFor(() => digits.length >= 1, 5000, 'a digit from baresip');
        heardFromBaresip = rms(rtp.stopRecording() ?? new Int16Array(0));
        await call.bye();
        resolve();
      } catch (err) {
        reject(err);
      }
    });
  });
  bs.command('dial', `sip:+15551230000@127.0.0.1:${ep.ports.udp}`);
  await within(done, 25000, 'the call');
  await bs.waitEvent('CALL_CLOSED');
  assert.deepEqual(digits, ['4']);
  assert.ok(heardFromBaresip > 300, `baresip's tone reached us (rms ${heardFromBaresip})`);
  await waitFor(() => bs.dump('dec'), 5000, 'sndfile dump');
  assertHeard(bs.dump('dec'), speech.length, 'baresip heard our speech');
});

test('we call baresip (auto-answer) and play speech to it', { skip }, async (t) => {
  const speech = await new EspeakEngine().synthesize({ text: 'Goodbye.', voice: 'man', language: 'en-GB' });
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  const bs = await startBaresip();
  t.after(async () => {
    bs.stop();
    await ep.close();
  });
  const { call, rtp, outcome } = await dialWithMedia(ep, `sip:bob@127.0.0.1:${bs.sipPort}`, { timeoutMs: 10000 });
  assert.equal(outcome.kind, 'answered');
  await rtp.play(speech);
  await call.bye();
  await bs.waitEvent('CALL_CLOSED');
  await waitFor(() => bs.dump('dec'), 5000, 'sndfile dump');
  assertHeard(bs.dump('dec'), speech.length, 'baresip heard our speech');
});
