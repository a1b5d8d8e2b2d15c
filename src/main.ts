import { createServer as createHttpServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/schema.js';
import { systemClock, type Clock } from './core/clock.js';
import type { EventBus } from './core/events.js';
import { createLogger } from './core/logger.js';
import { createConsole, consolePlugin } from './console/index.js';
import { DashboardSampler, MAX_SAMPLED_QUEUES } from './console/dashboard-sampler.js';
import { DashboardRepository } from './store/repositories/dashboard.js';
import { hostPolicy } from './http/hosts.js';
import { accountPlugin } from './http/plugins/account.js';
import { messagingPlugin } from './http/plugins/messaging.js';
import { numbersPlugin } from './http/plugins/numbers.js';
import { lookupPlugin, verifyPlugin } from './http/plugins/verify.js';
import { voicePlugin } from './http/plugins/voice.js';
import { videoPlugin } from './http/resources/video/index.js';
import { createServer } from './http/server.js';
import type { JobQueue } from './jobs/queue.js';
import { stallReport } from './jobs/readiness.js';
import { createMessaging, type Messaging } from './messaging/module.js';
import { createNumbers } from './numbers/module.js';
import { createPlatform } from './platform.js';
import type { RetentionPruner } from './retention/pruner.js';
import type { Store } from './store/db.js';
import { createUsage } from './usage/module.js';
import { createVerify } from './verify/module.js';
import { createVideo, isLoopback, type Video } from './video/module.js';
import { createVoice, type Voice } from './voice/module.js';
import { createSpeechRecognizer } from './voice/speech/index.js';
import type { LookupDataSource } from './lookup/index.js';
import type { WebhookDispatcher } from './webhooks/dispatcher.js';
import { resolveSettings } from './config/resolve.js';
import { setOutboundPolicy } from './core/net/outbound-policy.js';
import { Pricing } from './usage/pricing.js';
import { joinPrimary } from './workers/worker.js';

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
  /** Rooms and the SFU workers (tests and the benchmark read its statistics). */
  readonly video: Video;
  /** Every outgoing webhook goes through this; products get it from here, tests drive it directly. */
  readonly webhooks: WebhookDispatcher;
  /** The durable job queue (status callbacks and other deferred work). */
  readonly jobs: JobQueue;
  /** Removes expired records on a timer; tests run a round with `runOnce()`. */
  readonly retention: RetentionPruner;
  /** Stops taking requests, lets in-flight work finish, closes the store. */
  close(): Promise<void>;
}

