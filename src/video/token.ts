import { createHmac } from 'node:crypto';
import { verifyTwilioToken, type KeySecretLookup } from '../core/access-token.js';
import { errors } from '../core/errors.js';

/**
 * A video Access Token: a Twilio token (core/access-token.ts) whose grants hold `video: {room?}`. Each way a
 * token can be wrong has its own Twilio code (20101-20107), the codes twilio-video.js reports.
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

export type { KeySecretLookup } from '../core/access-token.js';

/** Checks a token fully (shape, issuer, signature, time) and its video grant; throws the matching ApiError. */
export async function verifyAccessToken(token: string, secretOf: KeySecretLookup, nowMs: number): Promise<VideoGrant> {
  const t = await verifyTwilioToken(token, secretOf, nowMs);
  const video = t.grants['video'];
  if (video === null || typeof video !== 'object' || Array.isArray(video)) throw errors.accessTokenGrantsInvalid('no video grant');
  const room = (video as Record<string, unknown>)['room'];
  if (room !== undefined && typeof room !== 'string') throw errors.accessTokenGrantsInvalid('video.room must be a string');
  return { accountSid: t.accountSid, keySid: t.keySid, identity: t.identity, room: room || undefined, expiresAt: t.expiresAt };
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
