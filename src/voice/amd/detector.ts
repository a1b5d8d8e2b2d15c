/**
 * Answering machine detection from the answered party's audio alone (no speech recognition), 20 ms frame by
 * frame; time is counted in frames, so it is the same on a loaded machine. The heuristic, with Twilio's
 * parameters:
 * - Initial silence for `silenceTimeoutMs` (MachineDetectionSilenceTimeout, default 5 s): `unknown`.
 * - Speech (frames above the level threshold; gaps shorter than `speechEndThresholdMs` do not end it):
 *   speech that ends (a gap of `speechEndThresholdMs`, default 1.2 s) before lasting `speechThresholdMs`
 *   (default 2.4 s) is a person answering ("hello?"): `human`. Speech that goes on longer is a greeting:
 *   `machine_start` with `Enable`; with `DetectMessageEnd` it listens on for the end of the message.
 * - A pure tone (tone.ts) of 200 ms or more between 300 and 2,600 Hz is a beep: `machine_end_beep` once a
 *   greeting was heard (or with DetectMessageEnd, a beep alone); 1,100 Hz for 400 ms is a fax machine's
 *   CNG tone: `fax`.
 * - After a greeting, silence of `max(2 x speechEndThresholdMs, 2.4 s)` without a beep: `machine_end_silence`
 *   (a short pause between the greeting's sentences must not end it).
 * - `timeoutMs` (MachineDetectionTimeout, default 30 s): `unknown` before any decision, or
 *   `machine_end_other` while waiting for the end of a greeting.
 */
import { rms } from '../media/index.js';
import { readTone } from './tone.js';

export type AnsweredBy = 'human' | 'machine_start' | 'machine_end_beep' | 'machine_end_silence' | 'machine_end_other' | 'fax' | 'unknown';

export interface AmdOptions {
  mode: 'Enable' | 'DetectMessageEnd';
  timeoutMs: number;
  speechThresholdMs: number;
  speechEndThresholdMs: number;
  silenceTimeoutMs: number;
}

export interface AmdResult {
  answeredBy: AnsweredBy;
  /** Milliseconds of audio it took to decide (Twilio's MachineDetectionDuration). */
  durationMs: number;
}

const FRAME_MS = 20;
const MIN_LEVEL = 350;
const TONE_RESIDUAL = 0.01;
const BEEP_MS = 200;
const FAX_MS = 400;
const FAX_HZ = 1100;

export class AnsweringMachineDetector {
  private elapsed = 0;
  private heardSpeech = false;
  /** From the first frame of the current utterance, short gaps included. */
  private utteranceStart = -1;
  private silence = 0;
  private toneMs = 0;
  private toneHz = 0;
  private greeting = false;
  private result: AmdResult | null = null;

  constructor(private readonly o: AmdOptions) {}

  get decided(): AmdResult | null {
    return this.result;
  }

  /** Feeds one frame; returns the decision once there is one (and the same decision after). */
  push(frame: Int16Array, samples = frame.length): AmdResult | null {
    if (this.result) return this.result;
    this.elapsed += (samples / 8000) * 1000;
    const level = rms(frame, samples);
    const tone = level >= MIN_LEVEL ? readTone(frame, samples) : null;
    if (tone !== null && tone.residual < TONE_RESIDUAL && tone.hz >= 300 && tone.hz <= 2600) {
      this.toneHz = this.toneMs === 0 ? tone.hz : this.toneHz;
      this.toneMs = Math.abs(tone.hz - this.toneHz) < this.toneHz * 0.03 ? this.toneMs + FRAME_MS : FRAME_MS;
      if (this.toneMs === FRAME_MS) this.toneHz = tone.hz;
      const fax = Math.abs(this.toneHz - FAX_HZ) < 30;
      if (fax && this.toneMs >= FAX_MS) return this.decide('fax');
      if (!fax && this.toneMs >= BEEP_MS && (this.greeting || this.heardSpeech || this.o.mode === 'DetectMessageEnd')) {
        return this.decide(this.o.mode === 'Enable' && !this.greeting ? 'machine_start' : 'machine_end_beep');
      }
      this.silence += FRAME_MS; // a tone is not speech
    } else {
      this.toneMs = 0;
      if (level >= MIN_LEVEL) {
        if (this.utteranceStart < 0) this.utteranceStart = this.elapsed - FRAME_MS;
        this.heardSpeech = true;
        this.silence = 0;
      } else {
        this.silence += FRAME_MS;
        if (this.utteranceStart >= 0 && this.silence >= this.o.speechEndThresholdMs) this.utteranceStart = -1;
      }
    }
    return this.judge();
  }

  private judge(): AmdResult | null {
    if (this.greeting) {
      if (this.silence >= Math.max(2 * this.o.speechEndThresholdMs, 2400)) return this.decide('machine_end_silence');
      if (this.elapsed >= this.o.timeoutMs) return this.decide('machine_end_other');
      return null;
    }
    if (!this.heardSpeech && this.silence >= this.o.silenceTimeoutMs) return this.decide('unknown');
    const speaking = this.utteranceStart >= 0 ? this.elapsed - this.utteranceStart - this.silence : 0;
    if (speaking >= this.o.speechThresholdMs) {
      if (this.o.mode === 'Enable') return this.decide('machine_start');
      this.greeting = true;
      return null;
    }
    // The utterance ended (a long enough gap) before it was long enough for a greeting: a person.
    if (this.heardSpeech && this.utteranceStart < 0 && this.silence >= this.o.speechEndThresholdMs) return this.decide('human');
    if (this.elapsed >= this.o.timeoutMs) return this.decide('unknown');
    return null;
  }

  /** Called when the time is up with no decision (no audio arrived at all). */
  timeout(): AmdResult {
    return this.result ?? this.decide(this.greeting ? 'machine_end_other' : 'unknown');
  }

  private decide(answeredBy: AnsweredBy): AmdResult {
    this.result = { answeredBy, durationMs: Math.round(this.elapsed) };
    return this.result;
  }
}
