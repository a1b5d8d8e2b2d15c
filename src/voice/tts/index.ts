/** Public API of text-to-speech. */
export { TtsError } from './tts.js';
export type { SynthesisRequest, TtsEngine, TtsErrorCode } from './tts.js';
export { EspeakEngine } from './espeak.js';
export type { EspeakOptions } from './espeak.js';
export { CachedTts } from './cache.js';
export type { TtsCacheOptions } from './cache.js';
export { resolveVoice } from './voices.js';
export type { EspeakVoice } from './voices.js';
export { toMulaw } from './format.js';

import { CachedTts } from './cache.js';
import { EspeakEngine } from './espeak.js';
import type { EspeakOptions } from './espeak.js';
import type { TtsCacheOptions } from './cache.js';

/** The default engine: espeak-ng behind a cache. */
export function createDefaultTts(options: EspeakOptions & TtsCacheOptions = {}): CachedTts {
  return new CachedTts(new EspeakEngine(options), options);
}
