/**
 * The offline engine: Debian's pocketsphinx (5prealpha, the en-US acoustic model at 16 kHz), run as warm
 * `pocketsphinx_batch` processes that decode one utterance after another (decoder-process.ts; never in
 * this thread: decoding takes a core for a few hundred milliseconds). Two pools of at most `maxConcurrent`
 * processes each: one for utterances with hints (a grammar per utterance, grammar.ts), one for the
 * open-vocabulary language model (no hints, transcriptions). A process is started when a speech Gather
 * begins (warmUp) or at the first recognition, and kept; each holds the model (about 60 MB resident, see
 * docs/voice.md) and is replaced after `maxUtterances`.
 *
 * With hints the grammar spots a hint inside other words (filler words and a phone loop around it), which
 * makes it accurate on the hints (docs/benchmarks.md); speech with no hint in it usually comes back as
 * filler words, sometimes as the nearest hint. Without hints the open-vocabulary language model is used:
 * expect many wrong words on 8 kHz audio.
 *
 * Confidence: the path score (a log likelihood, scaled) per 10 ms frame turned into 0-1, calibrated on
 * synthetic speech (a recognized hint scores about -20 to -30 a frame, noise forced onto a grammar below
 * -60). It ranks results; it is not a probability.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecoderPool } from './decoder-pool.js';
import { DecoderProcess, type Hypothesis } from './decoder-process.js';
import { dictionaryWords, hintGrammar, isPhoneWord, phoneDictionary } from './grammar.js';
import { normalizeText, SpeechError, type RecognitionRequest, type RecognitionResult, type SpeechRecognizer } from './recognizer.js';

export interface PocketsphinxOptions {
  /** Program to run; default `pocketsphinx_batch` from PATH. */
  binary?: string;
  /** Directory of the Debian model package (`en-us/`, `en-us.lm.bin`, `cmudict-en-us.dict`). */
  modelDir?: string;
  /** Decoder processes of each kind (grammar, language model) at most; default 2. */
  maxConcurrent?: number;
  /** Recognitions waiting for a process before more fail 'busy'; default 50. */
  maxQueued?: number;
  /** Longest wait for one utterance's result, plus 5 s per second of audio; default 30 s. */
  timeoutMs?: number;
  /** Utterances a process decodes before it is replaced (bounds the memory grammars take); default 64. */
  maxUtterances?: number;
}

export const POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const FRAMES_PER_SECOND = 100;

interface Setup {
  dir: string;
  known: Set<string>;
}

export class PocketsphinxRecognizer implements SpeechRecognizer {
  readonly name = 'pocketsphinx';
  private readonly binary: string;
  private readonly modelDir: string;
  private readonly timeoutMs: number;
  private readonly grammarPool: DecoderPool;
  private readonly modelPool: DecoderPool;
  private setup: Promise<Setup> | null = null;
  private dir: string | null = null;
  private closed = false;
  /** Decodes not yet settled; an aborted recognition returns before its decode has finished with its files. */
  private readonly decoding = new Set<Promise<unknown>>();

  constructor(options: PocketsphinxOptions = {}) {
    this.binary = options.binary ?? 'pocketsphinx_batch';
    this.modelDir = options.modelDir ?? POCKETSPHINX_MODEL_DIR;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const max = options.maxConcurrent ?? 2;
    const queued = options.maxQueued ?? 50;
    const maxUtterances = options.maxUtterances ?? 64;
    const hmm = ['-hmm', join(this.modelDir, 'en-us'), '-samprate', '16000'];
    this.grammarPool = new DecoderPool(
      () =>
        new DecoderProcess({
          binary: this.binary,
          dir: this.requireDir(),
          grammars: true,
          maxUtterances,
          // A grammar at start so no language model is loaded; each utterance brings its own.
          // Wide beams: a small grammar is cheap to search, and the default beams lose the only path on 8 kHz audio.
          args: [
            ...hmm,
            '-dict',
            join(this.requireDir(), 'dict'),
            '-fsg',
            join(this.requireDir(), 'start.fsg'),
            '-beam',
            '1e-80',
            '-wbeam',
            '1e-60',
            '-pbeam',
            '1e-80',
          ],
        }),
      max,
      queued,
    );
    this.modelPool = new DecoderPool(
      () =>
        new DecoderProcess({
          binary: this.binary,
          dir: this.requireDir(),
          grammars: false,
          maxUtterances: Number.POSITIVE_INFINITY, // no grammars pile up: one process for good
          args: [...hmm, '-dict', join(this.modelDir, 'cmudict-en-us.dict'), '-lm', join(this.modelDir, 'en-us.lm.bin')],
        }),
      max,
      queued,
    );
  }

