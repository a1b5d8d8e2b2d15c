import type { FastifyRequest } from 'fastify';
import type { AccountsService, Principal } from '../accounts/service.js';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { AccountSid } from '../core/sid.js';
import type { SettingsRepository } from '../store/repositories/settings.js';
import { ConsoleVoiceKeys } from './voice-key.js';
import { COOKIE_NAME, CSRF_HEADER, readCookie, SESSION_TTL_MS, SessionCodec, type SessionClaims } from './session.js';

const SECRET_KEY = 'console_session_secret';
/** Sign-out is stored per credential, so it holds across restarts and nodes: sessions issued before it end. */
const signedOutKey = (username: string) => `console_signed_out:${username}`;

export interface ConsoleSession {
  readonly claims: SessionClaims;
  /** Who signed in. */
  readonly home: Principal;
  /** Who the console acts as: `home`, or `home` narrowed to one of its subaccounts. */
  readonly acting: Principal;
}

export interface ConsoleAuthDeps {
  accounts: AccountsService;
  settings: SettingsRepository;
  clock: Clock;
  publicUrl: () => string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The console's way in. A session is a sealed cookie (see session.ts); a request is authenticated by it only
 * when it also carries the session's CSRF token in a header, which pages of other sites cannot read or set,
 * and, for anything but a read, an Origin header naming this server.
 */
export class ConsoleAuth {
  private constructor(
    private readonly d: ConsoleAuthDeps,
    private readonly codec: SessionCodec,
    /** The console phone's signing keys, derived from the same server secret (voice-key.ts). */
    readonly voiceKeys: ConsoleVoiceKeys,
  ) {}

  static async create(d: ConsoleAuthDeps): Promise<ConsoleAuth> {
    // setIfAbsent: two nodes starting at once on one database agree on a single secret.
    const secret = await d.settings.setIfAbsent(SECRET_KEY, SessionCodec.newSecret());
    return new ConsoleAuth(d, new SessionCodec(secret), new ConsoleVoiceKeys(secret));
  }

  csrfToken(claims: SessionClaims): string {
    return this.codec.csrfToken(claims.id);
  }

  /**
   * For the server's auth hook on product API paths: the acting principal when the request uses the console
   * session (cookie and CSRF header), null when it does not (so Basic auth applies and answers 401).
   */
  async principalFor(req: FastifyRequest): Promise<Principal | null> {
    const cookie = readCookie(req.headers.cookie, COOKIE_NAME);
    const csrf = headerOf(req, CSRF_HEADER);
    if (cookie === undefined || csrf === undefined) return null;
    return (await this.require(req, { csrf: true })).acting;
  }

  /**
   * The session of a console API request, checked: valid cookie, then (when asked) the CSRF header, and the
   * Origin rule. Throws 401 without a live session, 403 for a failed CSRF or Origin check.
   */
  async require(req: FastifyRequest, opts: { csrf: boolean }): Promise<ConsoleSession> {
    const session = await this.current(req);
    if (!session) throw errors.authenticate();
    if (opts.csrf) {
      const given = headerOf(req, CSRF_HEADER);
      if (given === undefined || !this.codec.csrfValid(session.claims.id, given)) throw errors.forbidden('Missing or invalid console CSRF token');
    }
    this.checkOrigin(req);
    return session;
  }

  /** The live session a request's cookie names, or undefined (absent, forged, expired, signed out, revoked credential). */
  async current(req: FastifyRequest): Promise<ConsoleSession | undefined> {
    const value = readCookie(req.headers.cookie, COOKIE_NAME);
    if (value === undefined) return undefined;
    const claims = this.codec.open(value, this.d.clock.now());
    if (!claims) return undefined;
    const signedOut = Number((await this.d.settings.get(signedOutKey(claims.username))) ?? 0);
    if (claims.iat <= signedOut) return undefined;
    let home: Principal;
    try {
      home = await this.d.accounts.authenticate(claims.username, claims.secret);
    } catch {
      return undefined;
    }
    const acting = await this.narrow(home, claims.account);
    return acting ? { claims, home, acting } : undefined;
  }

  /** Checks credentials (as Basic auth would) and returns the claims of a new session acting as that account. */
  async signIn(username: string, secret: string): Promise<{ claims: SessionClaims; home: Principal }> {
    const home = await this.d.accounts.authenticate(username, secret);
    const now = this.d.clock.now();
    // A sign-in in the same millisecond as a sign-out must still produce a live session.
    const signedOut = Number((await this.d.settings.get(signedOutKey(username))) ?? 0);
    const iat = Math.max(now, signedOut + 1);
    const claims: SessionClaims = { id: SessionCodec.newSessionId(), username, secret, account: home.accountSid, iat, exp: iat + SESSION_TTL_MS };
    return { claims, home };
  }

  /** Ends every console session of this credential, here and on every node sharing the store. */
  async signOut(claims: SessionClaims): Promise<void> {
    await this.d.settings.set(signedOutKey(claims.username), String(Math.max(this.d.clock.now(), claims.iat)));
  }

  /** The same session acting as another account the signed-in principal may act on (404 otherwise). */
  async switchTo(session: ConsoleSession, accountSid: string): Promise<SessionClaims> {
    const row = await this.d.accounts.resolveTarget(session.home, accountSid);
    return { ...session.claims, account: row.sid };
  }

  seal(claims: SessionClaims): string {
    return this.codec.seal(claims);
  }

  private async narrow(home: Principal, account: string): Promise<Principal | undefined> {
    if (account === home.accountSid) return home;
    try {
      const row = await this.d.accounts.resolveTarget(home, account);
      // A parent's credentials act on a subaccount with the parent's rights, as with Twilio.
      return { ...home, accountSid: row.sid as AccountSid };
    } catch {
      return undefined;
    }
  }

  /**
   * Browsers send Origin with every non-GET request; a write must carry ours. Reads may omit it (same-origin
   * GETs do) but must not name another origin.
   */
  checkOrigin(req: FastifyRequest): void {
    const origin = headerOf(req, 'origin');
    if (origin === undefined) {
      if (SAFE_METHODS.has(req.method)) return;
      throw errors.forbidden('Console requests that change state need an Origin header');
    }
    if (!this.isOwnOrigin(req, origin)) throw errors.forbidden("Console requests must come from the console's own origin");
  }

  private isOwnOrigin(req: FastifyRequest, origin: string): boolean {
    let given: URL;
    try {
      given = new URL(origin);
    } catch {
      return false;
    }
    if (given.host === req.headers.host) return true;
    const pub = this.d.publicUrl();
    try {
      return pub !== '' && new URL(pub).origin === given.origin;
    } catch {
      return false;
    }
  }

  /** Secure cookies when the console is reached over TLS (directly or through SWITCHBOARD_PUBLIC_URL). */
  secureCookies(req: FastifyRequest): boolean {
    return req.protocol === 'https' || this.d.publicUrl().startsWith('https:');
  }
}

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}
