import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { AccountsService } from './accounts/service.js';
import { ApplicationsService } from './applications/service.js';
import type { Config } from './config/schema.js';
import { systemClock, type Clock } from './core/clock.js';
import { EventBus } from './core/events.js';
import { Metrics } from './http/metrics.js';
import { accountRoutes } from './http/resources/accounts/routes.js';
import { applicationRoutes } from './http/resources/applications/routes.js';
import { inspectorRoutes } from './http/resources/inspector/routes.js';
import { keyRoutes } from './http/resources/keys/routes.js';
import { phoneNumberRoutes } from './http/resources/phoneNumbers/routes.js';
import { createServer } from './http/server.js';
import { JobQueue } from './jobs/queue.js';
import { Worker } from './jobs/worker.js';
import { FilePool, GeneratedPool } from './numbers/pool.js';
import { NumbersService } from './numbers/service.js';
import { migrate, openStore, type Store } from './store/db.js';
import { AccountsRepository } from './store/repositories/accounts.js';
import { ApiKeysRepository } from './store/repositories/apiKeys.js';
import { ApplicationsRepository } from './store/repositories/applications.js';
import { JobsRepository } from './store/repositories/jobs.js';
import { PhoneNumbersRepository } from './store/repositories/phoneNumbers.js';
import { SettingsRepository } from './store/repositories/settings.js';
import { WebhookLogRepository } from './store/repositories/webhookLog.js';
import { WEBHOOK_QUEUE, WebhookDispatcher, type WebhookCall } from './webhooks/dispatcher.js';
import { WebhookLog } from './webhooks/log.js';
import { createMessaging, type Messaging } from './messaging/module.js';
import { messageRoutes } from './http/resources/messages/routes.js';
import { messagingServiceRoutes } from './http/resources/messagingServices/routes.js';
import { virtualPhoneRoutes } from './http/resources/virtualPhones/routes.js';

export interface Switchboard {
  readonly app: FastifyInstance;
  /** Base URL the API listens on, e.g. http://127.0.0.1:4242 */
  readonly url: string;
  readonly publicUrl: string;
  readonly root: { accountSid: string; authToken: string };
  readonly store: Store;
  readonly events: EventBus;
  readonly messaging: Messaging;
  /** Every outgoing webhook goes through this; products get it from here, tests drive it directly. */
  readonly webhooks: WebhookDispatcher;
  /** The durable job queue (status callbacks and other deferred work). */
  readonly jobs: JobQueue;
  /** Stops taking requests, lets in-flight work finish, closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Where the JSON log goes (default stdout): tests capture it to check what is and is not logged. */
  logStream?: NodeJS.WritableStream;
}

/** The composition root: config -> backends -> services -> HTTP. The only module that wires concrete parts. */
export async function startSwitchboard(config: Config, opts: StartOptions = {}): Promise<Switchboard> {
  const clock = opts.clock ?? systemClock;
  const store = openStore(config.databaseUrl);
  await migrate(store);
  const { db } = store;
  const events = new EventBus();
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  const accountsRepo = new AccountsRepository(db);
  const accounts = new AccountsService({ accounts: accountsRepo, keys: new ApiKeysRepository(db), settings: new SettingsRepository(db), clock });
  const root = await accounts.ensureRoot(config.accountSid && config.authToken ? { sid: config.accountSid, token: config.authToken } : undefined);

  const applicationsRepo = new ApplicationsRepository(db);
  const applications = new ApplicationsService(applicationsRepo, clock);
  const pool = config.numberPool ? new FilePool(config.numberPool) : new GeneratedPool();
  const numbers = new NumbersService({ numbers: new PhoneNumbersRepository(db), applications: applicationsRepo, pool, clock });

  const jobs = new JobQueue(new JobsRepository(db, store.dialect), clock);
  const metrics = new Metrics(() => jobs.depths());
  const webhookLog = new WebhookLog(new WebhookLogRepository(db), events, clock);
  const webhooks = new WebhookDispatcher(webhookLog, (sid) => accounts.authTokenOf(sid), {
    timeoutMs: config.webhookTimeoutMs, maxResponseBytes: 64 * 1024, userAgent: 'TwilioProxy/1.1 (Switchboard)',
    retryBaseMs: config.webhookRetryBaseMs,
  }, (purpose, outcome) => metrics.webhookDeliveries.inc({ purpose, outcome }));

  const app = createServer({ bodyLimit: config.bodyLimit, logLevel: config.logLevel, accounts, metrics, logStream: opts.logStream });
  const workers = [
    new Worker(jobs, {
      queue: WEBHOOK_QUEUE, workerId, batch: 50, pollMs: 250, leaseMs: config.webhookTimeoutMs * 2,
      handler: (job) => webhooks.runJob(job.payload as WebhookCall, job.attempts),
      onError: (err) => app.log.warn({ err }, 'webhook job failed'),
    }),
  ];

  let publicUrl = config.publicUrl?.replace(/\/$/, '') ?? '';
  const origin = () => publicUrl;
  const webhookWorker = workers[0]!;
  const messaging = createMessaging({
    db, dialect: store.dialect, clock, events, jobs, webhooks, webhookLog, workerId, publicUrl: origin,
    mps: { 'long-code': config.mpsLongCode, 'toll-free': config.mpsTollFree, 'short-code': config.mpsShortCode },
    simulator: { latencyMs: config.deterministic ? 0 : config.simulatorLatencyMs, failureRate: config.deterministic ? 0 : config.simulatorFailureRate },
    mediaMaxBytes: config.mediaMaxBytes,
    onCallbacksQueued: () => webhookWorker.kick(),
    onError: (err) => app.log.warn({ err }, 'messaging job failed'),
  });
  accountRoutes(app, accounts);
  keyRoutes(app, accounts);
  applicationRoutes(app, accounts, applications);
  phoneNumberRoutes(app, accounts, numbers);
  inspectorRoutes(app, accounts, webhookLog, origin);
  messageRoutes(app, accounts, messaging.service);
  messagingServiceRoutes(app, accounts, messaging.services, origin);
  virtualPhoneRoutes(app, messaging.phones, origin);

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  if (!publicUrl) publicUrl = url;
  for (const w of workers) w.start();
  await messaging.start();

  let closing: Promise<void> | undefined;
  return {
    app, url, publicUrl, store, events, messaging, webhooks, jobs,
    root: { accountSid: root.sid, authToken: root.auth_token },
    close: () => (closing ??= (async () => {
      await app.close();
      await messaging.stop();
      await Promise.all(workers.map((w) => w.stop()));
      await store.close();
    })()),
  };
}
