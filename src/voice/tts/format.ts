/** Output conversions for callers that want encoded audio instead of PCM16. */
import { encodePcm } from '../media/index.js';

/** 8 kHz PCM16 to mu-law bytes (PCMU). */
export function toMulaw(pcm: Int16Array): Buffer {
  return encodePcm('PCMU', pcm);
}
