/**
 * The speech settings (`--speech-*`) as createSpeechRecognizer takes them, and the parsers config/resolve.ts
 * runs at start, so a wrong value stops the start naming its option (exit code 2) rather than failing the
 * first speech Gather.
 */
import { baseLanguage } from './recognizer.js';

export class SpeechConfigError extends Error {}

export const SPEECH_ENGINES = ['pocketsphinx', 'http', 'none'] as const;
export type SpeechEngineName = (typeof SPEECH_ENGINES)[number];

export type SpeechSettings =
  | { engine: 'none' }
  | { engine: 'pocketsphinx'; maxConcurrent: number }
  | {
      engine: 'http';
      url: string;
      apiKey: string | undefined;
      model: string;
      languages: string[];
      timeoutMs: number;
      maxConcurrent: number;
    };

export function parseSpeechEngine(value: string): SpeechEngineName {
  const name = SPEECH_ENGINES.find((e) => e === value.trim().toLowerCase());
  if (!name) throw new SpeechConfigError(`unknown speech engine "${value}": use ${SPEECH_ENGINES.join(', ')}`);
  return name;
}

/** The http engine's endpoint: required, http(s), with no user:password (the key goes in --speech-api-key). */
export function parseSpeechUrl(value: string | undefined): string {
  if (value === undefined || value.trim() === '')
    throw new SpeechConfigError('--speech-engine http needs the endpoint, e.g. http://127.0.0.1:8080/v1/audio/transcriptions');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    // The value is not repeated: it may hold a key in its query string.
    throw new SpeechConfigError('must be an http(s) URL such as http://127.0.0.1:8080/v1/audio/transcriptions');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SpeechConfigError(`must be an http(s) URL, got ${url.protocol} (${url.host})`);
  if (url.username !== '' || url.password !== '')
    throw new SpeechConfigError('must not carry user:password (fetch refuses such URLs): put a bearer key in --speech-api-key');
  return url.toString();
}

/** Comma list of base language codes (`en,es,pt`; `en-US` counts as `en`); empty: any language. */
export function parseSpeechLanguages(value: string | undefined): string[] {
  const out: string[] = [];
  for (const raw of (value ?? '').split(',')) {
    const tag = raw.trim();
    if (tag === '') continue;
    if (!/^[a-z]{2,3}([-_][a-z0-9]{1,8})*$/i.test(tag)) throw new SpeechConfigError(`expected language codes such as en,es,pt, got "${tag}"`);
    const base = baseLanguage(tag);
    if (!out.includes(base)) out.push(base);
  }
  return out;
}
