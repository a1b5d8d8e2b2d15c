/**
 * One warm `pocketsphinx_batch` process that decodes utterance after utterance, so the acoustic model,
 * the dictionary and the language model are loaded once rather than for every utterance (loading took
 * most of the time of a recognition: docs/benchmarks.md). pocketsphinx_batch reads its control file line by
 * line as it decodes; given a named pipe as that file, it waits for the next line, so each line we write is
 * one utterance: the name of an audio file in our private directory. With grammars, a second named pipe
 * (`-fsgctl`) carries the grammar file of each utterance, read just before its audio. Hypotheses come back
 * unbuffered through a third (`-hyp`), one line per utterance. Named pipes rather than the child's stdio:
 * Node gives a child sockets, which the decoder cannot open by path. We open each pipe read-write and
 * non-blocking, so neither side ever waits in open() and our reads go through the event loop (never a
 * thread-pool thread parked on a pipe).
 *
 * If we exit, our ends close and the decoder ends at the end of its control file: no orphan is left.
 * Each grammar stays loaded in the decoder (pocketsphinx keeps every named search), so the process is
 * replaced after `maxUtterances` to bound its memory.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { SpeechError } from './recognizer.js';

const run = promisify(execFile);

export interface DecoderProcessOptions {
  binary: string;
  /** Model and search arguments (-hmm, -dict, -lm or nothing with grammars, -samprate, beams). */
  args: readonly string[];
  /** Private directory for the audio and grammar files. */
  dir: string;
  /** Whether each utterance comes with its own grammar (FSG text). */
  grammars: boolean;
  /** Utterances decoded before the process should be replaced. */
  maxUtterances: number;
}

export interface Hypothesis {
  text: string;
  score: number;
}

interface Pending {
  id: string;
  resolve: (h: Hypothesis) => void;
  reject: (e: SpeechError) => void;
  timer: NodeJS.Timeout;
}

let sequence = 0;

export class DecoderProcess {
  private child: ChildProcessByStdio<null, null, Readable> | null = null;
  private ctl = -1;
  private fsgctl = -1;
  private hyp: Socket | null = null;
  private readonly ready: Promise<void>;
  private readonly name = `d${++sequence}`;
  private pending: Pending | null = null;
  private out = '';
  private err = '';
  private decoded = 0;
  private exited = false;
  /** Why the process is gone, for the utterances that find it so. */
  private death: SpeechError | null = null;

  constructor(private readonly o: DecoderProcessOptions) {
    this.ready = this.start();
    this.ready.catch(() => undefined); // reported to the utterance that waits on it
  }

