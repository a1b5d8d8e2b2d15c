import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** The identity the console's phone registers as: calls to `client:console` ring it. */
export const CONSOLE_IDENTITY = 'console';
/** Short-lived: the page asks for a new one before it runs out (the SDK's tokenWillExpire). */
export const CONSOLE_TOKEN_TTL_SECONDS = 3600;

/**
 * The console phone's Voice SDK access tokens. Each account gets its own signing key (an SK SID and a
 * secret) derived from the console's server secret, so nothing is stored and the account's real API keys
 * are never handed to a page: the browser gets only a token that lives an hour. The voice gateway accepts
 * the key (secretOf), and a call placed with it dials its To directly (voice/client/direct-dial.ts).
 */
export class ConsoleVoiceKeys {
  private readonly master: Buffer;

  constructor(serverSecretHex: string) {
    this.master = Buffer.from(hkdfSync('sha256', Buffer.from(serverSecretHex, 'hex'), Buffer.alloc(0), 'switchboard console voice key v1', 32));
  }

  /** The account's console key: SK + 32 hex digits, and its secret. */
  keyFor(accountSid: string): { sid: string; secret: string } {
    const mac = (label: string) => createHmac('sha256', this.master).update(`${label}\n${accountSid}`).digest('hex');
    return { sid: `SK${mac('sid').slice(0, 32)}`, secret: mac('secret') };
  }

  isConsoleKey(accountSid: string, keySid: string): boolean {
    const expected = Buffer.from(this.keyFor(accountSid).sid);
    const given = Buffer.from(keySid);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** For the voice gateway's key lookup: the secret when keySid is this account's console key. */
  secretOf(accountSid: string, keySid: string): string | undefined {
    return this.isConsoleKey(accountSid, keySid) ? this.keyFor(accountSid).secret : undefined;
  }

  /**
   * A Twilio access token (HS256, cty twilio-fpa;v=1) with a VoiceGrant allowing incoming calls and no
   * outgoing application: the console's calls dial the keypad's To.
   */
  mint(accountSid: string, nowMs: number, ttlSeconds = CONSOLE_TOKEN_TTL_SECONDS): { token: string; expiresAt: number } {
    const key = this.keyFor(accountSid);
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + ttlSeconds;
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const head = b64({ typ: 'JWT', alg: 'HS256', cty: 'twilio-fpa;v=1' });
    const body = b64({
      jti: `${key.sid}-${iat}`,
      iss: key.sid,
      sub: accountSid,
      iat,
      exp,
      grants: { identity: CONSOLE_IDENTITY, voice: { incoming: { allow: true } } },
    });
    const sig = createHmac('sha256', key.secret).update(`${head}.${body}`).digest('base64url');
    return { token: `${head}.${body}.${sig}`, expiresAt: exp };
  }
}
