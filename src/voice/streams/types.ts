/**
 * What crosses between a call (main thread) and the place its media runs (an engine thread, or this one)
 * to run one Media Stream. The settings and reports are declared by the media layer, which carries them
 * (media/stream-tap.ts); the codes the reports use are here.
 */

export type { StreamReport, StreamSpec, StreamTrackName } from '../media/stream-tap.js';

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
