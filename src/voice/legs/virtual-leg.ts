/**
 * The call's end of a virtual phone: an ordinary media leg (real RTP to the phone's own session, see
 * virtual/line.ts) that also notes what the app did to the phone (spoken text, played URLs, digits,
 * pauses, beeps), so a test can read it back as events, and presses the phone's keys when a <Gather> or
 * <Record> listens.
 */
import type { AudioCache } from '../audio/fetch.js';
import type { MediaSession } from '../media/index.js';
import { LOOP_FOREVER } from '../../twiml/index.js';
import type { PhoneLine } from '../virtual/line.js';
import type { SipLeg } from './sip-leg.js';
import { LegAudioError, type CallLeg, type LegPlayOptions, type PlayOutcome } from './types.js';

export type NoteFn = (kind: string, detail: Record<string, unknown>) => void;

/** About espeak-ng's pace at 160 words a minute, plus a little lead-in (speech on a server without it). */
export function speechMs(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return 300 + words * 375;
}

export class VirtualLeg implements CallLeg {
  readonly kind = 'virtual' as const;

  constructor(
    private readonly inner: SipLeg,
    private readonly line: PhoneLine,
    private readonly note: NoteFn,
    private readonly audio: AudioCache,
    private readonly keys: string[],
  ) {}

  get media(): MediaSession {
    return this.inner.media;
  }

  async say(text: string, voice: string, language: string, o: LegPlayOptions): Promise<PlayOutcome> {
    this.note('say', { text, voice, language, loop: o.loop === LOOP_FOREVER ? 0 : o.loop });
    try {
      return await this.inner.say(text, voice, language, o);
    } catch (err) {
      // Virtual phones work without espeak-ng: the phone then hears silence as long as the speech.
      if (!(err instanceof LegAudioError) || err.code !== 'engine-missing') throw err;
      return this.inner.silence(speechMs(text) * Math.max(1, Math.min(o.loop, 10)), o.interruptible);
    }
  }

  async play(url: string, o: LegPlayOptions): Promise<PlayOutcome> {
    const pcm = await this.audio.get(url);
    this.note('play', { url, seconds: Math.round(pcm.length / 800) / 10, loop: o.loop === LOOP_FOREVER ? 0 : o.loop });
    return this.inner.media.play(pcm, { loop: o.loop, interruptOnDigit: o.interruptible });
  }

  silence(ms: number, interruptible: boolean): Promise<PlayOutcome> {
    this.note('pause', { seconds: ms / 1000 });
    return this.inner.silence(ms, interruptible);
  }

  async beep(): Promise<void> {
    this.note('beep', {});
    await this.inner.beep();
  }

  async sendDigits(digits: string): Promise<void> {
    this.note('digits', { digits });
    await this.inner.sendDigits(digits);
  }

  onDigit(listener: (digit: string) => void): () => void {
    return this.inner.onDigit(listener);
  }

  /** Presses the next entry of the behavior's digits (RFC 4733 from the phone), shortly after. */
  listening(): void {
    const keys = this.keys.shift();
    if (!keys) return;
    this.note('pressed', { digits: keys.replace(/[wW]/g, '') });
    this.line.press(keys);
  }

  onAudio(listener: (frame: Int16Array, samples: number) => void): () => void {
    return this.inner.onAudio(listener);
  }

  startRecording(maxSeconds: number, onFrame: (frame: Int16Array, samples: number) => void): void {
    this.inner.startRecording(maxSeconds, onFrame);
  }

  stopRecording(): Promise<Int16Array> {
    return this.inner.stopRecording();
  }

  recordCall(maxSeconds: number): () => Promise<Int16Array> {
    return this.inner.recordCall(maxSeconds);
  }

  onFailure(cb: (detail: string) => void): void {
    this.inner.onFailure(cb);
  }

  stopAudio(): void {
    this.inner.stopAudio();
  }

  /** The phone notes what it heard, then both ends close. */
  async close(): Promise<void> {
    await this.line.finish();
    await this.inner.close();
  }
}
