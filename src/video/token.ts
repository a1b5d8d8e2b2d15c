import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors } from '../core/errors.js';
import { isSid } from '../core/sid.js';

/**
 * Twilio Access Tokens, as `twilio.jwt.AccessToken` makes them: a JWT with header
 * `{typ: JWT, alg: HS256, cty: "twilio-fpa;v=1"}`, `iss` = the API key (SK...), `sub` = the account (AC...),
 * `exp` (at most 24 hours ahead), optional `nbf`, and `grants: {identity, video: {room?}}`, signed with the
 * API key's secret. Each way a token can be wrong has its own Twilio code (20101-20107), the codes
 * twilio-video.js reports, so an app's error handling carries over.
 */
export interface VideoGrant {
  accountSid: string;
  keySid: string;
  identity: string;
  /** The room the token is limited to (name or SID), when the grant names one. */
  room: string | undefined;
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

/** Checks a token fully (shape, issuer, signature, time, grants); throws the matching ApiError. */
export async function verifyAccessToken(token: string, secretOf: KeySecretLookup, nowMs: number): Promise<VideoGrant> {
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
  const video = g['video'];
  if (video === null || typeof video !== 'object' || Array.isArray(video)) throw errors.accessTokenGrantsInvalid('no video grant');
  const room = (video as Record<string, unknown>)['room'];
  if (room !== undefined && typeof room !== 'string') throw errors.accessTokenGrantsInvalid('video.room must be a string');
  return { accountSid: sub, keySid: iss, identity, room: room || undefined, expiresAt: exp };
}

/**
 * Makes a token the way twilio-node does (for the demo page's token endpoint: the server itself holds no
 * user's key). Tests use the official `twilio.jwt.AccessToken` instead.
 */
export function mintAccessToken(o: {
  accountSid: string;
  keySid: string;
  secret: string;
  identity: string;
  room?: string;
  ttlSeconds?: number;
  nowMs: number;
}): string {
  const now = Math.floor(o.nowMs / 1000);
  const header = { typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' };
  const payload = {
    jti: `${o.keySid}-${now}`,
    iss: o.keySid,
    sub: o.accountSid,
    iat: now,
    exp: now + (o.ttlSeconds ?? 3600),
    grants: { identity: o.identity, video: o.room ? { room: o.room } : {} },
  };
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc(header)}.${enc(payload)}`;
  return `${body}.${createHmac('sha256', o.secret).update(body).digest('base64url')}`;
}
