import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What a console session cookie carries. The credential itself travels sealed inside the cookie so that
 * every request re-authenticates through AccountsService.authenticate: a rotated token, a deleted key or
 * a suspended account ends the session at once, with no second copy of the rules here.
 */
export interface SessionClaims {
  /** Random id: the CSRF token is derived from it, so it stays the same when the acting account changes. */
  readonly id: string;
  /** The SID that signed in (AC... or SK...) and its secret. */
  readonly username: string;
  readonly secret: string;
  /** The account the console acts as: the signed-in account or one of its subaccounts. */
  readonly account: string;
  /** Issued and expiry, ms since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

export const COOKIE_NAME = 'switchboard_console';
export const CSRF_HEADER = 'x-switchboard-csrf';
/** Absolute lifetime: a console session is a working day, then the person signs in again. */
export const SESSION_TTL_MS = 12 * 3600_000;

const VERSION = 'v1';

/**
 * Seals and opens session cookies with keys derived from one server secret (kept in the store, so sessions
 * survive restarts and are shared by every node on one database). AES-256-GCM both hides the secret and
 * authenticates the claims; the CSRF token is an HMAC of the session id under a separate key.
 */
export class SessionCodec {
  private readonly sealKey: Buffer;
  private readonly csrfKey: Buffer;

  constructor(serverSecret: string) {
    const ikm = Buffer.from(serverSecret, 'hex');
    if (ikm.length < 32) throw new Error('console session secret must be at least 32 bytes of hex');
    this.sealKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'switchboard console cookie v1', 32));
    this.csrfKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'switchboard console csrf v1', 32));
  }

  static newSecret(): string {
    return randomBytes(32).toString('hex');
  }

  static newSessionId(): string {
    return randomBytes(18).toString('base64url');
  }

  seal(claims: SessionClaims): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    // The version is authenticated too, so a later format cannot be confused with this one.
    cipher.setAAD(Buffer.from(VERSION));
    const body = Buffer.concat([cipher.update(JSON.stringify(claims), 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The claims of a cookie value this server sealed and that has not expired; undefined for anything else. */
  open(value: string, now: number): SessionClaims | undefined {
    const parts = value.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, Buffer.from(parts[1]!, 'base64url'));
      decipher.setAAD(Buffer.from(VERSION));
      decipher.setAuthTag(Buffer.from(parts[3]!, 'base64url'));
      const json = Buffer.concat([decipher.update(Buffer.from(parts[2]!, 'base64url')), decipher.final()]).toString('utf8');
      const claims = parseClaims(JSON.parse(json));
      if (!claims || claims.exp <= now) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  csrfToken(sessionId: string): string {
    return createHmac('sha256', this.csrfKey).update(sessionId).digest('base64url');
  }

  csrfValid(sessionId: string, given: string): boolean {
    const expected = Buffer.from(this.csrfToken(sessionId));
    const got = Buffer.from(given);
    return got.length === expected.length && timingSafeEqual(got, expected);
  }
}

function parseClaims(v: unknown): SessionClaims | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const num = (k: string) => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : undefined);
  const id = str('id'),
    username = str('username'),
    secret = str('secret'),
    account = str('account');
  const iat = num('iat'),
    exp = num('exp');
  if (id === undefined || username === undefined || secret === undefined || account === undefined || iat === undefined || exp === undefined) return undefined;
  return { id, username, secret, account, iat, exp };
}

/** The value of one cookie from a Cookie header (RFC 6265 pairs; the first of a repeated name wins). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Set-Cookie for the session: HttpOnly (page scripts never see it), SameSite=Strict (other sites' pages
 * never send it), Path=/ because the console calls the product APIs at their own paths.
 */
export function sessionCookie(value: string, opts: { maxAgeSec: number; secure: boolean }): string {
  const attrs = [`${COOKIE_NAME}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${opts.maxAgeSec}`];
  if (opts.secure) attrs.push('Secure');
  return attrs.join('; ');
}
