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

export class HttpFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'bad-host' | 'connection' | 'too-many-redirects',
    detail: string,
  ) {
    super(detail);
  }
}

// Keep-alive agents: webhooks go to the same few app URLs over and over, so connections are reused.
// maxFreeSockets matches maxSockets: a worker batch (200 callbacks at once) would otherwise close and reopen
// most of its connections on every batch. `lookup` applies the outbound policy to every resolved address.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, lookup: outboundLookup }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, lookup: outboundLookup }),
};

/**
 * A lean HTTP client for webhooks and media (node:http rather than fetch: several times less CPU per request,
 * which matters at thousands of status callbacks per second). Follows up to 5 redirects; a 303 becomes a GET.
 * `timeoutMs` is the idle timeout; `deadlineMs` bounds the whole exchange (every redirect hop and the whole
 * body), since a server trickling a byte a second never trips an idle timeout.
 */
export function httpRequest(
  url: string,
  opts: { method: string; headers: Record<string, string>; body: string; timeoutMs: number; maxBytes: number; deadlineMs?: number | undefined },
  redirects = 0,
  until = opts.deadlineMs === undefined ? Infinity : Date.now() + opts.deadlineMs,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((settle, fail) => {
    let deadline: NodeJS.Timeout | undefined;
    const resolve = (v: HttpResponse | Promise<HttpResponse>) => {
      clearTimeout(deadline);
      settle(v);
    };
    const reject = (err: HttpFailure) => {
      clearTimeout(deadline);
      fail(err);
    };
    const left = until - Date.now();
    if (left <= 0) return reject(new HttpFailure('timeout', `no complete answer within ${opts.deadlineMs} ms`));
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
    const req = (proto === 'https:' ? https : http).request(target, { method: opts.method, headers, agent: agents[proto], timeout: opts.timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
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
        if (!tooLarge) reject(new HttpFailure('connection', err.message));
      });
    });
    req.on('timeout', () => req.destroy(new HttpFailure('timeout', `no answer within ${opts.timeoutMs} ms`)));
    if (until !== Infinity) {
      deadline = setTimeout(() => {
        reject(new HttpFailure('timeout', `no complete answer within ${opts.deadlineMs} ms`));
        req.destroy();
      }, left);
    }
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof HttpFailure) return reject(err);
      if (err instanceof OutboundDenied) return reject(new HttpFailure('connection', err.message));
      reject(new HttpFailure(err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? 'bad-host' : 'connection', err.code ?? err.message));
    });
    if (opts.method === 'POST') req.end(opts.body);
    else req.end();
  });
}
