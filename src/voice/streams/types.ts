/**
 * What crosses between a call (main thread) and the place its media runs (an engine thread, or this one)
 * to run one Media Stream: the stream's settings going there, reports coming back. Plain data: it is
 * posted between threads.
 */

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

/** Stream codes (Twilio's error catalogue, "Stream - ..."). */
export const STREAM_CODES = {
  connectTimeout: 31901, // no answer to the connection request (or refused)
  brokenPipe: 31903, // the connection broke while the stream was live
  tls: 31910, // the TLS handshake failed
  handshake: 31920, // the upgrade was answered with something other than 101 (or not allowed)
  closed: 31921, // the app closed the socket with an error code
  scheme: 31922, // the URL is not wss: (or ws: to a local address)
  bufferOverflow: 31930, // media was dropped: the app's socket (or the app's queued audio) is over its bound
  invalidMessage: 31951, // the app sent a message that is not media, mark or clear (reported once a stream)
} as const;

export type StreamReport =
  /** The socket is open and `connected` + `start` were sent. */
  | { kind: 'started' }
  /** Ended without an error: stopped by us, by the call's end, or closed by the app normally. */
  | { kind: 'stopped'; by: 'app' | 'us' }
  /** Ended by a failure (never started, or broke). */
  | { kind: 'error'; code: number; detail: string }
  /** Goes on, but something was dropped or ignored (reported once per stream and code). */
  | { kind: 'warning'; code: number; detail: string };
