// Needs no program: what runs espeak-ng (or a stand-in for it) is in test/voice.tts.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CachedTts } from './cache.js';
import { EspeakEngine } from './espeak.js';
import { resolveVoice } from './voices.js';
import { TtsError } from './tts.js';
import type { SynthesisRequest, TtsEngine } from './tts.js';

test('Twilio voices and languages map to the nearest espeak-ng voice', () => {
  assert.deepEqual(resolveVoice(undefined, undefined), { voice: 'en-us+m3', language: 'en-us', gender: 'male' });
  assert.equal(resolveVoice('man', 'en-GB').voice, 'en-gb+m3');
  assert.equal(resolveVoice('woman', 'fr-FR').voice, 'fr-fr+f3');
  assert.equal(resolveVoice('alice', 'es-MX').voice, 'es-419+f3');
  assert.equal(resolveVoice('alice', 'de-DE').voice, 'de+f3');
  assert.equal(resolveVoice('alice', 'pt-BR').voice, 'pt-br+f3');
  assert.equal(resolveVoice('alice', 'ja-JP').voice, 'ja+f3');
  assert.equal(resolveVoice('alice', 'zh-CN').voice, 'cmn+f3');
  assert.equal(resolveVoice('alice', 'xx-YY').voice, 'en-us+f3', 'unknown languages fall back to English');
  assert.equal(resolveVoice('alice', 'it').voice, 'it+f3');
  assert.equal(resolveVoice('Polly.Matthew', 'fr-FR').voice, 'en-us+m3', 'a Polly voice fixes its own language');
  assert.equal(resolveVoice('Polly.Celine', undefined).voice, 'fr-fr+f3');
  assert.equal(resolveVoice('Polly.Céline-Neural', undefined).voice, 'fr-fr+f3');
  assert.equal(resolveVoice('Polly.Hans', undefined).voice, 'de+m3');
  assert.equal(resolveVoice('Polly.Amy-Generative', undefined).voice, 'en-gb+f3');
  assert.equal(resolveVoice('Google.de-DE-Standard-B', 'en-US').language, 'de');
  assert.equal(resolveVoice('Google.en-GB-Wavenet-A', undefined).language, 'en-gb');
});

class FakeEngine implements TtsEngine {
  readonly name = 'fake';
  calls: SynthesisRequest[] = [];
  async synthesize(r: SynthesisRequest): Promise<Int16Array> {
    this.calls.push(r);
    await new Promise((res) => setTimeout(res, 5));
    if (r.text === 'fail') throw new TtsError('engine-failed', 'boom');
    return new Int16Array(r.text.length * 100);
  }
}

test('the cache keys on (voice, language, text), shares in-flight work and evicts the oldest', async () => {
  const engine = new FakeEngine();
  const tts = new CachedTts(engine, { maxBytes: 2 * 100 * 2 * 5 }); // room for two 5-character prompts
  const [a, b] = await Promise.all([tts.synthesize({ text: 'hello' }), tts.synthesize({ text: 'hello' })]);
  assert.equal(a, b);
  assert.equal(engine.calls.length, 1);
  await tts.synthesize({ text: 'hello', voice: 'alice' });
  await tts.synthesize({ text: 'hello', language: 'fr-FR' });
  assert.equal(engine.calls.length, 3, 'voice and language are part of the key');
  assert.equal(tts.size, 2, 'the first entry was evicted');
  await tts.synthesize({ text: 'hello' });
  assert.equal(engine.calls.length, 4);
  await tts.synthesize({ text: 'hello', language: 'fr-FR' });
  assert.equal(engine.calls.length, 4);
  assert.equal(tts.hits, 1);
  await assert.rejects(tts.synthesize({ text: 'fail' }), TtsError);
  await assert.rejects(tts.synthesize({ text: 'fail' }), TtsError, 'failures are not cached');
  assert.equal(engine.calls.length, 6);
});

test('text over the limit is refused before espeak-ng runs', async () => {
  await assert.rejects(
    new EspeakEngine({ maxChars: 5 }).synthesize({ text: 'too long' }),
    (err: unknown) => err instanceof TtsError && err.code === 'text-too-long',
  );
});
