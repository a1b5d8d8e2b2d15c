/**
 * The speech half of <Gather input="speech">: listens to the caller through the leg's audio hook, finds one
 * utterance (speech/endpointer.ts), posts partial results while the caller speaks (partialResultCallback,
 * unless the engine gives final results only), and hands the utterance to the configured recognizer.
 * Recognition runs in another process (pocketsphinx) or on another machine (the http engine), so nothing
 * here blocks the event loop or the media clock.
 */
import type { GatherVerb } from '../../twiml/index.js';
import { Endpointer, maskProfanity, SpeechError, type RecognitionResult, type SpeechRecognizer } from '../speech/index.js';
import type { CallControl } from './types.js';

/** speechTimeout="auto": the pause that ends an utterance (Twilio does not publish its own). */
export const AUTO_SPEECH_TIMEOUT_MS = 1000;
/** How often a partial result is computed while the caller speaks (one at a time). */
const PARTIAL_EVERY_MS = 1000;

export type SpeechOutcome = { kind: 'result'; text: string; confidence: number } | { kind: 'empty' };

export class SpeechListener {
  private readonly endpointer: Endpointer;
  private off: (() => void) | null = null;
  private started = false;
  private utterance: Int16Array | null = null;
  private wake: (() => void) | null = null;
  private partialTimer: NodeJS.Timeout | null = null;
  private partialBusy = false;
  private sequence = 0;
  private lastPartial = '';
  /** When the last frame arrived: a peer that stops sending RTP while silent still ends the utterance. */
  private lastFrameAt = 0;
  private gapTimer: NodeJS.Timeout | null = null;
  private readonly endSilenceMs: number;

  private constructor(
    private readonly verb: GatherVerb,
    private readonly ctl: CallControl,
    private readonly recognizer: SpeechRecognizer,
    private readonly onStart: () => void,
  ) {
    const endSilenceMs = verb.speechTimeout === 'auto' ? AUTO_SPEECH_TIMEOUT_MS : Math.max(verb.speechTimeout, 1) * 1000;
    this.endSilenceMs = endSilenceMs;
    this.endpointer = new Endpointer({ endSilenceMs, maxSpeechMs: verb.maxSpeechTime * 1000 }, (e) => {
      if (e.kind === 'start') {
        this.started = true;
        this.onStart();
        if (verb.partialResultCallback !== null && !recognizer.finalOnly) this.partialTimer = setInterval(() => void this.partial(), PARTIAL_EVERY_MS);
        this.gapTimer = setInterval(() => this.checkGap(), 100);
      } else {
        this.utterance = e.pcm;
        this.stop();
      }
      this.wake?.();
    });
  }

  /**
   * A listener for this Gather, or null after raising the alert that says why there can be none (no
   * recognizer configured, a leg without audio, a language the engine lacks).
   */
  static async open(verb: GatherVerb, ctl: CallControl, onStart: () => void): Promise<SpeechListener | null> {
    const recognizer = ctl.speech;
    if (!recognizer || !ctl.leg.onAudio) {
      await ctl.alert('speechRecognitionFailed', '<Gather input="speech">: no speech recognizer is configured (see docs/voice.md, "Speech recognition")');
      return null;
    }
    if (!recognizer.supports(verb.language)) {
      await ctl.alert(
        'speechLanguageUnsupported',
        `<Gather input="speech" language="${verb.language}">: the ${recognizer.name} engine does not recognize this language`,
      );
      return null;
    }
    recognizer.warmUp?.(verb.hints.length > 0);
    return new SpeechListener(verb, ctl, recognizer, onStart);
  }

  /** Starts hearing the caller (from the prompts on with bargeIn, after them without). */
  listen(): void {
    if (this.off !== null || this.utterance !== null) return;
    const onAudio = this.ctl.leg.onAudio;
    if (onAudio)
      this.off = onAudio.call(this.ctl.leg, (frame, n) => {
        this.lastFrameAt = Date.now();
        this.endpointer.push(frame, n);
      });
  }

  /** No audio at all for the end-of-speech silence (RTP stopped, as some phones do in silence) ends the utterance. */
  private checkGap(): void {
    if (this.utterance !== null || Date.now() - this.lastFrameAt < this.endSilenceMs) return;
    this.utterance = this.endpointer.flush();
    this.stop();
    this.wake?.();
  }

  get speaking(): boolean {
    return this.started;
  }

  /** Set while a wait is pending: called when speech starts or ends. */
  set onChange(fn: (() => void) | null) {
    this.wake = fn;
  }

  /** Waits for the end of the utterance (or an abort), then recognizes it. */
  async result(): Promise<SpeechOutcome> {
    if (this.started && this.utterance === null) {
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        this.ctl.signal.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          if (this.utterance === null) return;
          this.ctl.signal.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
    this.stop();
    const pcm = this.utterance ?? this.endpointer.flush();
    if (pcm === null || this.ctl.signal.aborted) return { kind: 'empty' };
    const r = await this.recognize(pcm);
    if (r === null || r.text === '') return { kind: 'empty' };
    return { kind: 'result', text: this.verb.profanityFilter ? maskProfanity(r.text) : r.text, confidence: r.confidence };
  }

  /** Stops listening (idempotent). */
  stop(): void {
    this.off?.();
    this.off = null;
    if (this.partialTimer) clearInterval(this.partialTimer);
    if (this.gapTimer) clearInterval(this.gapTimer);
    this.partialTimer = null;
    this.gapTimer = null;
  }

  private async recognize(pcm: Int16Array): Promise<RecognitionResult | null> {
    try {
      return await this.recognizer.recognize({
        pcm,
        language: this.verb.language,
        hints: this.verb.hints,
        model: this.verb.speechModel,
        signal: this.ctl.signal,
      });
    } catch (err) {
      if (err instanceof SpeechError && err.code === 'aborted') return null;
      await this.ctl.alert('speechRecognitionFailed', `${this.recognizer.name}: ${(err as Error).message}`).catch(() => undefined);
      return null;
    }
  }

  /** partialResultCallback: what is recognized so far, split into the words that held since the last one and the rest. */
  private async partial(): Promise<void> {
    const target = this.verb.partialResultCallback === null ? null : this.ctl.resolve(this.verb.partialResultCallback);
    if (target === null || this.partialBusy || this.utterance !== null || this.ctl.signal.aborted) return;
    this.partialBusy = true;
    try {
      const r = await this.recognize(this.endpointer.soFar());
      if (r === null || r.text === '' || this.utterance !== null) return;
      const text = this.verb.profanityFilter ? maskProfanity(r.text) : r.text;
      const before = this.lastPartial.split(' ');
      const now = text.split(' ');
      let same = 0;
      while (same < now.length && now[same] === before[same]) same++;
      this.lastPartial = text;
      await this.ctl.notify(target, this.verb.partialResultCallbackMethod, {
        UnstableSpeechResult: now.slice(same).join(' '),
        StableSpeechResult: now.slice(0, same).join(' '),
        SequenceNumber: String(++this.sequence),
      });
    } catch {
      // A partial that cannot be delivered is only a partial: the final result still goes to the action.
    } finally {
      this.partialBusy = false;
    }
  }
}
