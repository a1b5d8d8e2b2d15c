import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  url: string;
  headers: IncomingMessage['headers'];
  params: Record<string, string>;
}

type Responder = (req: ReceivedRequest) => { status?: number; body?: string; type?: string; delayMs?: number } | undefined;

/**
 * A stand-in for the user's app: an HTTP server on 127.0.0.1 that records every webhook it receives and
 * answers with whatever the test's responder says (200 with an empty body by default).
 */
export class FakeApp {
  readonly received: ReceivedRequest[] = [];
  private server: Server | undefined;
  private waiters: { match: (r: ReceivedRequest) => boolean; resolve: (r: ReceivedRequest) => void }[] = [];
  base = '';

  constructor(private responder: Responder = () => undefined) {}

  respond(responder: Responder): void {
    this.responder = responder;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const full = new URL(req.url ?? '/', this.base);
        const params: Record<string, string> = {};
        for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString())) params[k] = v;
        if (req.method === 'GET') for (const [k, v] of full.searchParams) params[k] = v;
        const record: ReceivedRequest = { method: req.method ?? 'GET', path: full.pathname, url: this.base + (req.url ?? '/'), headers: req.headers, params };
        this.received.push(record);
        this.waiters = this.waiters.filter((w) => (w.match(record) ? (w.resolve(record), false) : true));
        const answer = this.responder(record) ?? {};
        const send = () => {
          res.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'text/xml' });
          res.end(answer.body ?? '');
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs); else send();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves with the first request (already received or future) that matches; rejects after timeoutMs. */
  waitFor(match: (r: ReceivedRequest) => boolean, timeoutMs = 10_000): Promise<ReceivedRequest> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a webhook')), timeoutMs);
      this.waiters.push({ match, resolve: (r) => { clearTimeout(timer); resolve(r); } });
    });
  }

  async stop(): Promise<void> {
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
