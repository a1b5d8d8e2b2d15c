import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsService } from '../accounts/service.js';
import type { Clock } from '../core/clock.js';
import { iso8601 } from '../core/dates.js';
import { errors } from '../core/errors.js';
import { throttledLogin } from '../http/server.js';
import type { MessagesService } from '../messaging/service.js';
import type { ConsoleAuth, ConsoleSession } from './auth.js';
import { dashboardView, type DashboardSources } from './dashboard.js';
import { sessionCookie, type SessionClaims } from './session.js';
import { CONSOLE_IDENTITY } from './voice-key.js';

export interface ConsoleRoutesDeps {
  auth: ConsoleAuth;
  accounts: AccountsService;
  messages: MessagesService;
  publicUrl: () => string;
  clock: Clock;
  dashboard?: DashboardSources | undefined;
}

/** How many accounts the switcher lists: one parent and its subaccounts, which a person scrolls through. */
const SWITCHER_LIMIT = 500;

function stringField(body: unknown, name: string): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The console's own small API, under /console/api (a public path for Basic auth: these routes check the
 * session themselves). Everything else the console shows comes from the product APIs.
 */
export function consoleApiRoutes(app: FastifyInstance, d: ConsoleRoutesDeps): void {
  const { auth } = d;

  const setCookie = (req: FastifyRequest, reply: FastifyReply, claims: SessionClaims) => {
    const maxAgeSec = Math.max(0, Math.floor((claims.exp - d.clock.now()) / 1000));
    void reply.header('set-cookie', sessionCookie(auth.seal(claims), { maxAgeSec, secure: auth.secureCookies(req) }));
  };
  // The view never contains the secret: the page learns the token only by asking the Accounts API for it.
  const view = async (s: Pick<ConsoleSession, 'claims' | 'home'>) => {
    // A Standard key may not read the Accounts resource, so its switcher shows only its own account.
    const visible = s.home.canManageAccounts ? (await d.accounts.list(s.home, {}, { pageSize: SWITCHER_LIMIT })).items : s.home.account ? [s.home.account] : [];
    return {
      username: s.claims.username,
      via: s.home.via,
      home_account_sid: s.home.accountSid,
      account_sid: s.claims.account,
      accounts: visible.map((a) => ({ sid: a.sid, friendly_name: a.friendly_name, status: a.status, parent_sid: a.parent_sid })),
      csrf_token: auth.csrfToken(s.claims),
      base_url: d.publicUrl(),
      expires_at: iso8601(s.claims.exp),
    };
  };

  app.post('/console/api/session', async (req, reply) => {
    // JSON only: an HTML form on another site cannot send it, and Origin must be ours.
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) throw errors.unsupportedMediaType('of this request: send application/json');
    auth.checkOrigin(req);
    const username = stringField(req.body, 'username')?.trim();
    const password = stringField(req.body, 'password')?.trim();
    if (!username || !password) throw errors.authenticate();
    // The same failure throttle as Basic auth, so the console is no side door for guessing.
    const { claims, home } = await throttledLogin(req, reply, username, () => auth.signIn(username, password));
    setCookie(req, reply, claims);
    return view({ claims, home });
  });

  // A read, so no CSRF header (the page does not have the token yet); other origins cannot read the answer.
  app.get('/console/api/session', async (req, reply) => {
    const session = await auth.current(req);
    if (!session) return reply.code(401).send(errors.authenticate().toJSON());
    auth.checkOrigin(req);
    return view(session);
  });

  app.delete('/console/api/session', async (req, reply) => {
    const session = await auth.require(req, { csrf: true });
    await auth.signOut(session.claims);
    void reply.header('set-cookie', sessionCookie('', { maxAgeSec: 0, secure: auth.secureCookies(req) }));
    return reply.code(204).send();
  });

  app.post('/console/api/session/account', async (req, reply) => {
    const session = await auth.require(req, { csrf: true });
    const target = stringField(req.body, 'AccountSid') ?? '';
    const claims = await auth.switchTo(session, target);
    setCookie(req, reply, claims);
    return view({ claims, home: session.home });
  });

  // The phone's Voice SDK token for the acting account: short-lived, signed with the console's own key, so
  // no account secret reaches the page. A write (POST) so the Origin rule applies too.
  app.post('/console/api/voice-token', async (req, reply) => {
    const session = await auth.require(req, { csrf: true });
    const { token, expiresAt } = auth.voiceKeys.mint(session.acting.accountSid, d.clock.now());
    void reply.header('cache-control', 'no-store');
    return { token, identity: CONSOLE_IDENTITY, account_sid: session.acting.accountSid, expires_at: iso8601(expiresAt * 1000) };
  });

  // The dashboard's last hour for the acting account (the page polls it and refetches on live events).
  app.get('/console/api/dashboard', async (req, reply) => {
    const session = await auth.require(req, { csrf: true });
    if (!d.dashboard) throw errors.resourceNotFound('/console/api/dashboard');
    void reply.header('cache-control', 'no-store');
    return dashboardView(d.dashboard.repo, d.dashboard.carriers, d.dashboard.history, session.acting.accountSid, d.clock.now());
  });

  // What the Messages API leaves out (Twilio's resource has no encoding) but the console shows.
  app.get('/console/api/messages/:Sid', async (req) => {
    const session = await auth.require(req, { csrf: true });
    const { Sid } = req.params as { Sid: string };
    const m = await d.messages.find(session.acting.accountSid, Sid);
    return { sid: m.sid, encoding: m.encoding, num_segments: m.num_segments };
  });
}
