/** Public API of speech recognition (Gather input="speech", transcription). */
export { baseLanguage, normalizeText, SpeechError } from './recognizer.js';
export type { RecognitionRequest, RecognitionResult, SpeechErrorCode, SpeechRecognizer } from './recognizer.js';
export { PocketsphinxRecognizer, POCKETSPHINX_MODEL_DIR } from './pocketsphinx.js';
export type { PocketsphinxOptions } from './pocketsphinx.js';
export { HttpSpeechRecognizer } from './http.js';
export type { HttpSpeechOptions } from './http.js';
export { parseSpeechEngine, parseSpeechLanguages, parseSpeechUrl, SPEECH_ENGINES, SpeechConfigError } from './settings.js';
export type { SpeechEngineName, SpeechSettings } from './settings.js';
export { Endpointer } from './endpointer.js';
export type { EndpointEvent, EndpointerOptions } from './endpointer.js';
export { maskProfanity } from './profanity.js';
export { hintGrammar } from './grammar.js';

import { HttpSpeechRecognizer } from './http.js';
import { PocketsphinxRecognizer } from './pocketsphinx.js';
import type { SpeechRecognizer } from './recognizer.js';
import type { SpeechSettings } from './settings.js';

/** The engine `--speech-engine` names, from settings checked at start (config/resolve.ts); null for `none`: speech Gathers raise an alert. */
export function createSpeechRecognizer(settings: SpeechSettings): SpeechRecognizer | null {
  switch (settings.engine) {
    case 'none':
      return null;
    case 'pocketsphinx':
      return new PocketsphinxRecognizer({ maxConcurrent: settings.maxConcurrent });
    case 'http':
      return new HttpSpeechRecognizer(settings);
  }
}
