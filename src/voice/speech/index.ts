/** Public API of speech recognition (Gather input="speech", transcription). */
export { normalizeText, SpeechError } from './recognizer.js';
export type { RecognitionRequest, RecognitionResult, SpeechErrorCode, SpeechRecognizer } from './recognizer.js';
export { PocketsphinxRecognizer, POCKETSPHINX_MODEL_DIR } from './pocketsphinx.js';
export type { PocketsphinxOptions } from './pocketsphinx.js';
export { Endpointer } from './endpointer.js';
export type { EndpointEvent, EndpointerOptions } from './endpointer.js';
export { maskProfanity } from './profanity.js';
export { hintGrammar } from './grammar.js';

import { PocketsphinxRecognizer, type PocketsphinxOptions } from './pocketsphinx.js';
import type { SpeechRecognizer } from './recognizer.js';

/** The engine config names (`--speech-engine`): `pocketsphinx` or `none` (null: speech Gathers raise an alert). */
export function createSpeechRecognizer(engine: string, options: PocketsphinxOptions = {}): SpeechRecognizer | null {
  if (engine === 'none') return null;
  if (engine === 'pocketsphinx') return new PocketsphinxRecognizer(options);
  throw new Error(`unknown speech engine "${engine}": use pocketsphinx or none`);
}