/** How the other voice nodes reach this one when --node-url is not set (see its help). */
function nodeUrl(config: Config, port: number, listening: string): string {
  if (config.host !== '0.0.0.0' && config.host !== '::') return listening;
  const name = config.sipPublicHost ?? hostname();
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/** A worker's own port, on the API's address, served by the same Fastify routes (never shared by the cluster). */
async function listenControl(app: FastifyInstance, host: string): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((req, res) => app.routing(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, resolve);
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

/** --node-url with the worker's own port, or the default of nodeUrl() for that port. */
function workerNodeUrl(config: Config, port: number): string {
  if (config.nodeUrl) {
    const u = new URL(config.nodeUrl);
    u.port = String(port);
    return u.origin;
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return nodeUrl(config, port, `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`);
}

export interface StartOptions {
  clock?: Clock;
  /** Where the JSON log goes (default stdout): tests capture it to check what is and is not logged. */
  logStream?: NodeJS.WritableStream;
  /** Data for Lookup's paid packages (CNAM, ...) when embedding Switchboard; used for voice's CallerName. */
  lookupSource?: LookupDataSource;
  /** Under `switchboard start --workers N`: this process's index (1..N), forked by the primary (src/workers/). */
  workerIndex?: number;
}

/**
 * The composition root: configuration -> the platform (store, accounts, jobs, webhooks) -> products -> the
 * HTTP server with one plugin per product. Products are built in their own modules (`createX`); this
 * function only puts them together and starts them in order.
 */
export async function startSwitchboard(config: Config, opts: StartOptions = {}): Promise<Switchboard> {
  const clock = opts.clock ?? systemClock;
  // Parsed before opening anything, so a bad file or list leaves nothing to close (ConfigError: exit code 2).
  const resolved = resolveSettings(config);
  // Process-wide: the outbound HTTP clients share module-level agents (see core/net/outbound-policy.ts).
  setOutboundPolicy(resolved.outboundPolicy);
  const pricing = new Pricing(resolved.priceTable);
  const logger = createLogger(config.logLevel, opts.logStream);
  const platform = await createPlatform(config, { clock, log: logger, retention: resolved.retention, workerIndex: opts.workerIndex ?? 0 });
  if (opts.workerIndex) platform.metrics.gather = joinPrimary(platform.metrics.registry);
  const { db, dialect, events, jobs, webhooks, webhookLog, accounts, root, origin } = platform;
  const warn = (what: string) => (err: unknown) => logger.warn({ err }, what);

  // Products: each builds its own services and workers from the platform's parts.
  const numbers = createNumbers({
    db,
    clock,
    lookups: platform.lookups,
    numberPool: config.numberPool,
    realPhones: Boolean(config.sipTrunk),
    enqueueWebhooks: platform.enqueueWebhooks,
  });
  const usage = createUsage({ db, clock, pricing });
  const messaging = createMessaging({
    db,
    dialect,
    lookups: platform.lookups,
    clock,
    events,
    jobs,
    webhooks,
    webhookLog,
    workerId: platform.workerId,
    publicUrl: origin,
    mps: { 'long-code': config.mpsLongCode, 'toll-free': config.mpsTollFree, 'short-code': config.mpsShortCode },
    simulator: { latencyMs: config.deterministic ? 0 : config.simulatorLatencyMs, failureRate: config.deterministic ? 0 : config.simulatorFailureRate },
    mediaMaxBytes: config.mediaMaxBytes,
    mediaTimeoutMs: config.mediaTimeoutMs,
    leaseMs: config.leaseMs,
    carriers: resolved.carriers,
    onError: warn('messaging job failed'),
    onCarrierWarning: (message) => logger.warn({ component: 'carrier' }, message),
    onSent: (carrier, count) => platform.metrics.messagesSent.inc({ carrier }, count),
  });
  platform.metrics.trackCarriers(() =>
    messaging.carriers.list().map((m) => ({ name: m.config.name, up: m.carrier.health().up, counters: m.carrier.counters?.() })),
  );
  const dashboardRepo = new DashboardRepository(db);
  const carrierHealth = () => messaging.carriers.list().map((m) => ({ name: m.config.name, up: m.carrier.health().up }));
  // The dashboard's queue and carrier history, which the store does not keep: sampled here, in memory.
  const dashboardHistory = new DashboardSampler({
    clock,
    queues: () => dashboardRepo.allQueueDepths(MAX_SAMPLED_QUEUES),
    carriers: carrierHealth,
    onError: warn('dashboard sample failed'),
  });
  // Before voice: the console's phone signs its Voice SDK tokens with a key voice must accept.
  const ui = await createConsole({
    accounts,
    settings: platform.settings,
    events,
    messages: messaging.service,
    clock,
    publicUrl: origin,
    dashboard: { repo: dashboardRepo, carriers: carrierHealth, history: dashboardHistory },
  });
  const speech = createSpeechRecognizer(resolved.speech);
  const voice = createVoice({
    db,
    clock,
    events,
    jobs,
    webhooks,
    webhookLog,
    publicUrl: origin,
    metrics: platform.metrics.registry,
    sipPort: config.sipPort,
    sipHost: config.sipHost,
    sipPublicHost: config.sipPublicHost,
    sipTrunk: resolved.sipTrunk,
    rtpPorts: resolved.rtpPorts,
    mediaWorkers: config.mediaWorkers,
    mediaPriority: config.mediaPriority,
    mediaRealtime: config.mediaRealtime,
    // Refused is the usual case for a developer (not root): debug, not a warning at every start.
    onMediaPriority: (report) =>
      report.error === null
        ? logger.debug(report, 'media engine thread priority raised')
        : logger.debug(report, 'media engine thread priority not (fully) raised'),
    speech,
    authTokenOf: (sid) => accounts.authTokenOf(sid),
    keySecretOf: async (accountSid, keySid) => ui.auth.voiceKeys.secretOf(accountSid, keySid) ?? accounts.keySecretFor(accountSid, keySid),
    isDirectDialKey: (accountSid, keySid) => ui.auth.voiceKeys.isConsoleKey(accountSid, keySid),
    webrtc: {
      loopbackOnly: isLoopback(config.host),
      announce: [...(isLoopback(config.host) ? ['127.0.0.1'] : []), ...(config.videoPublicIp ? [config.videoPublicIp] : [])],
      portRange: resolved.videoPorts ? [resolved.videoPorts.min, resolved.videoPorts.max] : undefined,
    },
    security: { ...config, sipTrustedSources: resolved.sipTrustedSources, sipPeers: resolved.sipPeers },
    lookupSource: opts.lookupSource,
    leaseMs: config.leaseMs,
    cluster: dialect === 'postgres',
    onError: warn('voice call failed'),
  });
  const verify = createVerify({ db, clock, sms: messaging.service, messagingServices: messaging.services, calls: voice.verifySender });
  const video = createVideo({
    db,
    clock,
    origin,
    enqueue: platform.enqueueWebhooks,
    accounts,
    settings: platform.settings,
    rootAccountSid: root.sid,
    dataDir: config.dataDir,
    host: config.host,
    workers: config.videoWorkers,
    ports: resolved.videoPorts,
    publicIp: config.videoPublicIp,
    reconnectMs: config.videoReconnectMs,
    log: (level, msg, err) => logger[level]({ err, component: 'video' }, msg),
  });

  // HTTP: the server (auth, limits, errors) and one plugin per product.
  await platform.start();
  const app = createServer({
    logger,
    limiter: platform.limiter,
    bodyLimit: config.bodyLimit,
    accounts,
    metrics: platform.metrics,
    authThrottle: platform.authThrottle,
    hosts: hostPolicy({ allowedHosts: config.allowedHosts, publicUrl: config.publicUrl, bindHost: config.host }),
    sessionAuth: ui.sessionAuth,
    readiness: () => {
      const { sendPipelineMs, inboundWorkerMs } = messaging.stalled();
      return stallReport(
        { 'send pipeline': sendPipelineMs, 'inbound worker': inboundWorkerMs, 'webhook worker': platform.webhookWorker.stalledMs() },
        config.stallMs,
      );
    },
  });
  const now = () => clock.now();
  await app.register(accountPlugin, { accounts, webhookLog, monitor: platform.monitor, usage, iceServers: resolved.iceServers, origin, now });
  await app.register(numbersPlugin, { accounts, numbers });
  await app.register(messagingPlugin, { accounts, messaging, pricing, mediaAuth: config.mediaAuth, rootSid: root.sid, origin });
  await app.register(voicePlugin, { accounts, voice, pricing, mediaAuth: config.mediaAuth, origin });
  await app.register(verifyPlugin, { verify, origin });
  await app.register(lookupPlugin, { origin });
  await app.register(videoPlugin, { video, clock, demo: isLoopback(config.host) || config.videoDemo, origin });
  await app.register(consolePlugin, { console: ui });

  await voice.start(); // binds SIP before HTTP: a taken SIP port fails the start, not the first call
  await video.recover().catch(warn('recovering video rooms failed'));
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  platform.listening(url);
  // Workers share the API port, so a request to it may reach any of them: each worker also answers on a port
  // of its own, which is how the other nodes reach this one for the calls it runs (internal call control).
  const control = opts.workerIndex ? await listenControl(app, config.host) : undefined;
  await voice.listening(control ? workerNodeUrl(config, control.port) : (config.nodeUrl ?? nodeUrl(config, port, url)));
  platform.startWorkers();
  await messaging.start();
  dashboardHistory.start(); // after the carriers start, so the first sample has them

  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    publicUrl: origin(),
    store: platform.store,
    events,
    messaging,
    voice,
    video,
    webhooks,
    jobs,
    retention: platform.pruner,
    root: { accountSid: root.sid, authToken: root.auth_token, tokenGenerated: root.generatedToken },
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await dashboardHistory.stop();
        control?.server.closeAllConnections();
        await new Promise((resolve) => (control ? control.server.close(resolve) : resolve(undefined)));
        await voice.stop();
        await speech?.close?.();
        await messaging.stop();
        await video.close();
        await platform.stop();
      })()),
  };
}