  /** The one model shipped is US English; other English tags are accepted (the same words, other accents). */
  supports(language: string): boolean {
    return /^en(-|$)/i.test(language);
  }

  /** A recognition is coming (a speech Gather started listening): have a decoder loaded by then. */
  warmUp(withHints: boolean): void {
    if (this.closed) return;
    this.prepare().then(
      () => (withHints ? this.grammarPool : this.modelPool).warm(),
      () => undefined, // reported by the recognition itself
    );
  }

  async recognize(request: RecognitionRequest): Promise<RecognitionResult> {
    if (!this.supports(request.language)) throw new SpeechError('unsupported-language', `pocketsphinx has a model for en-US only, not ${request.language}`);
    if (this.closed) throw new SpeechError('engine-failed', 'the recognizer is closed');
    if (request.pcm.length < 1600) return { text: '', confidence: 0 }; // under 0.2 s: no word fits
    const { known } = await this.prepare();
    const grammar = request.hints.length > 0 ? hintGrammar(request.hints, (w) => known.has(w)) : null;
    const pcm16k = upsampleMirrored(request.pcm);
    const seconds = pcm16k.length / 16000;
    const timeoutMs = this.timeoutMs + seconds * 5000;
    if (request.signal?.aborted) throw new SpeechError('aborted', 'the recognition was cancelled');
    const pool = grammar ? this.grammarPool : this.modelPool;
    const decoding = pool.run((p) => p.decode(pcm16k, grammar?.fsg ?? null, timeoutMs));
    this.decoding.add(decoding);
    decoding.then(
      () => this.decoding.delete(decoding),
      () => this.decoding.delete(decoding),
    );
    return toResult(await abortable(decoding, request.signal), seconds);
  }

  /** Ends the decoder processes and removes the private directory. */
  async close(): Promise<void> {
    this.closed = true;
    this.grammarPool.close();
    this.modelPool.close();
    // Removing the directory while a decode still writes or removes its audio file there fails (ENOTEMPTY).
    await Promise.allSettled(this.decoding);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  /** Decoder processes running now. */
  get processes(): number {
    return this.grammarPool.size + this.modelPool.size;
  }

  private requireDir(): string {
    if (this.dir === null) throw new SpeechError('engine-failed', 'pocketsphinx used before its setup');
    return this.dir;
  }

  /** Once: the private directory, the dictionary with the phone words, the known words. */
  private prepare(): Promise<Setup> {
    this.setup ??= (async () => {
      const text = await readFile(join(this.modelDir, 'cmudict-en-us.dict'), 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT'
          ? new SpeechError(
              'engine-missing',
              `the pocketsphinx model is not installed (${this.modelDir}); install it, e.g. apt-get install pocketsphinx pocketsphinx-en-us`,
            )
          : new SpeechError('engine-failed', `could not read the pocketsphinx dictionary: ${err.message}`);
      });
      const dir = await mkdtemp(join(tmpdir(), 'switchboard-asr-'));
      await writeFile(join(dir, 'dict'), text + phoneDictionary());
      await writeFile(join(dir, 'start.fsg'), 'FSG_BEGIN start\nNUM_STATES 2\nSTART_STATE 0\nFINAL_STATE 1\nTRANSITION 0 1 1.0 hello\nFSG_END\n');
      this.dir = dir;
      return { dir, known: dictionaryWords(text) };
    })();
    this.setup.catch(() => {
      this.setup = null;
    });
    return this.setup;
  }
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new SpeechError('aborted', 'the recognition was cancelled'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The words of a hypothesis without the phone loop's pseudo-words and fillers; confidence from the score per frame. */
export function toResult(h: Hypothesis, seconds: number): RecognitionResult {
  const text = normalizeText(
    h.text
      .split(/\s+/)
      .filter((w) => w !== '' && !isPhoneWord(w))
      .join(' '),
  );
  if (text === '') return { text: '', confidence: 0 };
  const perFrame = h.score / Math.max(1, seconds * FRAMES_PER_SECOND);
  // -20 a frame or better maps near 0.95, -45 to 0.5, -70 near 0.05.
  const confidence = 1 / (1 + Math.exp((-perFrame - 45) / 8.5));
  return { text, confidence: Math.round(confidence * 1e4) / 1e4 };
}

/**
 * 8 kHz to 16 kHz by inserting a zero after each sample, with no interpolation filter: the 0-4 kHz band is
 * mirrored into 4-8 kHz, where the 16 kHz model expects the energy of fricatives ("s", "f"). On espeak-ng
 * phrases at 8 kHz this beat a clean (interpolated) upsampling clearly: the model has never heard an empty
 * upper band.
 */
export function upsampleMirrored(pcm: Int16Array): Int16Array {
  const out = new Int16Array(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) out[2 * i] = pcm[i] ?? 0;
  return out;
}
