import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AccountsService, Principal } from '../accounts/service.js';
import { ApiError, errors } from '../core/errors.js';
import type { ConcurrencyLimiter } from '../jobs/concurrency.js';
import type { Metrics } from './metrics.js';
import { parseMultipart } from './multipart.js';
import { parseForm, type Params } from './params.js';

declare module 'fastify' {
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
  logLevel: string;
  accounts: AccountsService;
  metrics: Metrics;
  /** Per-account API concurrency limit (20429 beyond it), shared across nodes. */
  limiter?: ConcurrencyLimiter | undefined;
  /** Log destination; pino writes to stdout when unset. */
  logStream?: NodeJS.WritableStream | undefined;
}

/**
 * A second way to authenticate API requests besides Basic auth (the console's session cookie with its CSRF
 * header). Returns null when the request does not use it; Basic auth then applies. Set once at wiring time.
 */
export type SessionAuthenticator = (req: FastifyRequest) => Promise<Principal | null>;
const sessionAuthenticators = new WeakMap<FastifyInstance, SessionAuthenticator>();
export function useSessionAuth(app: FastifyInstance, authenticator: SessionAuthenticator): void {
  sessionAuthenticators.set(app, authenticator);
}

/** Paths served without credentials. Everything else is an API path and needs HTTP Basic auth. */
const PUBLIC_PATHS = [/^\/healthz$/, /^\/metrics$/, /^\/console(\/|$)/, /^\/media\//, /^\/favicon\.ico$/,
  // Recording audio (RecordingUrl + .wav/.mp3): apps and players fetch it as is; the RE SID is unguessable.
  /^(\/api)?\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Recordings\/RE[0-9a-f]{32}\.(wav|mp3)$/,
  // The browser video SDK and the demo page (its token endpoint is only there on loopback or with --video-demo).
  /^\/video\/sdk\.js$/, /^\/video-demo(\/|$)/];

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
    // pino writes to stdout when stream is undefined.
    logger: { level: opts.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'], stream: opts.logStream },
    // One log line per request is written in onResponse (with account and resource), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit,
    genReqId: () => randomUUID(),
    rewriteUrl: (req) => rewriteUrl(req.url ?? '/'),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Errors raised before routing (a URL that is not valid percent-encoding, say) get Twilio's shape too.
    // The reply is annotated: the option's generic signature otherwise leaves reply.code() uncallable under tsc.
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      const apiError = toApiError(err);
      void reply.code(apiError.status).send(apiError.toJSON());
    },
  });

  app.decorateRequest('principal', null);
  app.decorateRequest('resourceSid', null);
  app.decorateRequest('heldSlot', null);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(body as string));
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body, done) => {
    parseMultipart(body as Buffer, req.headers['content-type'] ?? '').then((params) => done(null, params), (err: Error) => done(err, undefined));
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

  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?')[0]!;
    if (PUBLIC_PATHS.some((re) => re.test(path))) return;
    // An Authorization header always means Basic auth, so SDK calls never depend on a stray cookie.
    const viaSession = req.headers.authorization === undefined ? sessionAuthenticators.get(app) : undefined;
    req.principal = (viaSession && await viaSession(req)) ?? await authenticate(req, opts.accounts);
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
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    await releaseSlot(req);
    const route = req.routeOptions.url ?? 'unmatched';
    opts.metrics.httpRequests.inc({ route, method: req.method, status: reply.statusCode });
    opts.metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
    req.log.info({
      method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10,
      account: req.principal?.accountSid, sid: req.resourceSid ?? undefined,
    }, 'request');
  });

  app.setErrorHandler((err, req, reply) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) req.log.error({ err }, 'unhandled error');
    void reply.code(apiError.status).send(apiError.toJSON());
  });

  app.setNotFoundHandler((req, reply) => {
    const e = errors.notFound(req.url.split('?')[0]!);
    void reply.code(404).send(e.toJSON());
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_req, reply) => {
    void reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
  return app;
}

async function authenticate(req: FastifyRequest, accounts: AccountsService): Promise<Principal> {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) throw errors.authenticate();
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw errors.authenticate();
  return accounts.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
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
function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as { code?: string }).code;
  const statusCode = (err as { statusCode?: number }).statusCode;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return errors.payloadTooLarge((err as { limit?: number }).limit ?? 0);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return errors.unsupportedMediaType('of this request');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return errors.malformedBody();
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
    out[k] = Array.isArray(v) ? v.map(text) : text(v);
  }
  return out;
}

/** A request's parameters: the form body for writes, the query string for reads (Twilio's SDKs do both). */
export function paramsOf(req: FastifyRequest): Params {
  const body = (req.body ?? {}) as Params;
  const query = (req.query ?? {}) as Params;
  return { ...query, ...body };
}
