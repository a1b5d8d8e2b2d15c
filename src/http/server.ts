import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AccountsService, Principal } from '../accounts/service.js';
import { ApiError, codes, errors, NotFoundError } from '../core/errors.js';
import type { ConcurrencyLimiter } from '../jobs/concurrency.js';
import type { AuthThrottle } from './auth-throttle.js';
import type { HostPolicy } from './hosts.js';
import type { Metrics } from './metrics.js';
import { parseMultipart } from './multipart.js';
import { checkParamLengths, parseForm, type Params } from './params.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** One failed-login throttle per server: Basic auth, media credentials and the console's sign-in share it. */
    authThrottle: AuthThrottle;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The resource a request acted on, for the log line. */
    resourceSid: string | null;
    /** The account whose concurrency slot this request holds, released when it ends. */
    heldSlot: string | null;
  }
}

export interface ServerOptions {
  bodyLimit: number;
  /** The server's logger (core/logger.ts), shared with the products' background work. */
  logger: FastifyBaseLogger;
  accounts: AccountsService;
  metrics: Metrics;
  /** Per-account API concurrency limit (20429 beyond it), shared across nodes. */
  limiter?: ConcurrencyLimiter | undefined;
  /** Host headers answered (DNS-rebinding defence); every Host when unset. */
  hosts?: HostPolicy | undefined;
  /** The failed-login throttle, shared with the console's sign-in (see throttledLogin). */
  authThrottle: AuthThrottle;
  /** A second way to authenticate API requests (the console's session cookie); Basic auth when it says null. */
  sessionAuth?: SessionAuthenticator | undefined;
  /** /healthz answers 503 with this reason while it returns one. */
  readiness?: ReadinessProbe | undefined;
}

/**
 * A second way to authenticate API requests besides Basic auth (the console's session cookie with its CSRF
 * header). Returns null when the request does not use it; Basic auth then applies.
 */
export type SessionAuthenticator = (req: FastifyRequest) => Promise<Principal | null>;

/**
 * Checks a username and password through the throttle: 429 (20429, with Retry-After) while the source or
 * the SID is over its failure limit, and a failure is counted only for credentials that were refused.
 */
export async function throttledLogin<T>(req: FastifyRequest, reply: FastifyReply, username: string, check: () => Promise<T>): Promise<T> {
  const throttle = req.server.authThrottle;
  const sid = username.slice(0, 64);
  const waitMs = throttle.retryAfterMs(req.ip, sid);
  if (waitMs > 0) {
    const sec = Math.ceil(waitMs / 1000);
    void reply.header('retry-after', String(sec));
    throw errors.tooManyAuthFailures(sec);
  }
  try {
    return await check();
  } catch (err) {
    // A suspended account (20005) had the right password: that is not a guess.
    if (err instanceof ApiError && err.code === codes.authenticationFailed) throttle.failed(req.ip, sid);
    throw err;
  }
}

/** Readiness: returns why this node is not moving (e.g. `send pipeline: no progress for 75 s`), or undefined. */
export type ReadinessProbe = () => string | undefined;

/** Paths served without credentials. Everything else is an API path and needs HTTP Basic auth. */
const PUBLIC_PATHS = [
  /^\/healthz$/,
  /^\/metrics$/,
  /^\/console(\/|$)/,
  /^\/media\//,
  /^\/favicon\.ico$/,
  // Recording audio (RecordingUrl + .wav/.mp3): apps and players fetch it as is; the RE SID is unguessable.
  /^(\/api)?\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Recordings\/RE[0-9a-f]{32}\.(wav|mp3)$/,
  // The browser video SDK and the demo page (its token endpoint is only there on loopback or with --video-demo).
  /^\/video\/sdk\.js$/,
  /^\/video-demo(\/|$)/,
  // Call control between voice nodes: signed with a key from the shared database, not account credentials.
  /^\/switchboard\/internal\/v1\/Control$/,
];

/**
 * Twilio's SDKs call `https://api.twilio.com/2010-04-01/...json`; the compat kit maps that to
 * `/api/2010-04-01/...json`. Routes are registered once, without the `/api` alias and the `.json` suffix.
 */
export function rewriteUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q) : '';
  if (path.startsWith('/api/2010-04-01')) path = path.slice(4);
  if (path.endsWith('.json')) path = path.slice(0, -5);
  return path + query;
}

