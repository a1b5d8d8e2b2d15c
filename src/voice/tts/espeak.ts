/**
 * espeak-ng backend. espeak-ng is GPL-3, so it is only ever run as a separate program (never linked or
 * bundled): `espeak-ng -v VOICE --stdout --stdin`, text on stdin (no shell, no argument injection), a WAV
 * at 22,050 Hz on stdout, which we resample to 8 kHz ourselves (no sox needed).
 */
import { spawn } from 'node:child_process';
import { readWav, resampleTo8k } from '../media/index.js';
import { resolveVoice } from './voices.js';
import { TtsError } from './tts.js';
import type { SynthesisRequest, TtsEngine } from './tts.js';

export interface EspeakOptions {
  /** Program to run; default `espeak-ng` from PATH. */
  binary?: string;
  /** Words per minute (espeak default 175; telephone prompts are clearer a little slower). */
  wordsPerMinute?: number;
  timeoutMs?: number;
  /** Longest text accepted (Twilio's Say allows 4,096 characters). */
  maxChars?: number;
}

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export class EspeakEngine implements TtsEngine {
  readonly name = 'espeak-ng';
  private readonly binary: string;
  private readonly wpm: number;
  private readonly timeoutMs: number;
  private readonly maxChars: number;

  constructor(options: EspeakOptions = {}) {
    this.binary = options.binary ?? 'espeak-ng';
    this.wpm = options.wordsPerMinute ?? 160;
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.maxChars = options.maxChars ?? 4096;
  }

  async synthesize(request: SynthesisRequest): Promise<Int16Array> {
    if (request.text.length > this.maxChars) {
      throw new TtsError('text-too-long', `text is ${request.text.length} characters, the limit is ${this.maxChars}`);
    }
    const { voice } = resolveVoice(request.voice, request.language);
    const wav = await this.run(['-v', voice, '-s', String(this.wpm), '--stdout', '--stdin'], request.text);
    let decoded: ReturnType<typeof readWav>;
    try {
      decoded = readWav(wav);
    } catch (err) {
      throw new TtsError('bad-output', `espeak-ng produced no usable WAV: ${(err as Error).message}`);
    }
    return resampleTo8k(decoded.pcm, decoded.info.sampleRate);
  }

  private run(args: string[], input: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let size = 0;
      let stderr = '';
      let settled = false;
      const fail = (err: TtsError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(err);
      };
      const timer = setTimeout(() => fail(new TtsError('timeout', `espeak-ng took longer than ${this.timeoutMs} ms`)), this.timeoutMs);
      child.on('error', (err: NodeJS.ErrnoException) => {
        fail(
          err.code === 'ENOENT'
            ? new TtsError('engine-missing', `espeak-ng is not installed (could not run "${this.binary}"); install it, e.g. apt-get install espeak-ng`)
            : new TtsError('engine-failed', `could not run espeak-ng: ${err.message}`),
        );
      });
      child.stdout.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_OUTPUT_BYTES) return fail(new TtsError('bad-output', 'espeak-ng output too large'));
        chunks.push(c);
      });
      child.stderr.on('data', (c: Buffer) => {
        if (stderr.length < 2000) stderr += c.toString();
      });
      child.on('close', (code) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (code !== 0) return reject(new TtsError('engine-failed', `espeak-ng exited with ${code}: ${stderr.trim()}`));
        resolve(Buffer.concat(chunks));
      });
      child.stdin.on('error', () => undefined); // the child may exit before reading everything
      child.stdin.end(input);
    });
  }
}
