/**
 * Finds one utterance in a call's received audio, 20 ms frame by frame, on the main thread (an RMS per frame:
 * no allocation beyond keeping the utterance). Speech starts when `startFrames` frames in a row are louder
 * than the threshold (the larger of `minLevel` and 3.5 times the line's noise floor, tracked while quiet);
 * it ends after `endSilenceMs` below it, or at `maxSpeechMs`. What was heard from `preRollMs` before the
 * start to the end is the utterance handed to the recognizer.
 */
import { rms } from '../media/index.js';

export interface EndpointerOptions {
  /** Silence after speech that ends the utterance (Gather's speechTimeout; 'auto' is 1,000 ms here). */
  endSilenceMs: number;
  /** Longest utterance (Gather's maxSpeechTime). */
  maxSpeechMs: number;
  /** RMS (int16 units) below which a frame is never speech; default 350 (about -39 dBFS). */
  minLevel?: number;
  /** Loud frames in a row that make a start (default 4 = 80 ms: a click or a pop is not speech). */
  startFrames?: number;
  /** Audio kept from before the start (default 300 ms). */
  preRollMs?: number;
}

export type EndpointEvent = { kind: 'start' } | { kind: 'end'; pcm: Int16Array; reason: 'silence' | 'max' };

const RATE = 8000;
const CALIBRATION_FRAMES = 5;
/** RMS (about -27 dBFS) above which a frame is never taken for line noise. */
const NOISE_CEILING = 1500;

export class Endpointer {
  private readonly minLevel: number;
  private readonly startFrames: number;
  private readonly preRoll: number;
  private readonly endSilence: number;
  private readonly maxSpeech: number;
  private noise = 0;
  private frames = 0;
  private loudRun = 0;
  private quiet = 0;
  private speaking = false;
  private done = false;
  /** Recent frames before the start (pre-roll), then the whole utterance. */
  private chunks: Int16Array[] = [];
  private kept = 0;

  constructor(
    options: EndpointerOptions,
    private readonly emit: (e: EndpointEvent) => void,
  ) {
    this.minLevel = options.minLevel ?? 350;
    this.startFrames = options.startFrames ?? 4;
    this.preRoll = ((options.preRollMs ?? 300) * RATE) / 1000;
    this.endSilence = (options.endSilenceMs * RATE) / 1000;
    this.maxSpeech = (options.maxSpeechMs * RATE) / 1000;
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** The audio so far, from the pre-roll (for a partial result). */
  soFar(): Int16Array {
    return concat(this.chunks, this.kept);
  }

  push(frame: Int16Array, samples = frame.length): void {
    if (this.done) return;
    const level = rms(frame, samples);
    const loud = level >= Math.max(this.minLevel, this.noise * 3.5);
    this.chunks.push(frame.slice(0, samples));
    this.kept += samples;
    if (!this.speaking) {
      // The first 100 ms only learn the line's noise floor (a caller already talking is not noise: louder
      // than NOISE_CEILING counts as speech and is left to the start rule below).
      if (this.frames < CALIBRATION_FRAMES && level < NOISE_CEILING) {
        this.frames++;
        this.noise = this.noise === 0 ? level : (this.noise + level) / 2;
        this.trimPreRoll(0);
        return;
      }
      if (!loud) this.noise = this.noise === 0 ? level : this.noise * 0.95 + level * 0.05;
      this.loudRun = loud ? this.loudRun + 1 : 0;
      if (this.loudRun >= this.startFrames) {
        this.speaking = true;
        this.quiet = 0;
        this.emit({ kind: 'start' });
        return;
      }
      this.trimPreRoll(this.loudRun * samples);
      return;
    }
    this.quiet = loud ? 0 : this.quiet + samples;
    if (this.quiet >= this.endSilence) return this.end('silence');
    if (this.kept >= this.maxSpeech + this.preRoll) this.end('max');
  }

  /** Ends now (the Gather gave up): the utterance so far, if speech had started. */
  flush(): Int16Array | null {
    if (this.done || !this.speaking) return null;
    this.done = true;
    return concat(this.chunks, this.kept);
  }

  /** Keeps only the pre-roll (plus the loud run being counted) while waiting for speech. */
  private trimPreRoll(extra: number): void {
    while (this.chunks.length > 1 && this.kept - (this.chunks[0]?.length ?? 0) >= this.preRoll + extra) {
      this.kept -= this.chunks.shift()?.length ?? 0;
    }
  }

  private end(reason: 'silence' | 'max'): void {
    this.done = true;
    // Most of the trailing silence is not speech: keep 300 ms of it.
    const pcm = concat(this.chunks, this.kept);
    const trim = reason === 'silence' ? Math.max(0, this.quiet - 2400) : 0;
    this.emit({ kind: 'end', pcm: pcm.subarray(0, pcm.length - trim), reason });
  }
}

function concat(chunks: readonly Int16Array[], total: number): Int16Array {
  const out = new Int16Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