export function createServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger,
    // One log line per request is written in onResponse (with account and resource), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit,
    genReqId: () => randomUUID(),
    rewriteUrl: (req) => rewriteUrl(req.url ?? '/'),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Errors raised before routing (a URL that is not valid percent-encoding, say) get Twilio's shape too.
    // The reply is annotated: the option's generic signature otherwise leaves reply.code() uncallable under tsc.
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      const apiError = toApiError(err, opts.bodyLimit);
      void reply.code(apiError.status).send(apiError.toJSON());
    },
  });

  app.decorate('authThrottle', opts.authThrottle);
  app.decorateRequest('principal', null);
  app.decorateRequest('resourceSid', null);
  app.decorateRequest('heldSlot', null);

  // First of all hooks: a Host we do not serve gets nothing, not even a 401 (see hosts.ts). /healthz stays
  // open to probes that address the node by a name of their own.
  const hosts = opts.hosts;
  if (hosts) {
    app.addHook('onRequest', async (req) => {
      // Other voice nodes address this one by the name in its --node-url, which need not be an allowed host.
      if (req.url === '/healthz' || req.url === '/switchboard/internal/v1/Control') return;
      if (!hosts.allows(req.headers.host)) throw errors.hostNotAllowed(String(req.headers.host).slice(0, 100));
    });
  }

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(body as string));
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body, done) => {
    parseMultipart(body as Buffer, req.headers['content-type'] ?? '').then(
      (params) => done(null, params),
      (err: Error) => done(err, undefined),
    );
  });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      const parsed: unknown = (body as string).length === 0 ? {} : JSON.parse(body as string);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return done(errors.malformedBody(), undefined);
      done(null, jsonToParams(parsed as Record<string, unknown>));
    } catch {
      done(errors.malformedBody(), undefined);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (PUBLIC_PATHS.some((re) => re.test(path))) return;
    // An Authorization header always means Basic auth, so SDK calls never depend on a stray cookie.
    const viaSession = req.headers.authorization === undefined ? opts.sessionAuth : undefined;
    req.principal = (viaSession && (await viaSession(req))) ?? (await basicAuthenticate(req, reply, opts.accounts));
    if (opts.limiter) {
      if (!opts.limiter.tryAcquire(req.principal.accountSid)) throw errors.tooManyRequests();
      req.heldSlot = req.principal.accountSid;
    }
  });
  const releaseSlot = async (req: FastifyRequest) => {
    if (req.heldSlot && opts.limiter) opts.limiter.release(req.heldSlot);
    req.heldSlot = null;
  };
  app.addHook('onRequestAbort', releaseSlot);

  // PostgreSQL text cannot hold U+0000 (it fails the query, a 500); no Twilio parameter has a use for it.
  app.addHook('preHandler', async (req) => {
    for (const source of [req.params, req.query, req.body]) {
      const name = nulParameter(source);
      if (name !== undefined) throw errors.invalidParameter(name, 'contains a NUL character');
      checkParamLengths(source, req.url.startsWith('/verify/'));
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    await releaseSlot(req);
    const route = req.routeOptions.url ?? 'unmatched';
    opts.metrics.httpRequests.inc({ route, method: req.method, status: reply.statusCode });
    opts.metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
    opts.metrics.countWorkerRequest();
    req.log.info(
      {
        method: req.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        account: req.principal?.accountSid,
        sid: req.resourceSid ?? undefined,
      },
      'request',
    );
  });

  app.setErrorHandler((err, req, reply) => {
    const apiError = toApiError(err, req.routeOptions.bodyLimit ?? opts.bodyLimit);
    if (apiError.status >= 500) req.log.error({ err }, 'unhandled error');
    // Services say what was missing; Twilio's answer names the path the client asked for instead.
    const shown = apiError instanceof NotFoundError ? errors.resourceNotFound(originalPath(req)) : apiError;
    void reply.code(shown.status).send(shown.toJSON());
  });

  app.setNotFoundHandler((req, reply) => {
    const e = errors.resourceNotFound(originalPath(req));
    void reply.code(404).send(e.toJSON());
  });

  // 503 with the reason when background work stopped moving (see useReadiness), so a balancer or an
  // orchestrator stops sending traffic to, or restarts, a node whose send pipeline is stuck.
  app.get('/healthz', async (_req, reply) => {
    const stalled = opts.readiness?.();
    if (stalled) return reply.code(503).send({ status: 'stalled', reason: stalled });
    return { status: 'ok' };
  });
  app.get('/metrics', async (_req, reply) => {
    void reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.gather();
  });
  return app;
}

/**
 * The path a 404 names: the request's path without its query, as routed (after `rewriteUrl` took off the
 * `/api` prefix and the `.json` suffix, since Fastify's `req.raw.url` is the rewritten URL).
 */
function originalPath(req: FastifyRequest): string {
  return (req.raw.url ?? req.url).split('?')[0]!;
}

/** HTTP Basic credentials (an auth token or an API key) through the failed-login throttle: a principal, or 401. */
export async function basicAuthenticate(req: FastifyRequest, reply: FastifyReply, accounts: AccountsService): Promise<Principal> {
  // The scheme name is case-insensitive (RFC 7235 section 2.1): `basic` and `BASIC` are Basic too.
  const m = /^basic[ \t]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) throw errors.authenticate();
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw errors.authenticate();
  const username = decoded.slice(0, colon);
  return throttledLogin(req, reply, username, () => accounts.authenticate(username, decoded.slice(colon + 1)));
}

function nulParameter(source: unknown): string | undefined {
  if (source === null || typeof source !== 'object') return undefined;
  for (const [key, value] of Object.entries(source)) {
    if (key.includes('\0')) return key.replace(/\0/g, '');
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' && v.includes('\0')) return key;
  }
  return undefined;
}

/** Maps framework errors (body too large, unknown content type, bad JSON) to the catalogue. */
function toApiError(err: unknown, bodyLimit: number): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as { code?: string }).code;
  const statusCode = (err as { statusCode?: number }).statusCode;
  switch (code) {
    // Fastify's error does not carry the limit; the server (or route) knows it.
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType('of this request');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.malformedBody();
  }
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) return errors.badRequest(statusCode, (err as Error).message);
  return errors.internal();
}

/** JSON bodies carry numbers and booleans; parameters are read as a form would carry them: strings. */
function jsonToParams(body: Record<string, unknown>): Params {
  const out: Params = {};
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined || v === null) continue;
    // defineProperty: a `"__proto__"` key must stay a plain parameter, not set the prototype.
    Object.defineProperty(out, k, { value: Array.isArray(v) ? v.map(text) : text(v), writable: true, enumerable: true, configurable: true });
  }
  return out;
}

/** A request's parameters: the form body for writes, the query string for reads (Twilio's SDKs do both). */
export function paramsOf(req: FastifyRequest): Params {
  const body = (req.body ?? {}) as Params;
  const query = (req.query ?? {}) as Params;
  return { ...query, ...body };
}
