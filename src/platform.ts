import { hostname } from 'node:os';
import { AccountsService } from './accounts/service.js';
import type { Config } from './config/schema.js';
import type { Clock } from './core/clock.js';
import { EventBus } from './core/events.js';
import { AuthThrottle, DEFAULT_AUTH_THROTTLE } from './http/auth-throttle.js';
import { Metrics } from './http/metrics.js';
import { ConcurrencyLimiter } from './jobs/concurrency.js';
import { JobQueue } from './jobs/queue.js';
import { Worker } from './jobs/worker.js';
import { RetentionPruner } from './retention/pruner.js';
import type { RetentionPolicy } from './retention/policy.js';
import { migrate, openStore } from './store/db.js';
import { CachedAccounts } from './store/cache/cached-accounts.js';
import { LookupCache } from './store/cache/lookup-cache.js';
import { CacheListener } from './store/cache/pg-listener.js';
import { AccountsRepository } from './store/repositories/accounts.js';
import { ApiKeysRepository } from './store/repositories/api-keys.js';
import { ClusterRepository } from './store/repositories/cluster.js';
import { JobsRepository } from './store/repositories/jobs.js';
import { MonitorRepository } from './store/repositories/monitor.js';
import { RetentionRepository } from './store/repositories/retention.js';
import { SettingsRepository } from './store/repositories/settings.js';
import { WebhookCookiesRepository } from './store/repositories/webhook-cookies.js';
import { WebhookLogRepository } from './store/repositories/webhook-log.js';
import { WebhookCookies } from './webhooks/cookies.js';
import { WEBHOOK_QUEUE, WebhookDispatcher, type WebhookCall } from './webhooks/dispatcher.js';
import { WebhookLog } from './webhooks/log.js';
import { MonitorService } from './webhooks/monitor.js';

export interface PlatformOptions {
  clock: Clock;
  /** Where background failures are logged (the HTTP server's logger, once it exists). */
  log: { warn: (obj: object, msg: string) => void };
  /** How long each kind of record is kept (config/resolve.ts). */
  retention: RetentionPolicy;
  /** This process's index under `--workers` (1..N), 0 otherwise: labels the per-worker metrics. */
  workerIndex?: number;
}

/**
 * What every product stands on: the store, accounts and their credentials, the job queue with the webhook
 * worker that delivers every callback, the event bus, metrics and the public URL. Products get the parts
 * they need from here; none of them builds its own.
 */
export async function createPlatform(config: Config, o: PlatformOptions) {
  const { clock } = o;
  const store = openStore(config.databaseUrl, { preparedStatements: config.pgPreparedStatements });
  await migrate(store);
  const { db, dialect } = store;
  const events = new EventBus();
  // Each `--workers` process is a node of its own: claims, leases and heartbeats are per process.
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  // The lookups every message makes (account, numbers, opt-outs). On PostgreSQL other processes write too, so
  // the cache starts suspended and the listener resumes it once their writes' notifications can arrive
  // (store/cache/pg-listener.ts; a start is not counted as a suspension). `--lookup-cache false`: every
  // read goes to the database.
  const lookups = new LookupCache({ live: config.lookupCache && dialect !== 'postgres' });
  const cacheListener =
    dialect === 'postgres' && config.lookupCache
      ? new CacheListener({ url: config.databaseUrl, cache: lookups, onWarning: (message) => o.log.warn({ component: 'lookup-cache' }, message) })
      : undefined;
  await cacheListener?.start();

  const accounts = new AccountsService({
    accounts: new CachedAccounts(new AccountsRepository(db), lookups),
    keys: new ApiKeysRepository(db),
    settings: new SettingsRepository(db),
    clock,
  });
  const root = await accounts.ensureRoot(config.accountSid && config.authToken ? { sid: config.accountSid, token: config.authToken } : undefined);

  const jobs = new JobQueue(new JobsRepository(db, dialect), clock);
  const metrics = new Metrics(() => jobs.depths(), o.workerIndex ?? 0);
  metrics.trackLookupCache(lookups);
  const webhookLog = new WebhookLog(new WebhookLogRepository(db, dialect), events, clock);
  const webhooks = new WebhookDispatcher(
    webhookLog,
    (sid) => accounts.authTokenOf(sid),
    {
      timeoutMs: config.webhookTimeoutMs,
      maxResponseBytes: 64 * 1024,
      // Exactly Twilio's: apps and WAFs that allow-list webhook callers match the whole string.
      userAgent: 'TwilioProxy/1.1',
      retryBaseMs: config.webhookRetryBaseMs,
    },
    (purpose, outcome) => metrics.webhookDeliveries.inc({ purpose, outcome }),
    new WebhookCookies(new WebhookCookiesRepository(db), clock),
  );
  const webhookWorker = new Worker(jobs, {
    queue: WEBHOOK_QUEUE,
    workerId,
    batch: 200,
    pollMs: 250,
    leaseMs: config.webhookTimeoutMs * 2,
    // A message's callbacks (sending, sent, delivered) reach the app in order, even within one batch.
    orderKey: (job) => (job.payload as WebhookCall).resourceSid ?? undefined,
    handler: (job) => webhooks.runJob(job.payload as WebhookCall, job.attempts),
    onError: (err) => o.log.warn({ err }, 'webhook job failed'),
  });
  const limiter = new ConcurrencyLimiter(config.apiConcurrency, new ClusterRepository(db), workerId, clock);
  const authThrottle = new AuthThrottle({
    ...DEFAULT_AUTH_THROTTLE,
    perSource: config.authFailureLimit,
    perSid: config.authFailureLimit * 5,
    now: () => clock.now(),
  });

  const pruner = new RetentionPruner(new RetentionRepository(db, dialect), o.retention, clock, {
    intervalMs: config.retentionIntervalMs,
    onError: (err) => o.log.warn({ err }, 'retention pruning failed'),
    onPruned: (kind, count) => metrics.retentionPruned.inc({ kind }, count),
  });

  // Known once the server listens when no public URL is configured; products read it through origin().
  let publicUrl = config.publicUrl?.replace(/\/$/, '') ?? '';

  return {
    config,
    clock,
    store,
    db,
    dialect,
    events,
    workerId,
    lookups,
    accounts,
    root,
    jobs,
    metrics,
    webhookLog,
    webhooks,
    webhookWorker,
    limiter,
    authThrottle,
    pruner,
    monitor: new MonitorService(new MonitorRepository(db)),
    settings: new SettingsRepository(db),
    origin: (): string => publicUrl,
    /** Queues signed, durable webhooks outside any transaction (the webhook worker wakes at once). */
    enqueueWebhooks: (calls: WebhookCall[]): Promise<void> => webhooks.enqueue(jobs, calls),
    listening(url: string): void {
      if (!publicUrl) publicUrl = url;
    },
    async start(): Promise<void> {
      await limiter.start();
    },
    startWorkers(): void {
      webhookWorker.start();
      pruner.start();
    },
    async stop(): Promise<void> {
      await pruner.stop();
      await webhookWorker.stop();
      await limiter.stop();
      await cacheListener?.stop();
      await store.close();
    },
  };
}

export type Platform = Awaited<ReturnType<typeof createPlatform>>;
