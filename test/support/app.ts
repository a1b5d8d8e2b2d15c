import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  /** The absolute URL the app was called on (base, path and query): what a Twilio signature covers. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Form body, plus the query for GET; one value per key (the last). */
  params: Record<string, string>;
  /** Form body (POST) or query (GET) with repeated keys as arrays, as an app framework parses them. */
  multiParams: Record<string, string | string[]>;
  /** Date.now() on arrival, for lower-bound checks on retry spacing. */
  at: number;
}

type Answer = { status?: number; body?: string; type?: string; delayMs?: number };
type Responder = (req: ReceivedRequest) => Answer | undefined;
/** Answers one path by hand: may hold the request open or never answer. */
export type PathHandler = (req: ReceivedRequest, res: ServerResponse) => void;

function parseMultiParams(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * A stand-in for the user's app: an HTTP server on 127.0.0.1 that records every webhook it receives and
 * answers per path (`on`, `statuses`), else with whatever the test's responder says (200 with an empty body
 * by default).
 */
export class FakeApp {
  readonly received: ReceivedRequest[] = [];
  private server: Server | undefined;
  private waiters: { match: (r: ReceivedRequest) => boolean; resolve: (r: ReceivedRequest) => void }[] = [];
  private readonly handlers = new Map<string, PathHandler>();
  base = '';

  constructor(private responder: Responder = () => undefined) {}

  respond(responder: Responder): void {
    this.responder = responder;
  }

  /** Answers `path` with `handler`, before the responder. */
  on(path: string, handler: PathHandler): this {
    this.handlers.set(path, handler);
    return this;
  }

  /** Answers `path` with the given statuses in turn, repeating the last one. */
  statuses(path: string, ...codes: number[]): this {
    let i = 0;
    return this.on(path, (_req, res) => {
      const code = codes[Math.min(i++, codes.length - 1)] ?? 200;
      res.writeHead(code, { 'content-type': 'text/plain' }).end(`status ${code}`);
    });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const full = new URL(req.url ?? '/', this.base);
        const body = Buffer.concat(chunks).toString('utf8');
        const params: Record<string, string> = {};
        for (const [k, v] of new URLSearchParams(body)) params[k] = v;
        if (req.method === 'GET') for (const [k, v] of full.searchParams) params[k] = v;
        const multiParams = parseMultiParams(req.method === 'GET' ? full.search : body);
        const method = req.method ?? 'GET';
        const record: ReceivedRequest = {
          method,
          path: full.pathname,
          url: this.base + (req.url ?? '/'),
          headers: req.headers,
          body,
          params,
          multiParams,
          at: Date.now(),
        };
        this.received.push(record);
        this.waiters = this.waiters.filter((w) => {
          if (!w.match(record)) return true;
          w.resolve(record);
          return false;
        });
        const handler = this.handlers.get(record.path);
        if (handler) {
          handler(record, res);
          return;
        }
        const answer = this.responder(record) ?? {};
        const send = () => {
          res.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'text/xml' });
          res.end(answer.body ?? '');
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The requests `path` received so far. */
  receivedAt(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Resolves with the first request (already received or future) that matches; rejects after timeoutMs. */
  waitFor(match: (r: ReceivedRequest) => boolean, timeoutMs = 10_000): Promise<ReceivedRequest> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a webhook')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  /** Resolves with the requests `path` received once there are at least `count`; rejects after timeoutMs. */
  async waitForCount(path: string, count: number, timeoutMs = 10_000): Promise<ReceivedRequest[]> {
    await this.waitFor((r) => r.path === path && this.receivedAt(path).length >= count, timeoutMs);
    return this.receivedAt(path);
  }

  /** Closes the server, dropping connections a handler still holds open. */
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

/** Polls until check returns a value (not undefined), bounded by a timeout. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, stepMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