  private async start(): Promise<void> {
    const fifo = (kind: string): string => join(this.o.dir, `${this.name}.${kind}`);
    const kinds = this.o.grammars ? ['ctl', 'hyp', 'fsgctl'] : ['ctl', 'hyp'];
    await run('mkfifo', kinds.map(fifo)).catch((e: Error) => {
      throw new SpeechError('engine-failed', `could not make the decoder's pipes: ${e.message}`);
    });
    if (this.exited) throw new SpeechError('engine-failed', 'the decoder was stopped');
    const open = (kind: string): number => openSync(fifo(kind), constants.O_RDWR | constants.O_NONBLOCK);
    this.ctl = open('ctl');
    if (this.o.grammars) this.fsgctl = open('fsgctl');
    this.hyp = new Socket({ fd: open('hyp'), readable: true, writable: false });
    this.hyp.setEncoding('utf8').on('data', (c: string) => this.onOutput(c));
    this.hyp.on('error', () => undefined); // the process's exit says what went wrong
    const args = [...this.o.args, '-adcin', 'yes', '-cepdir', this.o.dir, '-cepext', '.raw', '-ctl', fifo('ctl'), '-hyp', fifo('hyp')];
    if (this.o.grammars) args.push('-fsgctl', fifo('fsgctl'));
    const child = spawn(this.o.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    // pocketsphinx logs a great deal to stderr: only the tail is kept, for the error message.
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      this.err = (this.err + c).slice(-2000);
      // A grammar or audio file it could not read: no hypothesis will come for this utterance. (No path
      // reaching the grammar's end is logged as an error too, but still ends with an empty hypothesis.)
      if (this.pending && /^ERROR: (?!.*Final result does not match)/m.test(c))
        this.fail(new SpeechError('engine-failed', `pocketsphinx: ${lastError(this.err)}`));
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      this.death ??=
        e.code === 'ENOENT'
          ? new SpeechError(
              'engine-missing',
              `pocketsphinx is not installed (could not run "${this.o.binary}"); install it, e.g. apt-get install pocketsphinx pocketsphinx-en-us`,
            )
          : new SpeechError('engine-failed', `could not run pocketsphinx: ${e.message}`);
      this.stopped();
      this.fail(this.death);
    });
    child.on('exit', (code, signal) => {
      this.death ??= new SpeechError('engine-failed', `pocketsphinx exited (${signal ?? code}): ${lastError(this.err)}`);
      this.stopped();
      this.fail(this.death);
    });
  }

  /** Whether it can take another utterance (alive, idle, under its utterance budget). */
  get usable(): boolean {
    return !this.exited && this.pending === null && this.decoded < this.o.maxUtterances;
  }

  /** Whether it used up its utterance budget (rather than died). */
  get spent(): boolean {
    return this.decoded >= this.o.maxUtterances;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Decodes 16 kHz PCM16 with `fsg` (FSG text) when the process takes grammars. */
  async decode(pcm16k: Int16Array, fsg: string | null, timeoutMs: number): Promise<Hypothesis> {
    if (!this.usable) throw new SpeechError('engine-failed', 'the decoder process is not usable');
    const id = `u${++sequence}`;
    const audio = join(this.o.dir, `${id}.raw`);
    const grammar = join(this.o.dir, `${id}.fsg`);
    this.decoded++;
    await this.ready;
    const gone = (): SpeechError => this.death ?? new SpeechError('engine-failed', 'the decoder process stopped');
    if (this.exited) throw gone();
    const result = new Promise<Hypothesis>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new SpeechError('timeout', `pocketsphinx took longer than ${timeoutMs} ms`));
        this.kill(); // it may be stuck on this utterance: a fresh process takes the next one
      }, timeoutMs);
      this.pending = { id, resolve, reject, timer };
    });
    result.catch(() => undefined); // handled by the caller's await below; avoids an unhandled rejection while the files are written
    try {
      await writeFile(audio, new Uint8Array(pcm16k.buffer, pcm16k.byteOffset, pcm16k.byteLength));
      if (this.o.grammars) await writeFile(grammar, fsg ?? '');
      if (this.exited) throw gone();
      if (this.o.grammars) {
        writeSync(this.fsgctl, `${grammar}\n`); // a short line into an empty pipe: never waits
      }
      writeSync(this.ctl, `${id}\n`);
      return await result;
    } finally {
      if (this.pending?.id === id) this.fail(new SpeechError('engine-failed', 'the utterance could not be sent to pocketsphinx'));
      await rm(audio, { force: true });
      if (this.o.grammars) await rm(grammar, { force: true });
    }
  }

  kill(): void {
    if (!this.exited) this.child?.kill('SIGKILL');
    this.stopped();
  }

  /** Closes our ends of the pipes (once); the pipe files go with the private directory. */
  private stopped(): void {
    if (this.exited && this.ctl < 0) return;
    this.exited = true;
    this.hyp?.destroy();
    this.hyp = null;
    for (const fd of [this.ctl, this.fsgctl]) if (fd >= 0) closeSync(fd);
    this.ctl = -1;
    this.fsgctl = -1;
  }

  private onOutput(chunk: string): void {
    this.out += chunk;
    let nl = this.out.indexOf('\n');
    while (nl >= 0) {
      const line = this.out.slice(0, nl);
      this.out = this.out.slice(nl + 1);
      const m = /^(.*)\((u\d+) (-?\d+)\)\s*$/.exec(line);
      const p = this.pending;
      if (m && p && m[2] === p.id) {
        this.pending = null;
        clearTimeout(p.timer);
        p.resolve({ text: m[1] ?? '', score: Number(m[3]) });
      }
      nl = this.out.indexOf('\n');
    }
  }

  private fail(e: SpeechError): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.reject(e);
  }
}

function lastError(log: string): string {
  const lines = log.trim().split('\n');
  return (lines.filter((l) => /^(ERROR|FATAL)/.test(l)).pop() ?? lines.pop() ?? '').slice(0, 300);
}
