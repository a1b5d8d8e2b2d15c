import pg from 'pg';
import { CACHE_CHANNEL, applyNotification } from './changes.js';
import type { LookupCache } from './lookup-cache.js';

export interface CacheListenerOptions {
  url: string;
  cache: LookupCache;
  onWarning: (message: string) => void;
  /** Opens a connected client; tests replace it to keep the listener down. */
  connect?: (url: string) => Promise<pg.Client>;
  /** How often the connection is proven alive, and how long the proof may take. */
  pingMs?: number;
  pingTimeoutMs?: number;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * Keeps the lookup cache of this process (node, or `--workers` process) in step with writes committed by
 * any process on the same PostgreSQL database. The cached tables' triggers NOTIFY inside the writing
 * transaction, so a notification arrives once the write is visible, and never for a rollback.
 * A notification can only be missed while this connection is down, so then the cache is suspended (emptied,
 * reads go to the database) until the connection is back and listening. A connection that dies without a
 * word (the network, not the server) is caught by the ping.
 */
export class CacheListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: CacheListenerOptions) {
    o.cache.suspend();
  }

  /** Whether invalidations are arriving (the cache caches only then). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** The first connection attempt; if it fails the listener keeps trying, and reads go uncached meanwhile. */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const client = this.client;
    this.client = undefined;
    this.o.cache.suspend();
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let client: pg.Client | undefined;
    try {
      client = await (this.o.connect ?? open)(this.o.url);
      const c = client;
      c.on('notification', (msg) => {
        if (this.client === c && msg.channel === CACHE_CHANNEL) applyNotification(this.o.cache, msg.payload);
      });
      c.on('error', (err) => this.lost(c, err));
      c.on('end', () => this.lost(c, new Error('connection ended')));
      await c.query(`LISTEN ${CACHE_CHANNEL}`);
      if (this.stopped) {
        await c.end();
        return;
      }
      this.client = c;
      this.retryMs = RETRY_MIN_MS;
      // From empty: whatever was written while no one listened is not in it.
      this.o.cache.resume();
      const pingMs = this.o.pingMs ?? 10_000;
      this.pingTimer = setInterval(() => void this.ping(c), pingMs);
      this.pingTimer.unref();
    } catch (err) {
      client?.end().catch(() => undefined);
      this.o.onWarning(`lookup cache: cannot listen for invalidations (${(err as Error).message}); reading through until connected`);
      this.retry();
    }
  }

  private async ping(client: pg.Client): Promise<void> {
    try {
      await client.query({ text: 'SELECT 1', query_timeout: this.o.pingTimeoutMs ?? 5000 } as pg.QueryConfig);
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.pingTimer);
    this.o.cache.suspend();
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.o.onWarning(`lookup cache: invalidation connection lost (${err.message}); reading through until reconnected`);
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}

async function open(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'switchboard-cache', keepAlive: true });
  try {
    await client.connect();
  } catch (err) {
    client.end().catch(() => undefined);
    throw err;
  }
  return client;
}
