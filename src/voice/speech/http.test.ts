import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HttpSpeechRecognizer, type HttpSpeechOptions } from './http.js';
import { SpeechError, type RecognitionRequest, type SpeechErrorCode } from './recognizer.js';
import { TranscriptionEndpoint } from './test-support/transcription-endpoint.js';

const KEY = 'sk-test-4f9a1c7e2b8d6035';
const ANSWER = JSON.stringify({
  text: ' Billing, please.',
  segments: [
    { id: 0, start: 0, end: 0.6, text: ' Billing,', avg_logprob: -0.15 },
    { id: 1, start: 0.6, end: 1.0, text: ' please.', avg_logprob: -0.45 },
  ],
});
// (0.6 * -0.15 + 0.4 * -0.45) / 1.0 = -0.27, worked out here rather than by the code under test.
const ANSWER_CONFIDENCE = Math.round(Math.exp(-0.27) * 1e4) / 1e4;

let endpoint: TranscriptionEndpoint;
before(async () => {
  endpoint = await new TranscriptionEndpoint(() => ({ body: ANSWER })).start();
});
after(() => endpoint.stop());

function reset(handler: ConstructorParameters<typeof TranscriptionEndpoint>[0] = () => ({ body: ANSWER })): void {
  endpoint.answer(handler);
  endpoint.received.length = 0;
  endpoint.maxInFlight = 0;
  endpoint.abandoned = 0;
}

const engine = (o: Partial<HttpSpeechOptions> = {}): HttpSpeechRecognizer =>
  new HttpSpeechRecognizer({ url: endpoint.url, apiKey: KEY, model: 'whisper-large', timeoutMs: 5000, ...o });

/** Half a second of a 440 Hz tone with a ramp, so every sample differs from its neighbours. */
function utterance(samples = 4000): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(Math.sin((2 * Math.PI * 440 * i) / 8000) * 8000 + (i % 97) * 3 - 150));
}

const ask = (o: Partial<RecognitionRequest> = {}): RecognitionRequest => ({ pcm: utterance(), language: 'en-US', hints: [], model: null, ...o });

const failsWith =
  (code: SpeechErrorCode, check: (e: SpeechError) => void = () => undefined) =>
  (e: unknown) => {
    assert.ok(e instanceof SpeechError, String(e));
    assert.equal(e.code, code, e.message);
    check(e);
    return true;
  };

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the request: a multipart form with the WAV of the samples sent, model, language, prompt, format, temperature, and the key', async () => {
  reset();
  const pcm = utterance();
  const result = await engine().recognize(ask({ pcm, hints: ['billing', ' support ', '$OOV_CLASS_DIGIT_SEQUENCE'] }));
  assert.deepEqual(result, { text: 'billing please', confidence: ANSWER_CONFIDENCE });
  const [r] = endpoint.received;
  assert.ok(r);
  assert.equal(r.path, '/v1/audio/transcriptions');
  assert.match(r.contentType, /^multipart\/form-data; boundary=/);
  assert.equal(r.authorization, `Bearer ${KEY}`);
  assert.deepEqual(r.fields, { model: 'whisper-large', language: 'en', prompt: 'billing, support', response_format: 'verbose_json', temperature: '0' });
  assert.equal(r.file?.name, 'utterance.wav');
  assert.equal(r.file?.type, 'audio/wav');
  const wav = r.file?.wav;
  assert.deepEqual([wav?.formatTag, wav?.sampleRate, wav?.channels, wav?.bitsPerSample], [1, 8000, 1, 16]);
  assert.deepEqual(wav?.samples, pcm, 'the samples are the PCM sent');
});

test("the model: the Gather's speechModel, Twilio's names the default; no hints no prompt; no key no Authorization", async () => {
  reset();
  await engine().recognize(ask({ model: 'large-v3', language: 'es-MX' }));
  await engine().recognize(ask({ model: 'phone_call' }));
  await engine({ apiKey: undefined }).recognize(ask());
  const [own, twilios, keyless] = endpoint.received;
  assert.equal(own?.fields['model'], 'large-v3');
  assert.equal(own?.fields['language'], 'es');
  assert.equal(twilios?.fields['model'], 'whisper-large');
  assert.equal('prompt' in (keyless?.fields ?? {}), false);
  assert.equal(keyless?.authorization, undefined);
});

test('a language filter: only the configured base languages, refused without a request; none configured: any', async () => {
  reset();
  const some = engine({ languages: ['en', 'es'] });
  assert.deepEqual(
    ['en-US', 'en-GB', 'es-MX', 'fr-FR', 'cmn-Hans-CN'].map((l) => some.supports(l)),
    [true, true, true, false, false],
  );
  await assert.rejects(some.recognize(ask({ language: 'fr-FR' })), failsWith('unsupported-language'));
  assert.equal(endpoint.received.length, 0);
  assert.ok(engine().supports('fr-FR') && engine().supports('ja-JP'));
});

