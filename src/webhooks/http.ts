import http from 'node:http';
import https from 'node:https';
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

// Keep-alive agents: webhooks go to the same few app URLs over and over, so connections are reused.
// maxFreeSockets matches maxSockets: a worker batch (200 callbacks at once) would otherwise close and reopen
// most of its connections on every batch. `lookup` applies the outbound policy to every resolved address.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, lookup: outboundLookup }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, lookup: outboundLookup }),
};
// A request retried after a stale keep-alive socket goes on a new connection, never on another pooled one.
const freshAgents = {
  'http:': new http.Agent({ keepAlive: false, lookup: outboundLookup }),
  'https:': new https.Agent({ keepAlive: false, lookup: outboundLookup }),
};

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
 * A lean HTTP client for webhooks and media (node:http rather than fetch: several times less CPU per request,
 * which matters at thousands of status callbacks per second). Follows up to 5 redirects; a 303 becomes a GET.
 * `timeoutMs` is the idle timeout; `deadlineMs` bounds the whole exchange (every redirect hop and the whole
 * body), since a server trickling a byte a second never trips an idle timeout.
 *
 * A pooled keep-alive socket that the server closed just as we reused it fails with ECONNRESET or EPIPE
 * before any answer. The server closed an idle connection, so it never took the request in: the request
 * goes again at once on a new connection (Node's documented remedy, `request.reusedSocket`), so no webhook
 * is lost to that race. It is the same request, idempotency token included.
 */
export function httpRequest(
  url: string,
  opts: HttpRequestOptions,
  redirects = 0,
  until = opts.deadlineMs === undefined ? Infinity : Date.now() + opts.deadlineMs,
  fresh = false,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((settle, fail) => {
    const timers: NodeJS.Timeout[] = [];
    // Once settled (a deadline, an answer), later socket errors of this request mean nothing.
    let settled = false;
    const clear = () => {
      for (const t of timers) clearTimeout(t);
    };
    const resolve = (v: HttpResponse | Promise<HttpResponse>) => {
      settled = true;
      clear();
      settle(v);
    };
    const reject = (err: HttpFailure) => {
      settled = true;
      clear();
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
    const proto = target.protocol === 'https:' ? 'https:' : target.protocol === 'http:' ? 'http:' : undefined;
    if (!proto) return reject(new HttpFailure('bad-host', `unsupported scheme ${target.protocol}`));
    // IP-literal hosts skip `lookup`, so they are checked here (on every redirect hop too: each is a new call).
    const denied = outboundPolicy().checkUrl(target);
    if (denied) return reject(new HttpFailure('connection', denied.message));
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.method === 'POST') headers['Content-Length'] = Buffer.byteLength(opts.body);
    const cookie = opts.cookies?.header(target);
    if (cookie) headers.Cookie = cookie;
    else delete headers.Cookie;
    let connected = false;
    let answered = false;
    const agent = (fresh ? freshAgents : agents)[proto];
    const req = (proto === 'https:' ? https : http).request(target, { method: opts.method, headers, agent, timeout: opts.timeoutMs }, (res) => {
      answered = true;
      clear();
      const status = res.statusCode ?? 0;
      const setCookie = res.headers['set-cookie'];
      if (setCookie?.length) opts.cookies?.receive(target, setCookie);
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        if (redirects >= 5) return reject(new HttpFailure('too-many-redirects', 'more than 5 redirects'));
        const next = new URL(location, target).toString();
        const method = status === 303 ? 'GET' : opts.method;
        return resolve(httpRequest(next, { ...opts, method, body: method === 'GET' ? '' : opts.body }, redirects + 1, until));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      // A declared length over the limit is refused before a byte of the body is read.
      if (Number(res.headers['content-length'] ?? 0) > opts.maxBytes) {
        tooLarge = true;
        res.destroy();
      }
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxBytes) {
          tooLarge = true;
          res.destroy();
          return;
        }
        chunks.push(c);
      });
      const done = () => {
        const responseHeaders: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
        const bytes = tooLarge ? undefined : Buffer.concat(chunks);
        resolve({ status, headers: responseHeaders, body: bytes?.toString('utf8'), bytes });
      };
      res.on('end', done);
      res.on('close', () => {
        if (tooLarge) done();
      });
      res.on('error', (err) => {
        if (!tooLarge) reject(new HttpFailure('connection', err.message, 'sent'));
      });
      if (until !== Infinity) timers.push(deadlineTimer(until - Date.now()));
    });
    const deadlineTimer = (ms: number) =>
      setTimeout(() => {
        reject(new HttpFailure('timeout', `no complete answer within ${opts.deadlineMs} ms`, connected ? 'sent' : 'connect'));
        req.destroy();
      }, ms);
    // The read timeout runs from the request written on a connected socket to the first byte of the answer.
    let finished = false;
    const startRead = () => {
      if (opts.readTimeoutMs === undefined || answered) return;
      const rt = opts.readTimeoutMs;
      timers.push(setTimeout(() => req.destroy(new HttpFailure('timeout', `no answer within ${rt} ms of the request`, 'sent')), rt));
    };
    req.on('socket', (socket) => {
      if (!socket.connecting) {
        connected = true;
        return;
      }
      const ct = opts.connectTimeoutMs;
      const connectTimer =
        ct === undefined ? undefined : setTimeout(() => req.destroy(new HttpFailure('timeout', `no connection within ${ct} ms`, 'connect')), ct);
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        connected = true;
        if (finished) startRead();
      });
      if (connectTimer) timers.push(connectTimer);
    });
    req.on('finish', () => {
      finished = true;
      if (connected) startRead();
    });
    req.on('timeout', () => req.destroy(new HttpFailure('timeout', `no answer within ${opts.timeoutMs} ms`, connected ? 'sent' : 'connect')));
    if (until !== Infinity) timers.push(deadlineTimer(left));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      if (err instanceof HttpFailure) return reject(err);
      if (err instanceof OutboundDenied) return reject(new HttpFailure('connection', err.message));
      if (req.reusedSocket && !answered && !fresh && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        return resolve(httpRequest(url, opts, redirects, until, true));
      }
      if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return reject(new HttpFailure('bad-host', err.code));
      reject(new HttpFailure('connection', err.code ?? err.message, connected ? 'sent' : 'connect'));
    });
    if (opts.method === 'POST') req.end(opts.body);
    else req.end();
  });
}
