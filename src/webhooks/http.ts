import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { Agent, Client, type Dispatcher } from 'undici';
import { OutboundDenied, outboundLookup, outboundPolicy } from '../core/net/outbound-policy.js';

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** undefined when the body was larger than the limit. */
  body: string | undefined;
  /** The same body as bytes (media is binary); undefined when it was larger than the limit. */
  bytes: Buffer | undefined;
}

/**
 * Where a failed request got to. `connect`: no connection was made, so the app saw nothing (refused,
 * unreachable, no connection within the connect timeout); `sent`: the request may have reached the app
 * (no answer within the read timeout, or the connection dropped after it was written); `none`: nothing
 * worth retrying (bad host, refused by the outbound policy, too many redirects).
 */
export type FailureStage = 'connect' | 'sent' | 'none';

export class HttpFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'bad-host' | 'connection' | 'too-many-redirects',
    detail: string,
    readonly stage: FailureStage = 'none',
  ) {
    super(detail);
  }
}

/** Cookies for one request: read for every hop (redirects included), and given each hop's Set-Cookie headers. */
export interface CookieHooks {
  header(url: URL): string | undefined;
  receive(url: URL, setCookies: string[]): void;
}

// Keep-alive pools (undici): webhooks go to the same few app URLs over and over, so connections are reused.
// One pool per connect timeout, since undici sets that per pool; a URL's `#ct=` override is rare, so there are
// few. 256 connections per origin, as the node:http agent before. `lookup` applies the outbound policy to every
// resolved address.
const POOLS_KEPT = 16;
const pools = new Map<number, Agent>();

function poolFor(connectTimeoutMs: number): Agent {
  let pool = pools.get(connectTimeoutMs);
  if (pool) return pool;
  if (pools.size >= POOLS_KEPT) {
    const [oldest, retired] = pools.entries().next().value as [number, Agent];
    pools.delete(oldest);
    void retired.close(); // finishes what it carries, then closes
  }
  pool = new Agent({ connections: 256, connect: { lookup: outboundLookup, timeout: connectTimeoutMs } });
  pools.set(connectTimeoutMs, pool);
  return pool;
}

// Which sockets have carried a request before: a reset before any answer on a reused socket is the keep-alive
// race (the server closed it as we reused it), retried at once; on a new socket it is not. undici announces
// the socket of each request as it writes the headers, synchronously after the handler's onRequestStart.
const usedSockets = new WeakSet<Socket>();
let writing: { reused: boolean } | undefined;
subscribe('undici:client:sendHeaders', (message) => {
  const socket = (message as { socket?: Socket }).socket;
  if (!writing || !socket) return;
  writing.reused = usedSockets.has(socket);
  usedSockets.add(socket);
  writing = undefined;
});

/** Without a connect timeout of its own a connection attempt is bounded by the request's deadline. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface HttpRequestOptions {
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Idle timeout of the socket. */
  timeoutMs: number;
  maxBytes: number;
  /** Bounds the whole exchange: every redirect hop and the whole body. */
  deadlineMs?: number | undefined;
  /** Bounds the TCP connect of a new connection. */
  connectTimeoutMs?: number | undefined;
  /** Bounds the wait from the request written to the first byte of the answer. */
  readTimeoutMs?: number | undefined;
  cookies?: CookieHooks | undefined;
}

/**
 * A lean HTTP client for webhooks and media: undici's dispatcher, which costs about a third of node:http's CPU
 * per request (docs/benchmarks.md), which matters at thousands of status callbacks per second. Follows up
 * to 5 redirects; a 303 becomes a GET. `timeoutMs` is the idle timeout (waiting for the answer, and between
 * two chunks of its body); `deadlineMs` bounds the whole exchange (every redirect hop and the whole body),
 * since a server trickling a byte a second never trips an idle timeout.
 *
 * A pooled keep-alive socket that the server closed just as we reused it fails with a reset before any
 * answer. The server closed an idle connection, so it never took the request in: the request goes again at
 * once on a new connection, so no webhook is lost to that race. It is the same request, idempotency token
 * included.
 */
