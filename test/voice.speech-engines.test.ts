/**
 * The contract every speech engine passes (src/voice/speech/recognizer.ts), run against each backend:
 * pocketsphinx (Debian pocketsphinx + pocketsphinx-en-us) and http, posting to a local OpenAI-compatible
 * transcription endpoint. That endpoint recognizes for real: it reads the WAV and the prompt it was sent
 * (test-support/transcription-endpoint.ts parses them with the web Request API) and decodes with Debian's
 * pocketsphinx, answering as Whisper does (capitalized, punctuated, segments with avg_logprob). The
 * utterance is espeak-ng speech made 8 kHz, as on a call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { concatPcm, silence } from '../src/voice/media/index.js';
import { HttpSpeechRecognizer, normalizeText, PocketsphinxRecognizer, SpeechError, type SpeechRecognizer } from '../src/voice/speech/index.js';
import { TranscriptionEndpoint } from '../src/voice/speech/test-support/transcription-endpoint.js';
import { EspeakEngine } from '../src/voice/tts/index.js';
import { toolMissing } from './support/tools.js';

const skip = toolMissing('pocketsphinx') || toolMissing('pocketsphinx-en-us') || toolMissing('espeak-ng');

interface EngineUnderTest {
  name: string;
  start(): Promise<{ recognizer: SpeechRecognizer; stop(): Promise<void> }>;
}

/** An endpoint that decodes what it is sent with pocketsphinx and answers in Whisper's verbose_json shape. */
async function pocketsphinxBehindHttp(): Promise<{ endpoint: TranscriptionEndpoint; decoder: PocketsphinxRecognizer }> {
  const decoder = new PocketsphinxRecognizer({ maxConcurrent: 1 });
  const endpoint = await new TranscriptionEndpoint(async (r) => {
    const pcm = r.file?.wav.samples ?? new Int16Array(0);
    const hints = (r.fields['prompt'] ?? '').split(', ').filter((h) => h !== '');
    const heard = await decoder.recognize({ pcm, language: `${r.fields['language']}-US`, hints, model: null });
    const text = heard.text === '' ? '' : ` ${heard.text[0]?.toUpperCase()}${heard.text.slice(1)}.`;
    const seconds = pcm.length / 8000;
    const segments = text === '' ? [] : [{ id: 0, start: 0, end: seconds, text, avg_logprob: Math.log(Math.max(heard.confidence, 1e-6)) }];
    return { body: JSON.stringify({ task: 'transcribe', language: 'english', duration: seconds, text, segments }) };
  }).start();
  return { endpoint, decoder };
}

const ENGINES: EngineUnderTest[] = [
  {
    name: 'pocketsphinx',
    async start() {
      const recognizer = new PocketsphinxRecognizer({ maxConcurrent: 1 });
      return { recognizer, stop: () => recognizer.close() };
    },
  },
  {
    name: 'http',
    async start() {
      const { endpoint, decoder } = await pocketsphinxBehindHttp();
      const recognizer = new HttpSpeechRecognizer({ url: endpoint.url, apiKey: 'sk-contract', timeoutMs: 60_000 });
      return {
        recognizer,
        stop: async () => {
          await recognizer.close();
          await endpoint.stop();
          await decoder.close();
        },
      };
    },
  },
];

let speech: Int16Array = new Int16Array(0);
before(async () => {
  if (skip) return;
  const said = await new EspeakEngine().synthesize({ text: 'I want to talk about billing', voice: 'alice', language: 'en-US' });
  speech = concatPcm([silence(300), said, silence(300)]);
});

for (const e of ENGINES) {
  describe(`speech engine contract: ${e.name}`, { skip }, () => {
    let recognizer: SpeechRecognizer;
    let stop = async (): Promise<void> => undefined;
    before(async () => {
      ({ recognizer, stop } = await e.start());
    });
    after(() => stop());

    test("supports('en-US')", () => {
      assert.equal(recognizer.supports('en-US'), true);
    });

    test('a clear utterance with hints comes back as normalized lower-case text with the keyword, and a confidence in 0-1', async () => {
      const r = await recognizer.recognize({ pcm: speech, language: 'en-US', hints: ['billing', 'support', 'sales'], model: null });
      assert.match(r.text, /\bbilling\b/, JSON.stringify(r));
      assert.equal(r.text, normalizeText(r.text), 'already normalized');
      assert.ok(r.confidence > 0 && r.confidence <= 1, `confidence ${r.confidence}`);
    });

    test("an aborted recognition rejects with 'aborted'", async () => {
      const cancel = new AbortController();
      const pending = recognizer.recognize({ pcm: speech, language: 'en-US', hints: ['billing'], model: null, signal: cancel.signal });
      await new Promise((resolve) => setImmediate(resolve));
      cancel.abort();
      await assert.rejects(pending, (err) => err instanceof SpeechError && err.code === 'aborted');
    });
  });
}
