/**
 * What the call layer needs from one call's media, wherever it runs: an RtpSession on this thread, or a
 * RemoteRtpSession whose RTP lives on a media engine thread (engine/). Legs and peers only see this.
 */
import type { DtmfSendOptions } from './dtmf.js';
import type { G711Codec } from './g711.js';
import type { AudioInput, PlayOptions, PlayResult } from './playback.js';
import type { StreamReport, StreamSpec } from './stream-tap.js';

export type MediaSessionEvents = {
  /** An RFC 4733 event ended (reported once per event). */
  digit: [digit: string, durationMs: number];
  /** The first packet of an event arrived (the key is still down). */
  digitStart: [digit: string];
  /** Outgoing packets now go to this address (first packet received, or NAT rebinding). */
  latched: [remote: { host: string; port: number }];
  /** The media is gone (its engine thread died): the call must end. Never emitted by an in-thread session. */
  failed: [detail: string];
  /** A Media Stream on this session started, ended or warned (voice/streams/). */
  stream: [sid: string, report: StreamReport];
  /** In a conference mixer: this participant started or stopped speaking (frame energy, mixer.ts). */
  speaking: [speaking: boolean];
};

/** A participant's place in a conference mix (mixer.ts): `coach` is the session of the participant it coaches. */
export interface MixSettings {
  muted: boolean;
  hold: boolean;
  coach: MediaSession | null;
}

/**
 * A verb's recording (<Record>), the whole call's (the API's Record=true) and a <Dial>'s run side by side.
 * 'dial' has two channels: this session's received audio, and that of the session it is bridged to; it is
 * handed over interleaved (dial-recorder.ts). 'conference' is what the conference mixer homed on this
 * session hears (everyone heard, mixed).
 */
export type RecordingSlot = 'verb' | 'call' | 'dial' | 'conference';

export interface MediaSession {
  /** The local RTP port written in SDP. */
  readonly port: number;
  /** Sees received audio (decoded PCM, a buffer that may be reused: copy what you keep). */
  onAudio: ((frame: Int16Array, samples: number) => void) | null;
  on<K extends keyof MediaSessionEvents>(event: K, fn: (...args: MediaSessionEvents[K]) => void): this;
  off<K extends keyof MediaSessionEvents>(event: K, fn: (...args: MediaSessionEvents[K]) => void): this;
  setRemote(host: string, port: number, signalHost?: string | null): void;
  setCodec(codec: G711Codec, dtmfPayloadType?: number | null): void;
  play(input: AudioInput, options?: PlayOptions): Promise<PlayResult>;
  stopPlayback(): void;
  sendDigits(digits: string, options?: DtmfSendOptions): Promise<void>;
  startRecording(maxSeconds?: number, which?: RecordingSlot): void;
  /** Stops recording and hands over the audio (8 kHz PCM16), or null when nothing was recording. */
  takeRecording(which?: RecordingSlot): Promise<Int16Array | null>;
  /**
   * Relays media both ways with `other` (a <Dial> bridge), or ends the bridge with null. False when the two
   * cannot be bridged: they must run in the same place (this thread, or one media engine thread).
   */
  bridge(other: MediaSession | null): boolean;
  /**
   * Puts this session in the conference mixer homed on `home` (a session of the same thread; the mixer is
   * made on first use and ticks on that thread's clock), updates its settings, or takes it out (null).
   * While in a mix the session sends what the mix gives it, except while it plays audio of its own (hold
   * music, an announcement). False when `home` is elsewhere.
   */
  mix(home: MediaSession | null, settings?: MixSettings): boolean;
  /** Opens a Media Stream's WebSocket where this session's media runs, fed with its frames; reports come as `stream` events. */
  startStream(spec: StreamSpec): void;
  /** Ends a Media Stream (its `stop` message, then the close); no-op when it is gone. */
  stopStream(sid: string): void;
  close(): Promise<void>;
}
