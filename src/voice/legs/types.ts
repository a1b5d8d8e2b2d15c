/**
 * What the interpreter needs from the other end of a call, whatever it is: a SIP peer with RTP media, or a
 * simulated virtual phone. Verbs only ever see this (through CallControl), never SIP or sockets.
 */
import type { MediaSession } from '../media/index.js';

export type PlayOutcome = 'finished' | 'interrupted' | 'stopped';

export interface LegPlayOptions {
  /** Times to play; LOOP_FOREVER (Twilio's loop="0") repeats until stopped. */
  loop: number;
  /** The first DTMF digit stops it (prompts inside <Gather>). */
  interruptible: boolean;
}

/**
 * Why audio could not be played: `fetch` (HTTP, size) or `format` (not WAV/MP3), `tts` for speech, with
 * the TTS engine's own code (`engine-missing`, ...) in `code`.
 */
export class LegAudioError extends Error {
  constructor(
    readonly kind: 'fetch' | 'format' | 'tts',
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'LegAudioError';
  }
}

export interface CallLeg {
  readonly kind: 'sip' | 'virtual';
  /** The leg's RTP, for <Dial> bridges; absent on test fakes. */
  readonly media?: MediaSession;
  say(text: string, voice: string, language: string, options: LegPlayOptions): Promise<PlayOutcome>;
  /** Throws LegAudioError when the URL cannot be fetched or decoded. */
  play(url: string, options: LegPlayOptions): Promise<PlayOutcome>;
  silence(ms: number, interruptible: boolean): Promise<PlayOutcome>;
  beep(): Promise<void>;
  /** RFC 4733 digits (w = 0.5 s, W = 1 s); resolves once sent. */
  sendDigits(digits: string): Promise<void>;
  /** Digits the other side presses; returns the unsubscribe function. */
  onDigit(listener: (digit: string) => void): () => void;
  /** The call is now listening for input (a virtual phone presses its configured keys then). */
  listening(kind: 'gather' | 'record'): void;
  /** Starts keeping what the other side says; `onFrame` sees each 20 ms frame (reused buffer). */
  startRecording(maxSeconds: number, onFrame: (frame: Int16Array, samples: number) => void): void;
  /**
   * Sees what the other side says, 20 ms frames of 8 kHz PCM16 (a reused buffer: copy what you keep), alongside
   * any recording; returns the unsubscribe function. Absent on test fakes without media.
   */
  onAudio?(listener: (frame: Int16Array, samples: number) => void): () => void;
  /** Stops recording and returns 8 kHz PCM16 (from a media engine thread: asynchronously). */
  stopRecording(): Int16Array | Promise<Int16Array>;
  /** Records the whole call (the API's Record=true) alongside any <Record>; call the result to stop. */
  recordCall(maxSeconds: number): () => Int16Array | Promise<Int16Array>;
  /** `cb` runs once if the media under the leg fails (its engine thread died): the call must end. */
  onFailure?(cb: (detail: string) => void): void;
  /** Stops whatever plays now (a redirect or a hangup came from outside). */
  stopAudio(): void;
  /** Releases sockets and timers. Signalling (BYE) is the session's job. */
  close(): Promise<void>;
}
