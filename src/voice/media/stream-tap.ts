/**
 * How a media session hands its frames to Media Streams without knowing them: the session runs a
 * StreamTap made by the factory it was given (voice/streams/ implements it), so the media layer imports
 * nothing above it. The spec and reports are plain data: they are posted between threads.
 */
import type { FrameTap } from './frame-tap.js';

/** Twilio's track names as the start message lists them. */
export type StreamTrackName = 'inbound' | 'outbound';

export interface StreamSpec {
  /** MZ... */
  sid: string;
  accountSid: string;
  callSid: string;
  /** The <Stream url> as given (wss:, or ws: to a loopback or private address). */
  url: string;
  /**
   * The address the URL's host resolved to and the outbound policy allowed: the socket connects there
   * (no second lookup, so no DNS rebinding window). Null when the host is an IP literal.
   */
  address: { ip: string; family: 4 | 6 } | null;
  /** X-Twilio-Signature of the upgrade request. */
  signature: string;
  tracks: StreamTrackName[];
  /** <Connect><Stream>: the app's media, marks and clear are played; DTMF is sent to it. */
  bidirectional: boolean;
  customParameters: Record<string, string>;
  /** Handshake deadline (31901 when it passes). */
  connectTimeoutMs: number;
  /** Bound on audio the app may queue ahead of playback (bytes of 8 kHz mu-law: 8000 a second). */
  maxQueuedBytes: number;
  /** Bound on media not yet written to the app's socket before frames are dropped (31930). */
  maxBufferedBytes: number;
}

export type StreamReport =
  /** The socket is open and `connected` + `start` were sent. */
  | { kind: 'started' }
  /** Ended without an error: stopped by us, by the call's end, or closed by the app normally. */
  | { kind: 'stopped'; by: 'app' | 'us' }
  /** Ended by a failure (never started, or broke). */
  | { kind: 'error'; code: number; detail: string }
  /** Goes on, but something was dropped or ignored (reported once per stream and code). */
  | { kind: 'warning'; code: number; detail: string };

/** The Media Streams of one session, where its media runs: fed with the session's frames. */
export interface StreamTap extends FrameTap {
  /** Streams still running. */
  readonly size: number;
  start(spec: StreamSpec): void;
  stop(sid: string): void;
  stopAll(): void;
}

/** Makes a session's StreamTap; `report` receives each stream's reports. */
export type StreamTapFactory = (report: (sid: string, r: StreamReport) => void) => StreamTap;
