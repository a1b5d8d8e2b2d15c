/**
 * The speech-recognition contract every backend implements: one utterance of 8 kHz mono PCM16 in (already
 * cut by the endpointer: speech with a little silence either side), text and a confidence out. Backends
 * (`--speech-engine`, built by createSpeechRecognizer in index.ts): pocketsphinx (offline, warm decoder
 * processes beside ours, see pocketsphinx.ts) and http, which posts the audio as a WAV to an operator's
 * endpoint speaking the OpenAI-compatible transcription API (http.ts). Both pass one contract test
 * (test/voice.speech-engines.test.ts).
 */
export interface RecognitionRequest {
  /** 8 kHz mono PCM16: one utterance. */
  pcm: Int16Array;
  /** BCP 47 tag as in Twilio's `language` attribute, e.g. `en-US`. */
  language: string;
  /** Phrases the caller is expected to say (Gather's `hints`): the engine biases recognition toward them. */
  hints: readonly string[];
  /** Twilio's speechModel, passed through to engines that have several (pocketsphinx has one). */
  model: string | null;
  /** Aborts the recognition (the call ended); the promise then rejects with SpeechError 'aborted'. */
  signal?: AbortSignal;
}

export interface RecognitionResult {
  /** What was said, lower case words separated by single spaces; '' when nothing was recognized. */
  text: string;
  /** 0 to 1; how sure the engine is (each engine documents how it derives it). */
  confidence: number;
}

export interface SpeechRecognizer {
  readonly name: string;
  /**
   * True when the engine is asked for final results only: partialResultCallback then gets nothing. Partials
   * re-recognize the growing utterance about once a second, cheap on a warm local decoder but a stream of
   * uploads to a remote engine.
   */
  readonly finalOnly?: boolean;
  /** Whether `language` (BCP 47) can be recognized; Gather raises an alert and falls through otherwise. */
  supports(language: string): boolean;
  recognize(request: RecognitionRequest): Promise<RecognitionResult>;
  /** A recognition is coming soon (a speech Gather started): an engine with a start-up cost can pay it now. */
  warmUp?(withHints: boolean): void;
  /** Releases what the engine holds (processes, files); called when the server stops. */
  close?(): Promise<void>;
}

/** Why recognition failed; `code` tells callers apart without reading the message. */
export type SpeechErrorCode = 'engine-missing' | 'engine-failed' | 'timeout' | 'unsupported-language' | 'aborted' | 'busy';

export class SpeechError extends Error {
  constructor(
    readonly code: SpeechErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SpeechError';
  }
}

/**
 * Lower case, words only, single spaces: what every engine's text is normalised to. Letters of any script
 * are kept (an HTTP engine may recognize Spanish or Greek); markup such as `<sil>`, `[BLANK_AUDIO]` or
 * `(music)` and punctuation go, and a typographic apostrophe becomes a plain one.
 */
export function normalizeText(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/<[^>]*>|\[[^\]]*\]|\([^)]*\)/g, ' ')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{M}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The primary language subtag of a BCP 47 tag, lower case: `en-US` -> `en` (ISO 639-1 where one exists). */
export function baseLanguage(tag: string): string {
  return (tag.split(/[-_]/)[0] ?? '').trim().toLowerCase();
}
