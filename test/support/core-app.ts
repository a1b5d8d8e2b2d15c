import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the "app" (a user's webhook endpoint) received it. */
export interface AppRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Form body (POST) or query (GET); repeated keys become arrays, as an app framework would parse them. */
  params: Record<string, string | string[]>;
  /** Date.now() on arrival, for lower-bound checks on retry spacing. */
  at: number;
}

export type AppHandler = (req: AppRequest, res: ServerResponse) => void;

export function parseParams(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * A stand-in for the developer's web app on 127.0.0.1 for the platform-core tests: records every request
 * and answers per path (default: 200 with an empty TwiML document). Handlers may hold a request open.
 */
export class TestApp {
  readonly requests: AppRequest[] = [];
  private readonly handlers = new Map<string, AppHandler>();
  private readonly waiters: Array<() => void> = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<TestApp> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const app = new TestApp(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const path = q >= 0 ? url.slice(0, q) : url;
        const body = Buffer.concat(chunks).toString('utf8');
        const params = parseParams(req.method === 'GET' ? (q >= 0 ? url.slice(q + 1) : '') : body);
        const recorded: AppRequest = { method: req.method ?? 'GET', url, path, headers: req.headers, body, params, at: Date.now() };
        app.requests.push(recorded);
        for (const wake of app.waiters.splice(0)) wake();
        const handler = app.handlers.get(path);
        if (handler) handler(recorded, res);
        else res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
      });
    });
    return app;
  }

  on(path: string, handler: AppHandler): this {
    this.handlers.set(path, handler);
    return this;
  }

  /** Answers `path` with the given statuses in turn, repeating the last one. */
  statuses(path: string, ...codes: number[]): this {
    let i = 0;
    return this.on(path, (_req, res) => {
      const code = codes[Math.min(i++, codes.length - 1)]!;
      res.writeHead(code, { 'content-type': 'text/plain' }).end(`status ${code}`);
    });
  }

  received(path: string): AppRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves once `path` has received at least `count` requests. */
  async waitFor(path: string, count: number): Promise<AppRequest[]> {
    while (this.received(path).length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.received(path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `check` until it returns a value other than undefined; the test's own timeout bounds the wait. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, everyMs = 20): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
