/**
 * A call's far end over SIP: speech and audio go out through the call's media session (in this thread or on
 * a media engine thread), digits come back from it.
 */
import { generateBeep, silence } from '../media/index.js';
import type { MediaSession } from '../media/index.js';
import { TtsError, type TtsEngine } from '../tts/index.js';
import type { AudioCache } from '../audio/fetch.js';
import { LegAudioError, type CallLeg, type LegPlayOptions, type PlayOutcome } from './types.js';

const SECOND_OF_SILENCE = silence(1000);
const BEEP = generateBeep();

export class SipLeg implements CallLeg {
  readonly kind = 'sip' as const;
  readonly media: MediaSession;
  protected readonly listeners = new Set<(digit: string) => void>();
  private tap: ((frame: Int16Array, samples: number) => void) | null = null;
  private readonly audioListeners = new Set<(frame: Int16Array, samples: number) => void>();
  private readonly fanOut = (frame: Int16Array, samples: number): void => {
    this.tap?.(frame, samples);
    for (const l of this.audioListeners) l(frame, samples);
  };

  constructor(
    readonly rtp: MediaSession,
    private readonly tts: TtsEngine,
    private readonly audio: AudioCache,
  ) {
    this.media = rtp;
    rtp.on('digit', (d) => {
      for (const l of [...this.listeners]) l(d);
    });
  }

  // The audio hook (a <Record>'s silence detector, a speech <Gather>) is set only while one listens: on an
  // engine thread, a hook means received audio crosses to this thread.
  private listen(): void {
    this.rtp.onAudio = this.tap === null && this.audioListeners.size === 0 ? null : this.fanOut;
  }

  onAudio(listener: (frame: Int16Array, samples: number) => void): () => void {
    this.audioListeners.add(listener);
    this.listen();
    return () => {
      this.audioListeners.delete(listener);
      this.listen();
    };
  }

  async say(text: string, voice: string, language: string, o: LegPlayOptions): Promise<PlayOutcome> {
    let pcm: Int16Array;
    try {
      pcm = await this.tts.synthesize({ text, voice, language });
    } catch (err) {
      throw new LegAudioError('tts', (err as Error).message, err instanceof TtsError ? err.code : null);
    }
    return this.rtp.play(pcm, { loop: o.loop, interruptOnDigit: o.interruptible });
  }

  async play(url: string, o: LegPlayOptions): Promise<PlayOutcome> {
    const pcm = await this.audio.get(url);
    return this.rtp.play(pcm, { loop: o.loop, interruptOnDigit: o.interruptible });
  }

  silence(ms: number, interruptible: boolean): Promise<PlayOutcome> {
    // Whole seconds loop one shared buffer: a long <Pause> allocates nothing.
    if (ms % 1000 === 0) return this.rtp.play(SECOND_OF_SILENCE, { loop: ms / 1000, interruptOnDigit: interruptible });
    return this.rtp.play(silence(ms), { interruptOnDigit: interruptible });
  }

  async beep(): Promise<void> {
    await this.rtp.play(BEEP);
  }

  sendDigits(digits: string): Promise<void> {
    return this.rtp.sendDigits(digits);
  }

  onDigit(listener: (digit: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listening(): void {
    // A real caller presses keys when they like.
  }

  startRecording(maxSeconds: number, onFrame: (frame: Int16Array, samples: number) => void): void {
    this.tap = onFrame;
    this.listen();
    this.rtp.startRecording(maxSeconds);
  }

  async stopRecording(): Promise<Int16Array> {
    this.tap = null;
    this.listen();
    return (await this.rtp.takeRecording()) ?? new Int16Array(0);
  }

  onFailure(cb: (detail: string) => void): void {
    this.rtp.on('failed', cb);
  }

  /** The whole call is recorded where its media runs (an engine thread), and handed over once at the end. */
  recordCall(maxSeconds: number): () => Promise<Int16Array> {
    this.rtp.startRecording(maxSeconds, 'call');
    let taken: Promise<Int16Array> | null = null;
    return () => (taken ??= this.rtp.takeRecording('call').then((pcm) => pcm ?? new Int16Array(0)));
  }

  stopAudio(): void {
    this.rtp.stopPlayback();
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.tap = null;
    this.audioListeners.clear();
    this.rtp.onAudio = null;
    await this.rtp.close();
  }
}
