/** Public API of the media engine. */
export { RtpSession } from './session.js';
export type { RtpSessionEvents, RtpSessionOptions, RtpStats } from './session.js';
export { MediaClock, sharedMediaClock } from './clock.js';
export type { ClockClient, MediaClockOptions } from './clock.js';
export { PlaybackQueue } from './playback.js';
export type { AudioInput, PlayOptions, PlayResult } from './playback.js';
export { Recorder } from './recorder.js';
export { JitterBuffer, FRAME_SAMPLES } from './jitter-buffer.js';
export type { FrameSource, FrameStatus, JitterBufferOptions, JitterStats } from './jitter-buffer.js';
export { DtmfReceiver, DtmfSender, digitToEvent, eventToDigit, DTMF_DIGITS } from './dtmf.js';
export type { DtmfSendOptions } from './dtmf.js';
export {
  ALAW_TO_LINEAR,
  ULAW_TO_LINEAR,
  LINEAR_TO_ALAW,
  LINEAR_TO_ULAW,
  PAYLOAD_TYPE,
  SILENCE_BYTE,
  decodeToPcm,
  encodePcm,
  decodeInto,
  encodeInto,
} from './g711.js';
export type { G711Codec } from './g711.js';
export { createRtpHeader, encodeRtp, parseRtp, writeRtpHeader, RTP_HEADER_BYTES } from './rtp.js';
export type { RtpHeader } from './rtp.js';
export { readWav, wavToPcm8k, writeWav, WavError } from './wav.js';
export type { DecodedWav, WavFormat, WavInfo } from './wav.js';
export { decodeMp3To8k, downmixTo8k, Mp3Error } from './mp3.js';
export { resampleLinear, resampleTo8k, toInt16 } from './resample.js';
export {
  SilenceDetector,
  concatPcm,
  dbfs,
  generateBeep,
  isSilent,
  rms,
  silence,
  trimTrailingSilence,
} from './audio-utils.js';
export type { BeepOptions, SilenceDetectorOptions } from './audio-utils.js';
export { createAnswer, createOffer, parseAnswer } from './sdp.js';
export type { AnswerOptions, AnswerResult, Direction, NegotiatedMedia, OfferOptions } from './sdp.js';
export { SourceFilter, unusableSdpAddress } from './source-filter.js';
export type { RtpDropCounters } from './source-filter.js';
export type { MediaSession, MediaSessionEvents, MixSettings, RecordingSlot } from './media-session.js';
export { Mixer, MixPort } from './mixer.js';
export type { MixFlags } from './mixer.js';
export { dominantFrequencies, tone, toneShare } from './spectrum.js';
export type { Peak } from './spectrum.js';
export { engineEntry, MediaEngine } from './engine/pool.js';
export type { MediaEngineEvents, MediaEngineSetup } from './engine/pool.js';
export { raiseThisThread, type ThreadPriorityReport } from './engine/thread-priority.js';
export type { StreamReport, StreamSpec, StreamTap, StreamTapFactory, StreamTrackName } from './stream-tap.js';
export type { EngineOpenOptions } from './engine/protocol.js';
