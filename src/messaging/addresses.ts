import { errors } from '../core/errors.js';
import { isShortCode, isTollFree } from '../core/phone/e164.js';

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

export function checkMagicTo(to: string): void {
  const fail = MAGIC_TO[to];
  if (fail) throw fail();
}

export type SenderKind = 'long-code' | 'toll-free' | 'short-code';

export function senderKind(from: string, numberType?: string): SenderKind {
  if (isShortCode(from)) return 'short-code';
  if (numberType === 'tollfree') return 'toll-free';
  return isTollFree(from) ? 'toll-free' : 'long-code';
}
