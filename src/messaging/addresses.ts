import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { errors } from '../core/errors.js';

/**
 * Twilio's test-credential magic numbers. Switchboard honours them for every account, so test suites
 * written against Twilio's test credentials behave the same here.
 */
export const MAGIC_FROM_VALID = '+15005550006';
const MAGIC_TO: Record<string, () => Error> = {
  '+15005550001': () => errors.invalidTo('+15005550001'),
  '+15005550002': () => errors.cannotRoute(),
  '+15005550003': () => errors.noPermission(),
  '+15005550004': () => errors.unsubscribed(),
  '+15005550009': () => errors.notMobile(),
};

/**
 * A number is refused only when it is not a *possible* E.164 number, as Twilio does: fictional numbers
 * such as +15558675310 from Twilio's docs are accepted (and reach virtual phones).
 */
export function normalizeNumber(value: string): string | undefined {
  const trimmed = value.trim();
  if (/^\d{3,6}$/.test(trimmed)) return trimmed; // short code
  return memo(normalized, trimmed, () => {
    const parsed = parsePhoneNumberFromString(trimmed.startsWith('+') ? trimmed : `+${trimmed}`);
    return parsed?.isPossible() ? parsed.number : undefined;
  });
}

// Parsing with libphonenumber costs tens of microseconds, paid on every create for the same few senders:
// results (pure functions of the text) are kept in small bounded maps.
const normalized = new Map<string, string | undefined>();
const kinds = new Map<string, SenderKind>();

function memo<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, value);
  return value;
}

export function checkMagicTo(to: string): void {
  const fail = MAGIC_TO[to];
  if (fail) throw fail();
}

export type SenderKind = 'long-code' | 'toll-free' | 'short-code';

export function senderKind(from: string, numberType?: string): SenderKind {
  if (/^\d{3,6}$/.test(from)) return 'short-code';
  if (numberType === 'tollfree') return 'toll-free';
  return memo(kinds, from, () => (parsePhoneNumberFromString(from)?.getType() === 'TOLL_FREE' ? 'toll-free' : 'long-code'));
}
