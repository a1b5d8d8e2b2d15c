import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors } from './errors.js';
import { isSid } from './sid.js';

/**
 * Twilio Access Tokens, as `twilio.jwt.AccessToken` makes them: a JWT with header
 * `{typ: JWT, alg: HS256, cty: "twilio-fpa;v=1"}`, `iss` = the API key (SK...), `sub` = the account (AC...),
 * `exp` (at most 24 hours ahead), optional `nbf`, and `grants: {identity, video?, voice?, ...}`, signed with
 * the API key's secret. Each way a token can be wrong has its own Twilio code (20101-20107). The products
 * (video, the voice client) check their own grant in what this returns.
 */
export interface VerifiedToken {
  accountSid: string;
  keySid: string;
  identity: string;
  /** The `grants` object: each product reads its own entry. */
  grants: Record<string, unknown>;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** Resolves an API key's secret, only when the key belongs to that account. */
export type KeySecretLookup = (accountSid: string, keySid: string) => Promise<string | undefined>;

const HASHES: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
/** Twilio refuses tokens living longer than a day. */
const MAX_TTL_SECONDS = 24 * 3600;

function decodePart(part: string, what: 'header' | 'payload'): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw what === 'header' ? errors.accessTokenHeaderInvalid('not base64url JSON') : errors.accessTokenInvalid('the payload is not base64url JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw what === 'header' ? errors.accessTokenHeaderInvalid('not a JSON object') : errors.accessTokenInvalid('the payload is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Checks a token's shape, issuer, signature, time and identity; throws the matching ApiError. */
export async function verifyTwilioToken(token: string, secretOf: KeySecretLookup, nowMs: number): Promise<VerifiedToken> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 8192) throw errors.accessTokenInvalid('missing or too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw errors.accessTokenInvalid('not a JWT (three dot-separated parts)');
  const [h, p, s] = parts as [string, string, string];
  const header = decodePart(h, 'header');
  const hash = typeof header['alg'] === 'string' ? HASHES[header['alg']] : undefined;
  if (!hash) throw errors.accessTokenHeaderInvalid('alg must be HS256, HS384 or HS512');
  if (header['typ'] !== undefined && header['typ'] !== 'JWT') throw errors.accessTokenHeaderInvalid('typ must be JWT');
  if (header['cty'] !== 'twilio-fpa;v=1') throw errors.accessTokenHeaderInvalid('cty must be twilio-fpa;v=1');
  const payload = decodePart(p, 'payload');

  const iss = payload['iss'];
  const sub = payload['sub'];
  if (!isSid(iss, 'SK') || !isSid(sub, 'AC')) throw errors.accessTokenIssuerInvalid();
  // A key of another account is "not found" for this one: a token cannot borrow another account's key.
  const secret = await secretOf(sub, iss);
  if (secret === undefined) throw errors.accessTokenIssuerInvalid();
  const expected = createHmac(hash, secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw errors.accessTokenSignatureInvalid();

  const now = Math.floor(nowMs / 1000);
  const exp = payload['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= now || exp - now > MAX_TTL_SECONDS) throw errors.accessTokenExpired();
  const nbf = payload['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) throw errors.accessTokenNotYetValid();

  const grants = payload['grants'];
  if (grants === null || typeof grants !== 'object' || Array.isArray(grants)) throw errors.accessTokenGrantsInvalid('no grants');
  const g = grants as Record<string, unknown>;
  const identity = g['identity'];
  if (typeof identity !== 'string' || identity.length === 0) throw errors.accessTokenGrantsInvalid('no identity');
  return { accountSid: sub, keySid: iss, identity, grants: g, expiresAt: exp };
}
