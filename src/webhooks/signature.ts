import { createHash, createHmac } from 'node:crypto';
import { secretsEqual } from '../core/secrets.js';

export type SignedParams = Record<string, string | readonly string[]>;

/**
 * X-Twilio-Signature: HMAC-SHA1 (key: the account's auth token) over the full URL followed by each POST
 * parameter as key + value in sorted key order; a repeated key contributes each of its distinct values in
 * sorted order. Base64 encoded. This is what twilio.validateRequest() recomputes.
 */
export function computeSignature(authToken: string, url: string, params: SignedParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!;
    if (typeof value === 'string') data += key + value;
    else for (const v of [...new Set(value)].sort()) data += key + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** JSON bodies are signed through the URL: `bodySHA256=<hex>` is added to the query and the URL alone is signed. */
export function signJsonBody(authToken: string, url: string, body: string): { url: string; signature: string } {
  const hash = createHash('sha256').update(body).digest('hex');
  const signedUrl = url + (url.includes('?') ? '&' : '?') + 'bodySHA256=' + hash;
  return { url: signedUrl, signature: computeSignature(authToken, signedUrl, {}) };
}

export function validateSignature(authToken: string, signature: string, url: string, params: SignedParams): boolean {
  return secretsEqual(signature, computeSignature(authToken, url, params));
}