test('an utterance under 0.2 s is nothing, without a request', async () => {
  reset();
  assert.deepEqual(await engine().recognize(ask({ pcm: utterance(1200) })), { text: '', confidence: 0 });
  assert.equal(endpoint.received.length, 0);
});

test('a 500 is engine-failed with the status and the start of the body, never the key (even when the body echoes it)', async () => {
  reset(() => ({ status: 500, body: `{"error":"model crashed","auth":"Bearer ${KEY}","trace":"${'x'.repeat(400)}"}` }));
  await assert.rejects(
    engine().recognize(ask()),
    failsWith('engine-failed', (e) => {
      assert.match(e.message, /answered 500/);
      assert.match(e.message, /model crashed/);
      assert.ok(!e.message.includes(KEY), e.message);
      assert.ok(!e.message.includes('x'.repeat(250)), 'the body is cut to 200 characters');
    }),
  );
});

test('an answer that is not JSON, or JSON without text, is engine-failed', async () => {
  reset(() => ({ body: '<html><body>Bad Gateway</body></html>' }));
  await assert.rejects(
    engine().recognize(ask()),
    failsWith('engine-failed', (e) => assert.match(e.message, /not JSON.*Bad Gateway/)),
  );
  reset(() => ({ body: '{"result":"billing"}' }));
  await assert.rejects(
    engine().recognize(ask()),
    failsWith('engine-failed', (e) => assert.match(e.message, /no "text"/)),
  );
});

test('an endpoint nobody listens on is engine-failed, naming the endpoint without its query string', async () => {
  const closed = new TranscriptionEndpoint(() => ({ body: ANSWER }));
  await closed.start();
  const url = `${closed.url}?api-key=${KEY}`;
  await closed.stop();
  await assert.rejects(
    engine({ url }).recognize(ask()),
    failsWith('engine-failed', (e) => {
      assert.match(e.message, /could not reach http:\/\/127\.0\.0\.1:\d+\/v1\/audio\/transcriptions: .*ECONNREFUSED/);
      assert.ok(!e.message.includes(KEY), e.message);
    }),
  );
});

test('no answer within the timeout is timeout, and the request is dropped', async () => {
  reset(() => ({ body: ANSWER, delayMs: 5000 }));
  await assert.rejects(
    engine({ timeoutMs: 150 }).recognize(ask()),
    failsWith('timeout', (e) => assert.match(e.message, /did not answer within 200 ms/)),
  );
  await until(() => endpoint.abandoned === 1);
});

test("the request's signal aborts it in flight ('aborted'), and one aborted before its turn never reaches the endpoint", async () => {
  reset(() => 'hang');
  const asr = engine({ maxConcurrent: 1 });
  const first = new AbortController();
  const second = new AbortController();
  const inFlight = asr.recognize(ask({ signal: first.signal }));
  const queued = asr.recognize(ask({ signal: second.signal }));
  await until(() => endpoint.received.length === 1);
  second.abort();
  await assert.rejects(queued, failsWith('aborted'));
  first.abort();
  await assert.rejects(inFlight, failsWith('aborted'));
  await until(() => endpoint.abandoned === 1);
  assert.equal(endpoint.received.length, 1);
});

test('at most --speech-concurrency requests in flight; the rest wait their turn; beyond the queue: busy', async () => {
  reset(() => ({ body: ANSWER, delayMs: 100 }));
  const asr = engine({ maxConcurrent: 2 });
  const results = await Promise.all(Array.from({ length: 6 }, () => asr.recognize(ask())));
  assert.equal(endpoint.received.length, 6);
  assert.equal(endpoint.maxInFlight, 2, 'the server never saw more than two at once');
  assert.ok(results.every((r) => r.text === 'billing please'));

  reset(() => 'hang');
  const small = engine({ maxConcurrent: 1, maxQueued: 1 });
  const running = small.recognize(ask());
  const waiting = small.recognize(ask());
  await assert.rejects(small.recognize(ask()), failsWith('busy'));
  await until(() => endpoint.received.length === 1);
  await small.close();
  await assert.rejects(
    running,
    failsWith('engine-failed', (e) => assert.match(e.message, /closed/)),
  );
  await assert.rejects(
    waiting,
    failsWith('engine-failed', (e) => assert.match(e.message, /closed/)),
  );
  assert.equal(endpoint.received.length, 1, 'the waiting one was not sent after close');
  await assert.rejects(small.recognize(ask()), failsWith('engine-failed'));
});

test('the key is not an enumerable property (a logged recognizer does not show it)', () => {
  const asr = engine();
  assert.ok(!JSON.stringify(asr).includes(KEY));
  assert.ok(!Object.values(asr).some((v) => String(v).includes(KEY)));
});
