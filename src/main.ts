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
import { hostPolicy } from './http/hosts.js';
import { createServer, useReadiness } from './http/server.js';
import { stallReport } from './jobs/readiness.js';
import { JobQueue } from './jobs/queue.js';
import { Worker } from './jobs/worker.js';
import { ConcurrencyLimiter } from './jobs/concurrency.js';
import { ClusterRepository } from './store/repositories/cluster.js';
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
import { carrierRoutes } from './http/resources/carriers/routes.js';
import { ConfigError } from './config/load.js';
import { CarrierConfigError, loadCarriersFile } from './messaging/carriers/config.js';
import { createVerify } from './verify/module.js';
import { verifyRoutes } from './http/resources/verify/routes.js';
import { lookupRoutes } from './http/resources/lookup/routes.js';
import { lookupV1Routes } from './http/resources/lookup/v1.js';
import { registerConsole } from './console/index.js';
import { registerVideo } from './http/resources/video/index.js';
import { createVoice, type Voice } from './voice/module.js';
import { parseTrunk, TrunkConfigError } from './voice/trunk.js';
import { GuardConfigError, parseNetworks, parsePeers } from './voice/sip/index.js';
import { OutboundPolicy, OutboundPolicyError, setOutboundPolicy } from './core/net/outbound-policy.js';
import { callRoutes } from './http/resources/calls/routes.js';
import { callEventRoutes } from './http/resources/calls/events.js';
import { recordingRoutes } from './http/resources/recordings/routes.js';
import { virtualCallRoutes } from './http/resources/virtualCalls/routes.js';
import { monitorRoutes } from './http/resources/monitor/routes.js';
import { notificationRoutes } from './http/resources/notifications/routes.js';
import { MonitorRepository } from './store/repositories/monitor.js';
import { MonitorService } from './webhooks/monitor.js';
import { loadPriceTable, PriceTableError, UNPRICED } from './usage/price-table.js';
import { Pricing } from './usage/pricing.js';
import { UsageService } from './usage/service.js';
import { UsageRepository } from './store/repositories/usage.js';
import { usageRoutes } from './http/resources/usage/routes.js';
import { outgoingCallerIdRoutes } from './http/resources/outgoingCallerIds/routes.js';
import { CallerIdsService } from './numbers/callerIds.js';
import { IceServersError, parseIceServers, type IceServerSpec } from './traversal/ice-servers.js';
import { tokenRoutes } from './http/resources/tokens/routes.js';
import { OutgoingCallerIdsRepository } from './store/repositories/outgoingCallerIds.js';

export interface Switchboard {
  readonly app: FastifyInstance;
  /** Base URL the API listens on, e.g. http://127.0.0.1:4242 */
  readonly url: string;
  readonly publicUrl: string;
  /** `tokenGenerated`: made by this start, so the banner may show it (once, never again). */
  readonly root: { accountSid: string; authToken: string; tokenGenerated: boolean };
  readonly store: Store;
  readonly events: EventBus;
  readonly messaging: Messaging;
  /** Calls, recordings, virtual phones on calls, and the SIP endpoint (`voice.sipPorts()`). */
  readonly voice: Voice;
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
  let carriers;  // read before opening anything, so a bad file leaves nothing to close
  try {
    carriers = config.carriersFile ? loadCarriersFile(config.carriersFile) : [];
  } catch (err) {
    // A bad carriers file is a configuration mistake: exit code 2 with the message, like a bad flag.
    throw err instanceof CarrierConfigError ? new ConfigError(err.message) : err;
  }
  let iceServers: IceServerSpec[];
  try {
    iceServers = config.iceServers ? parseIceServers(config.iceServers) : [];
  } catch (err) {
    throw err instanceof IceServersError ? new ConfigError(`SWITCHBOARD_ICE_SERVERS: ${err.message}`) : err;
  }
  let pricing: Pricing;
  try {
    pricing = new Pricing(config.priceTable ? loadPriceTable(config.priceTable) : UNPRICED);
  } catch (err) {
    throw err instanceof PriceTableError ? new ConfigError(`SWITCHBOARD_PRICE_TABLE: ${err.message}`) : err;
  }
  try {
    if (config.sipTrunk) parseTrunk(config.sipTrunk); // a bad trunk URI is a configuration mistake too
    if (config.sipTrustedSources) parseNetworks(config.sipTrustedSources.split(','));
    parsePeers(config.sipPeers);
  } catch (err) {
    if (err instanceof GuardConfigError) throw new ConfigError(`SWITCHBOARD_SIP_TRUSTED_SOURCES/_PEERS: ${err.message}`);
    throw err instanceof TrunkConfigError ? new ConfigError(err.message) : err;
  }
  try {
    // Process-wide: the outbound HTTP clients share module-level agents (see core/net/outbound-policy.ts).
    setOutboundPolicy(OutboundPolicy.fromSettings(config.host, config.outboundDeny, config.outboundAllow));
  } catch (err) {
    throw err instanceof OutboundPolicyError ? new ConfigError(`SWITCHBOARD_OUTBOUND_DENY/_ALLOW: ${err.message}`) : err;
  }
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
  const webhookLog = new WebhookLog(new WebhookLogRepository(db, store.dialect), events, clock);
  const webhooks = new WebhookDispatcher(webhookLog, (sid) => accounts.authTokenOf(sid), {
    timeoutMs: config.webhookTimeoutMs, maxResponseBytes: 64 * 1024, userAgent: 'TwilioProxy/1.1 (Switchboard)',
    retryBaseMs: config.webhookRetryBaseMs,
  }, (purpose, outcome) => metrics.webhookDeliveries.inc({ purpose, outcome }));

