// The espeak-ng engine running a real program: espeak-ng itself (Debian espeak-ng), a path that does not
// exist, and a program that fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rms } from '../src/voice/media/index.js';
import { EspeakEngine, toMulaw, TtsError } from '../src/voice/tts/index.js';

const noEspeak = existsSync('/usr/bin/espeak-ng') ? false : 'espeak-ng is not installed';

test('espeak-ng speaks 8 kHz audio of a plausible length', { skip: noEspeak }, async () => {
  const engine = new EspeakEngine();
  const pcm = await engine.synthesize({ text: 'Thank you for calling. Goodbye.', voice: 'Polly.Joanna', language: 'en-US' });
  const seconds = pcm.length / 8000;
  assert.ok(seconds > 1 && seconds < 6, `${seconds} s`);
  assert.ok(rms(pcm) > 500, `rms ${rms(pcm)}`);
  const french = await engine.synthesize({ text: 'Bonjour et merci', language: 'fr-FR' });
  assert.ok(french.length > 4000);
  const mulaw = toMulaw(pcm);
  assert.equal(mulaw.length, pcm.length);
  const tricky = await engine.synthesize({ text: '--help "quotes" $(rm -rf /) `x`' });
  assert.ok(tricky.length > 4000, 'text goes through stdin, never the command line');
});

test('a clear error when espeak-ng is missing or fails', async () => {
  const missing = new EspeakEngine({ binary: '/nonexistent/espeak-ng' });
  await assert.rejects(missing.synthesize({ text: 'hi' }), (err: unknown) => {
    assert.ok(err instanceof TtsError);
    assert.equal(err.code, 'engine-missing');
    assert.match(err.message, /espeak-ng is not installed/);
    return true;
  });
  const failing = new EspeakEngine({ binary: '/bin/false' });
  await assert.rejects(failing.synthesize({ text: 'hi' }), (err: unknown) => err instanceof TtsError && err.code === 'engine-failed');
});