export function httpRequest(
  url: string,
  opts: HttpRequestOptions,
  redirects = 0,
  until = opts.deadlineMs === undefined ? Infinity : Date.now() + opts.deadlineMs,
  fresh = false,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((settle, fail) => {
    let timer: NodeJS.Timeout | undefined;
    let readTimer: NodeJS.Timeout | undefined;
    // Once settled (a deadline, an answer), later events of this request mean nothing.
    let settled = false;
    let oneOff: Client | undefined;
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      clearTimeout(readTimer);
      if (oneOff) void oneOff.close();
    };
    const resolve = (v: HttpResponse | Promise<HttpResponse>) => {
      finish();
      settle(v);
    };
    const reject = (err: HttpFailure) => {
      finish();
      fail(err);
    };
    const left = until - Date.now();
    if (left <= 0) return reject(new HttpFailure('timeout', `no complete answer within ${opts.deadlineMs} ms`, 'sent'));
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return reject(new HttpFailure('bad-host', `invalid URL ${url}`));
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return reject(new HttpFailure('bad-host', `unsupported scheme ${target.protocol}`));
    // IP-literal hosts skip `lookup`, so they are checked here (on every redirect hop too: each is a new call).
    const denied = outboundPolicy().checkUrl(target);
    if (denied) return reject(new HttpFailure('connection', denied.message));
    const headers: Record<string, string> = { ...opts.headers };
    const cookie = opts.cookies?.header(target);
    if (cookie) headers.Cookie = cookie;
    else delete headers.Cookie;

    const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let dispatcher: Dispatcher = poolFor(connectTimeoutMs);
    if (fresh) {
      // A new connection that is closed after this request (pipelining 0: no keep-alive).
      oneOff = new Client(target.origin, { pipelining: 0, connect: { lookup: outboundLookup, timeout: connectTimeoutMs } });
      dispatcher = oneOff;
    }

    let controller: Dispatcher.DispatchController | undefined;
    const socketUse = { reused: false };
    let connected = false;
    let answered = false;
    let status = 0;
    let responseHeaders: Record<string, string> = {};
    let redirectTo: string | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const complete = () => {
      const bytes = tooLarge ? undefined : Buffer.concat(chunks);
      resolve({ status, headers: responseHeaders, body: bytes?.toString('utf8'), bytes });
    };
    const cutOff = (c: Dispatcher.DispatchController) => {
      tooLarge = true;
      c.abort(new Error('response body over the limit'));
    };

    if (until !== Infinity) {
      timer = setTimeout(() => {
        reject(new HttpFailure('timeout', `no complete answer within ${opts.deadlineMs} ms`, connected ? 'sent' : 'connect'));
        controller?.abort(new Error('deadline'));
      }, left);
    }

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        // Queued past its deadline: the request is dropped as it reaches a connection, before it is written.
        if (settled) return c.abort(new Error('deadline'));
        connected = true;
        writing = socketUse;
        // The read timeout runs from the request written to the first byte of the answer. Our own timer:
        // undici's headersTimeout ticks in steps of about a second, too coarse for a 100 ms #rt.
        const readMs = opts.readTimeoutMs ?? opts.timeoutMs;
        readTimer = setTimeout(() => {
          const detail = opts.readTimeoutMs === undefined ? `no answer within ${readMs} ms` : `no answer within ${readMs} ms of the request`;
          reject(new HttpFailure('timeout', detail, 'sent'));
          c.abort(new Error('read timeout'));
        }, readMs);
      },
      onResponseStart(c, statusCode, incoming) {
        if (settled || statusCode < 200) return;
        answered = true;
        clearTimeout(readTimer);
        status = statusCode;
        const setCookie = incoming['set-cookie'];
        if (setCookie?.length) opts.cookies?.receive(target, Array.isArray(setCookie) ? setCookie : [setCookie]);
        const location = incoming.location;
        if (status >= 300 && status < 400 && typeof location === 'string' && location) {
          redirectTo = new URL(location, target).toString();
          return;
        }
        responseHeaders = {};
        for (const [k, v] of Object.entries(incoming)) if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
        // A declared length over the limit is refused before a byte of the body is read.
        if (Number(incoming['content-length'] ?? 0) > opts.maxBytes) cutOff(c);
      },
      onResponseData(c, chunk) {
        if (settled || redirectTo !== undefined || tooLarge) return;
        size += chunk.length;
        if (size > opts.maxBytes) return cutOff(c);
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled) return;
        if (redirectTo === undefined) return complete();
        if (redirects >= 5) return reject(new HttpFailure('too-many-redirects', 'more than 5 redirects'));
        const method = status === 303 ? 'GET' : opts.method;
        resolve(httpRequest(redirectTo, { ...opts, method, body: method === 'GET' ? '' : opts.body }, redirects + 1, until));
      },
      onResponseError(_c, err) {
        if (settled) return;
        if (tooLarge) return complete();
        const failure = classify(err, opts, connected);
        if (failure) return reject(failure);
        const code = (err as NodeJS.ErrnoException).code;
        const reset = code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
        if (reset && socketUse.reused && !answered && !fresh) return resolve(httpRequest(url, opts, redirects, until, true));
        reject(new HttpFailure('connection', code ?? err.message, connected ? 'sent' : 'connect'));
      },
    };
    dispatcher.dispatch(
      {
        origin: target.origin,
        path: target.pathname + target.search,
        method: opts.method as Dispatcher.HttpMethod,
        headers,
        body: opts.method === 'GET' ? null : opts.body,
        headersTimeout: 0, // the read timer above
        bodyTimeout: opts.timeoutMs,
      },
      handler,
    );
  });
}

/** The failures that are not a plain connection error: timeouts, the outbound policy, names that do not resolve. */
function classify(err: Error, opts: HttpRequestOptions, connected: boolean): HttpFailure | undefined {
  const cause = (err as Error & { cause?: unknown }).cause;
  const denied = err instanceof OutboundDenied ? err : cause instanceof OutboundDenied ? cause : undefined;
  if (denied) return new HttpFailure('connection', denied.message);
  switch ((err as NodeJS.ErrnoException).code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new HttpFailure('timeout', `no connection within ${opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms`, 'connect');
    case 'UND_ERR_BODY_TIMEOUT':
      return new HttpFailure('timeout', `no answer within ${opts.timeoutMs} ms`, connected ? 'sent' : 'connect');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HttpFailure('bad-host', (err as NodeJS.ErrnoException).code ?? err.message);
    default:
      return undefined;
  }
}
