import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in time independent of where they differ. Hashing first makes the inputs equal
 * in length, so the length of the expected secret does not leak either.
 */
export function secretsEqual(given: string, expected: string): boolean {
  // One-shot hashes: no Hash object per call (this runs on every authenticated request).
  return timingSafeEqual(hash('sha256', given, 'buffer'), hash('sha256', expected, 'buffer'));
}

/** 32 lowercase hex characters, the shape of a Twilio auth token. */
export function newAuthToken(): string {
  return randomBytes(16).toString('hex');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 alphanumeric characters, the shape of a Twilio API key secret. Rejection sampling keeps it unbiased. */
export function newKeySecret(): string {
  let out = '';
  while (out.length < 32) {
    for (const byte of randomBytes(48)) {
      if (byte < 248 && out.length < 32) out += ALNUM[byte % 62];
    }
  }
  return out;
}
