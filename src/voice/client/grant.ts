/**
 * A Voice SDK Access Token: a Twilio token (core/access-token.ts) with `grants.voice`:
 * `{incoming: {allow}, outgoing: {application_sid, params}}`, as twilio-node's VoiceGrant writes it.
 */
import { verifyTwilioToken, type KeySecretLookup } from '../../core/access-token.js';
import { errors } from '../../core/errors.js';

export interface VoiceGrant {
  accountSid: string;
  /** The API key that signed the token (SK...): the console's own key makes its calls dial their To. */
  keySid: string;
  identity: string;
  /** incoming.allow: the device may register and be called. */
  incomingAllow: boolean;
  /** outgoing.application_sid: the TwiML App device.connect() runs; null when calls out are not allowed. */
  applicationSid: string | null;
  /** outgoing.params: sent to the app with every call the device places. */
  applicationParams: Record<string, string>;
  /** Seconds since the epoch. */
  expiresAt: number;
}

function object(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

export async function verifyVoiceToken(token: string, secretOf: KeySecretLookup, nowMs: number): Promise<VoiceGrant> {
  const t = await verifyTwilioToken(token, secretOf, nowMs);
  const voice = object(t.grants['voice']);
  if (!voice) throw errors.accessTokenGrantsInvalid('no voice grant');
  const incoming = object(voice['incoming']);
  const outgoing = object(voice['outgoing']);
  const app = outgoing?.['application_sid'];
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(object(outgoing?.['params']) ?? {})) if (v !== null && v !== undefined) params[k] = String(v);
  return {
    accountSid: t.accountSid,
    keySid: t.keySid,
    identity: t.identity,
    incomingAllow: incoming?.['allow'] === true,
    applicationSid: typeof app === 'string' && app !== '' ? app : null,
    applicationParams: params,
    expiresAt: t.expiresAt,
  };
}
