/**
 * The offline engine: Debian's pocketsphinx (0.8, the en-US acoustic model at 16 kHz). Each utterance runs
 * `pocketsphinx_batch` as a separate process (never in this thread: decoding takes a core for a few hundred
 * milliseconds), on a private temporary directory holding the audio (upsampled to 16 kHz, see upsampleMirrored), the control file
 * and, with hints, a JSGF grammar built from them (grammar.ts). At most `maxConcurrent` run at once (pool.ts).
 *
 * With hints the grammar restricts what can be recognized to the hints, which makes it accurate on them
 * (docs/benchmarks.md) but means anything else is heard as the nearest hint, with a lower confidence.
 * Without hints the open-vocabulary language model is used: expect many wrong words.
 *
 * Confidence: pocketsphinx_batch reports the path score (a log likelihood, scaled); it is turned into 0-1 by
 * its average per 10 ms frame, calibrated on synthetic speech (in-grammar speech scores about -20 to -30 a
 * frame, noise forced onto a grammar scores below -60). It ranks results; it is not a probability.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dictionaryWords, hintGrammar } from './grammar.js';
import { Slots } from './pool.js';
import { normalizeText, SpeechError, type RecognitionRequest, type RecognitionResult, type SpeechRecognizer } from './recognizer.js';

export interface PocketsphinxOptions {
  /** Program to run; default `pocketsphinx_batch` from PATH. */
  binary?: string;
  /** Directory of the Debian model package (`en-us/`, `en-us.lm.bin`, `cmudict-en-us.dict`). */
  modelDir?: string;
  /** Recognitions running at once; default 2. */
  maxConcurrent?: number;
  /** Recognitions waiting for a slot before more fail 'busy'; default 50. */
  maxQueued?: number;
  timeoutMs?: number;
}

export const POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const FRAMES_PER_SECOND = 100;

export class PocketsphinxRecognizer implements SpeechRecognizer {
  readonly name = 'pocketsphinx';
  private readonly binary: string;
  private readonly modelDir: string;
  private readonly timeoutMs: number;
  private readonly slots: Slots;
  private dictionary: Promise<Set<string>> | null = null;

  constructor(options: PocketsphinxOptions = {}) {
    this.binary = options.binary ?? 'pocketsphinx_batch';
    this.modelDir = options.modelDir ?? POCKETSPHINX_MODEL_DIR;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.slots = new Slots(options.maxConcurrent ?? 2, options.maxQueued ?? 50);
  }

  /** The one model shipped is US English; other English tags are accepted (the same words, other accents). */
  supports(language: string): boolean {
    return /^en(-|$)/i.test(language);
  }

  async recognize(request: RecognitionRequest): Promise<RecognitionResult> {
    if (!this.supports(request.language)) throw new SpeechError('unsupported-language', `pocketsphinx has a model for en-US only, not ${request.language}`);
    if (request.pcm.length < 1600) return { text: '', confidence: 0 }; // under 0.2 s: no word fits
    const known = await this.words();
    const grammar = request.hints.length > 0 ? hintGrammar(request.hints, (w) => known.has(w)) : null;
    return this.slots.run(() => this.decode(request, grammar?.jsgf ?? null));
  }

  private words(): Promise<Set<string>> {
    this.dictionary ??= readFile(join(this.modelDir, 'cmudict-en-us.dict'), 'utf8').then(dictionaryWords, (err: NodeJS.ErrnoException) => {
      this.dictionary = null;
      throw err.code === 'ENOENT'
        ? new SpeechError(
            'engine-missing',
            `the pocketsphinx model is not installed (${this.modelDir}); install it, e.g. apt-get install pocketsphinx pocketsphinx-en-us`,
          )
        : new SpeechError('engine-failed', `could not read the pocketsphinx dictionary: ${err.message}`);
    });
    return this.dictionary;
  }

  private async decode(request: RecognitionRequest, jsgf: string | null): Promise<RecognitionResult> {
    if (request.signal?.aborted) throw new SpeechError('aborted', 'the recognition was cancelled');
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-asr-'));
    try {
      const pcm16k = upsampleMirrored(request.pcm);
      await writeFile(join(dir, 'u.raw'), new Uint8Array(pcm16k.buffer, pcm16k.byteOffset, pcm16k.byteLength));
      await writeFile(join(dir, 'ctl'), 'u\n');
      const args = [
        '-adcin',
        'yes',
        '-cepdir',
        dir,
        '-cepext',
        '.raw',
        '-ctl',
        join(dir, 'ctl'),
        '-hyp',
        join(dir, 'hyp'),
        '-samprate',
        '16000',
        '-hmm',
        join(this.modelDir, 'en-us'),
        '-dict',
        join(this.modelDir, 'cmudict-en-us.dict'),
        '-logfn',
        '/dev/null',
      ];
      if (jsgf !== null) {
        await writeFile(join(dir, 'hints.gram'), jsgf);
        // Wide beams: a small grammar is cheap to search, and the default beams lose the only path on 8 kHz audio.
        args.push('-jsgf', join(dir, 'hints.gram'), '-beam', '1e-80', '-wbeam', '1e-60', '-pbeam', '1e-80');
      } else {
        args.push('-lm', join(this.modelDir, 'en-us.lm.bin'));
      }
      await this.run(args, request.signal, this.timeoutMs + (request.pcm.length / 8000) * 5000);
      const hyp = await readFile(join(dir, 'hyp'), 'utf8').catch(() => '');
      return parseHypothesis(hyp, pcm16k.length / 16000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Runs the decoder; `timeoutMs` grows with the audio (a 2-minute voicemail decodes for a while). */
  private run(args: string[], signal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let settled = false;
      const finish = (err: SpeechError | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          child.kill('SIGKILL');
          reject(err);
        } else resolve();
      };
      const onAbort = (): void => finish(new SpeechError('aborted', 'the recognition was cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => finish(new SpeechError('timeout', `pocketsphinx took longer than ${timeoutMs} ms`)), timeoutMs);
      child.stderr.on('data', (c: Buffer) => {
        if (stderr.length < 4096) stderr += c.toString();
      });
      child.on('error', (err: NodeJS.ErrnoException) =>
        finish(
          err.code === 'ENOENT'
            ? new SpeechError(
                'engine-missing',
                `pocketsphinx is not installed (could not run "${this.binary}"); install it, e.g. apt-get install pocketsphinx pocketsphinx-en-us`,
              )
            : new SpeechError('engine-failed', `could not run pocketsphinx: ${err.message}`),
        ),
      );
      child.on('close', (code) =>
        finish(code === 0 ? null : new SpeechError('engine-failed', `pocketsphinx exited with ${code}: ${stderr.trim().slice(-300)}`)),
      );
    });
  }
}

/** `words (u SCORE)` from the -hyp file; confidence from the score per frame (see the header). */
export function parseHypothesis(hyp: string, seconds: number): RecognitionResult {
  const m = /^(.*)\(u (-?\d+)\)\s*$/m.exec(hyp);
  if (!m) return { text: '', confidence: 0 };
  const text = normalizeText(m[1] ?? '');
  if (text === '') return { text: '', confidence: 0 };
  const perFrame = Number(m[2]) / Math.max(1, seconds * FRAMES_PER_SECOND);
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
