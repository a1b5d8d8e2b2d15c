/**
 * The text-to-speech contract every backend implements: text in, 8 kHz mono PCM16 out (what the media
 * engine plays). Backends: espeak-ng (run as a separate program; GPL, never bundled). Cloud engines can
 * follow behind the same interface.
 */
export interface SynthesisRequest {
  text: string;
  /** Twilio voice name (`alice`, `man`, `woman`, `Polly.Joanna`, `Google.en-US-Standard-C`) or a backend voice. */
  voice?: string;
  /** BCP 47 tag as in Twilio's `language` attribute, e.g. `en-US`. */
  language?: string;
}

export interface TtsEngine {
  readonly name: string;
  /** 8 kHz mono PCM16. */
  synthesize(request: SynthesisRequest): Promise<Int16Array>;
}

/** Why synthesis failed; `code` tells callers apart without reading the message. */
export type TtsErrorCode = 'engine-missing' | 'engine-failed' | 'timeout' | 'bad-output' | 'text-too-long';

export class TtsError extends Error {
  constructor(
    readonly code: TtsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TtsError';
  }
}
