/**
 * Phone numbers to E.164, in one place. Two strengths, because callers need both:
 * - by syntax alone (`toE164`, `withPlus`): a '+', then 7 to 15 digits. Cheap, and accepts any number a SIP
 *   peer or carrier hands us, whether or not it is in use anywhere.
 * - by libphonenumber-js's metadata (`possibleNumber`, `normalizeNumber`): the number's length fits its
 *   country. Twilio refuses only numbers that are not *possible*, so fictional numbers such as +15558675310
 *   from Twilio's docs are accepted (and reach virtual phones).
 */
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { surelyPossible } from './calling-code-lengths.js';

export const E164 = /^\+[1-9]\d{6,14}$/;

const SHORT_CODE = /^\d{3,6}$/;
// Long enough to be international: shorter digit strings are short codes or extensions, not numbers without '+'.
const INTERNATIONAL_DIGITS = /^\d{8,15}$/;
const PUNCTUATION = /[\s().-]/g;
const NANP = /^\+?1\d{10}$/;
const PLUS_DIGITS = /^\+\d{1,17}$/;

export function isShortCode(value: string): boolean {
  return SHORT_CODE.test(value);
}

/**
 * An international number written without its '+' (SMPP addresses, `14155550100`) gets it back; anything else
 * (a number with '+', a short code, an alphanumeric sender) stays as it is.
 */
export function withPlus(address: string): string {
  return INTERNATIONAL_DIGITS.test(address) ? `+${address}` : address;
}

/** `+1 (415) 555-0100` and `14155550100` style input to E.164 by syntax alone, or null. */
export function toE164(value: string): string | null {
  const candidate = withPlus(value.replace(PUNCTUATION, ''));
  return E164.test(candidate) ? candidate : null;
}

/** The parsed number when it is possible; `defaultRegion` says how to read national input. */
export function possibleNumber(value: string, defaultRegion?: CountryCode): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(value, defaultRegion);
  return parsed?.isPossible() ? parsed : undefined;
}

/** A short code as it is, else a possible number ('+' optional) in E.164, else undefined. */
export function normalizeNumber(value: string): string | undefined {
  const trimmed = value.trim();
  if (isShortCode(trimmed)) return trimmed;
  // Country code 1 with ten national digits is always possible and already E.164 (e164.test.ts checks this
  // against libphonenumber), and parsing it is the dearest case: the parser tries the patterns of each of
  // the North American plan's two dozen regions. Every recipient is new, so the memo does not help there.
  if (NANP.test(trimmed)) return trimmed.startsWith('+') ? trimmed : `+${trimmed}`;
  const international = trimmed.startsWith('+') ? trimmed : `+${trimmed}`;
  // Other calling codes: a length every country of the code allows needs no parse (calling-code-lengths.ts).
  if (PLUS_DIGITS.test(international)) {
    const sure = surelyPossible(international);
    if (sure) return sure;
  }
  return memo(normalized, trimmed, () => possibleNumber(international)?.number);
}

export function isTollFree(number: string): boolean {
  return memo(tollFree, number, () => parsePhoneNumberFromString(number)?.getType() === 'TOLL_FREE');
}

/** ISO country of a number (the first candidate when the number range is shared), or '' when unknown. */
export function countryOf(number: string): string {
  const parsed = parsePhoneNumberFromString(number);
  return parsed?.country ?? parsed?.getPossibleCountries()[0] ?? '';
}

// Parsing with libphonenumber costs tens of microseconds, paid on every message for the same few senders:
// results (pure functions of the text) are kept in small bounded maps.
const normalized = new Map<string, string | undefined>();
const tollFree = new Map<string, boolean>();

function memo<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, value);
  return value;
}