  const limiter = new ConcurrencyLimiter(config.apiConcurrency, new ClusterRepository(db), workerId, clock);
  await limiter.start();
  const app = createServer({
    limiter, bodyLimit: config.bodyLimit, logLevel: config.logLevel, accounts, metrics, logStream: opts.logStream,
    hosts: hostPolicy({ allowedHosts: config.allowedHosts, publicUrl: config.publicUrl, bindHost: config.host }),
    authThrottle: { perSource: config.authFailureLimit, perSid: config.authFailureLimit * 5, now: () => clock.now() },
  });
  const workers = [
    new Worker(jobs, {
      queue: WEBHOOK_QUEUE, workerId, batch: 200, pollMs: 250, leaseMs: config.webhookTimeoutMs * 2,
      // A message's callbacks (sending, sent, delivered) reach the app in order, even within one batch.
      orderKey: (job) => (job.payload as WebhookCall).resourceSid ?? undefined,
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
    mediaTimeoutMs: config.mediaTimeoutMs,
    leaseMs: config.leaseMs,
    carriers,
    onCallbacksQueued: () => webhookWorker.kick(),
    onError: (err) => app.log.warn({ err }, 'messaging job failed'),
    onCarrierWarning: (message) => app.log.warn({ component: 'carrier' }, message),
  });
  accountRoutes(app, accounts);
  keyRoutes(app, accounts);
  applicationRoutes(app, accounts, applications);
  phoneNumberRoutes(app, accounts, numbers);
  inspectorRoutes(app, accounts, webhookLog, origin);
  const monitor = new MonitorService(new MonitorRepository(db));
  monitorRoutes(app, monitor, origin);
  notificationRoutes(app, accounts, monitor);
  messageRoutes(app, accounts, messaging.service, { mediaAuth: config.mediaAuth, pricing });
  messagingServiceRoutes(app, accounts, messaging.services, origin);
  virtualPhoneRoutes(app, messaging.phones, origin);
  carrierRoutes(app, messaging.carriers, root.sid, origin);
  metrics.trackCarriers(() => messaging.carriers.list().map((m) => ({ name: m.config.name, up: m.carrier.health().up, counters: m.carrier.counters?.() })));
  const voice = createVoice({
    db, clock, events, jobs, webhooks, webhookLog, publicUrl: origin, metrics: metrics.registry,
    sipPort: config.sipPort, sipHost: config.sipHost, sipPublicHost: config.sipPublicHost, sipTrunk: config.sipTrunk, rtpPorts: config.rtpPorts, mediaWorkers: config.mediaWorkers, security: config,
    onCallbacksQueued: () => webhookWorker.kick(),
    onError: (err) => app.log.warn({ err }, 'voice call failed'),
  });
  callRoutes(app, accounts, voice.calls, voice.recordings, origin, pricing);
  usageRoutes(app, accounts, new UsageService(new UsageRepository(db), pricing, clock), pricing.unit, () => clock.now());
  tokenRoutes(app, accounts, iceServers, () => clock.now());
  outgoingCallerIdRoutes(app, accounts, new CallerIdsService({
    repo: new OutgoingCallerIdsRepository(db), clock, realPhones: Boolean(config.sipTrunk),
    notify: async (accountSid, url, method, params) => {
      await webhooks.enqueue(jobs, [{ accountSid, purpose: 'caller-id-validation', primary: { url, method }, params }]);
      webhookWorker.kick();
    },
  }));
  callEventRoutes(app, accounts, voice.callEvents, origin);
  recordingRoutes(app, accounts, voice.recordings, origin, { mediaAuth: config.mediaAuth });
  virtualCallRoutes(app, voice.phones, voice.virtualCalls, origin);
  verifyRoutes(app, createVerify({ db, clock, sms: messaging.service, messagingServices: messaging.services, calls: voice.verifySender }), origin);
  lookupRoutes(app, origin);
  lookupV1Routes(app, origin);
  registerVideo(app, { db, clock, accounts, config, rootAccountSid: root.sid, origin, enqueue: async (calls) => { await webhooks.enqueue(jobs, calls); webhookWorker.kick(); } });
  await registerConsole(app, { accounts, settings: new SettingsRepository(db), events, messages: messaging.service, clock, publicUrl: origin });

  await voice.start(); // binds SIP before HTTP: a taken SIP port fails the start, not the first call
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  if (!publicUrl) publicUrl = url;
  for (const w of workers) w.start();
  await messaging.start();
  useReadiness(app, () => {
    const { sendPipelineMs, inboundWorkerMs } = messaging.stalled();
    return stallReport({ 'send pipeline': sendPipelineMs, 'inbound worker': inboundWorkerMs, 'webhook worker': webhookWorker.stalledMs() }, config.stallMs);
  });

  let closing: Promise<void> | undefined;
  return {
    app, url, publicUrl, store, events, messaging, voice, webhooks, jobs,
    root: { accountSid: root.sid, authToken: root.auth_token, tokenGenerated: root.generatedToken },
    close: () => (closing ??= (async () => {
      await app.close();
      await voice.stop();
      await messaging.stop();
      await Promise.all(workers.map((w) => w.stop()));
      await limiter.stop();
      await store.close();
    })()),
  };
}
