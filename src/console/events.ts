import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';
import type { DomainEvents, EventBus } from '../core/events.js';
import type { ConsoleAuth } from './auth.js';

/** The events the console's pages react to; each carries the account it belongs to. */
const FORWARDED = ['message.status', 'webhook.request', 'alert', 'call.status', 'queue.member'] as const satisfies readonly (keyof DomainEvents)[];

/** A browser that stops reading (a sleeping laptop) is dropped past this much unsent data; it reconnects and resyncs. */
const MAX_BUFFERED_BYTES = 512 * 1024;
/** Keeps proxies from timing the stream out, and re-checks the session (signed out, token rotated) this often. */
const HEARTBEAT_MS = 20_000;
/**
 * Streams are cheap but not free: a bound keeps a runaway tab from holding unbounded sockets. It is per
 * account, so one account (a subaccount, say) filling its share never locks another out.
 */
const MAX_STREAMS_PER_ACCOUNT = 100;

interface Stream {
  readonly accountSid: string;
  readonly req: FastifyRequest;
  readonly res: ServerResponse;
}

/**
 * Server-sent events for the console: GET /console/api/events streams the acting account's domain events.
 * One EventBus listener per event kind fans out to every open stream, so listeners do not grow with tabs.
 * Events are hints ("this message changed"), not data: pages fetch the record through the API, which
 * applies the same authorization as everything else.
 */
export class ConsoleEvents {
  private readonly streams = new Set<Stream>();
  private readonly perAccount = new Map<string, number>();
  private readonly unsubscribe: (() => void)[] = [];
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly auth: ConsoleAuth,
  ) {}

  register(app: FastifyInstance): void {
    for (const name of FORWARDED) {
      this.unsubscribe.push(this.bus.on(name, (event) => this.fanOut(name, event)));
    }
    app.get('/console/api/events', async (req, reply) => {
      // EventSource cannot send headers, so the cookie alone opens a stream: it is a read, the body only
      // names records (fetching them needs the CSRF token), and no CORS header lets another origin read it.
      const session = await this.auth.require(req, { csrf: false });
      const accountSid = session.acting.accountSid;
      if ((this.perAccount.get(accountSid) ?? 0) >= MAX_STREAMS_PER_ACCOUNT) throw errors.tooManyRequests();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      const stream: Stream = { accountSid, req, res };
      this.add(stream);
      res.on('close', () => this.remove(stream));
      res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ account_sid: stream.accountSid })}\n\n`);
      this.heartbeat ??= setInterval(() => void this.beat(), HEARTBEAT_MS).unref();
    });
    // Open streams would keep app.close() waiting forever.
    app.addHook('preClose', async () => this.close());
  }

  close(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const s of this.streams) s.res.end();
    this.streams.clear();
    this.perAccount.clear();
  }

  private add(s: Stream): void {
    this.streams.add(s);
    this.perAccount.set(s.accountSid, (this.perAccount.get(s.accountSid) ?? 0) + 1);
  }

  /** Idempotent: a stream ends through 'close' after being dropped here too. */
  private remove(s: Stream): void {
    if (!this.streams.delete(s)) return;
    const left = (this.perAccount.get(s.accountSid) ?? 1) - 1;
    if (left > 0) this.perAccount.set(s.accountSid, left);
    else this.perAccount.delete(s.accountSid);
  }

  private fanOut<K extends keyof DomainEvents>(name: K, event: DomainEvents[K]): void {
    let frame: string | undefined;
    for (const s of this.streams) {
      if (s.accountSid !== event.accountSid) continue;
      frame ??= `event: ${name}\ndata: ${JSON.stringify(event)}\n\n`;
      this.send(s, frame);
    }
  }

  private send(s: Stream, frame: string): void {
    if (s.res.writableLength > MAX_BUFFERED_BYTES) {
      s.res.destroy();
      this.remove(s);
      return;
    }
    s.res.write(frame);
  }

  private async beat(): Promise<void> {
    for (const s of [...this.streams]) {
      const session = await this.auth.current(s.req).catch(() => undefined);
      if (!session || session.acting.accountSid !== s.accountSid) {
        s.res.end('event: session-ended\ndata: {}\n\n');
        this.remove(s);
        continue;
      }
      this.send(s, ': ping\n\n');
    }
    if (this.streams.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }
}
