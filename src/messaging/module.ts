import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { JobQueue } from '../jobs/queue.js';
import { Worker } from '../jobs/worker.js';
import type { DialectName } from '../store/db.js';
import type { Database } from '../store/schema.js';
import type { Kysely } from 'kysely';
import { CachedMessagingServices, CachedPhoneNumbers } from '../store/cache/cached-numbers.js';
import { CachedOptOuts } from '../store/cache/cached-opt-outs.js';
import type { LookupCache } from '../store/cache/lookup-cache.js';
import { ApplicationsRepository } from '../store/repositories/applications.js';
import { CarriersRepository } from '../store/repositories/carriers.js';
import { MediaRepository } from '../store/repositories/media.js';
import { MessagePartsRepository } from '../store/repositories/message-parts.js';
import { MessagesRepository } from '../store/repositories/messages.js';
import { MessagingServicesRepository } from '../store/repositories/messaging-services.js';
import { OptOutsRepository } from '../store/repositories/opt-outs.js';
import { PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import { GroupCommitter } from '../store/group-commit.js';
import { transactor } from '../store/transactor.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import type { WebhookLog } from '../webhooks/log.js';
import type { CarrierConfig } from './carriers/config.js';
import { CarrierManager } from './carriers/manager.js';
import { SimulatorCarrier } from './carriers/simulator.js';
import type { CarrierEvents } from './carriers/types.js';
import type { Route } from './router.js';
import { MessageRouter } from './router.js';
import { InboundService } from './inbound.js';
import { INBOUND_QUEUE } from './queues.js';
import { MediaFetcher, type InboundMedia } from './media.js';
import { SendPipeline } from './pipeline.js';
import { MessagesService } from './service.js';
import { MessagingServicesService } from './services.js';
import { VirtualPhones } from './virtual-phones.js';

export interface MessagingOptions {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Numbers, Messaging Services and opt-outs are read through it (store/cache/). */
  lookups: LookupCache;
  clock: Clock;
  events: EventBus;
  jobs: JobQueue;
  webhooks: WebhookDispatcher;
  webhookLog: WebhookLog;
  workerId: string;
  publicUrl: () => string;
  mps: { 'long-code': number; 'toll-free': number; 'short-code': number };
  simulator: { latencyMs: number; failureRate: number };
  mediaMaxBytes: number;
  /** Overall deadline of one message's media download (every URL, redirect and byte). */
  mediaTimeoutMs?: number | undefined;
  /** Media downloads at once on this node. */
  mediaConcurrency?: number | undefined;
  leaseMs: number;
  routes?: Route[];
  /** Carriers from the carriers file; more can be added through the Carriers API. */
  carriers?: CarrierConfig[];
  onError: (err: unknown) => void;
  /** Carrier link trouble worth a log line (rebinds, protocol errors); defaults to onError. */
  onCarrierWarning?: (message: string) => void;
  /** Messages this node moved to sent, per carrier (the messages-sent metric). */
  onSent?: (carrier: string, count: number) => void;
}

/** Messaging's internals wired together; main.ts sees only what this returns. */
export function createMessaging(o: MessagingOptions) {
  const messagesRepo = new MessagesRepository(o.db, o.dialect);
  const numbersRepo = new CachedPhoneNumbers(new PhoneNumbersRepository(o.db), o.lookups);
  const servicesRepo = new CachedMessagingServices(new MessagingServicesRepository(o.db), o.lookups);
  const applicationsRepo = new ApplicationsRepository(o.db);
  const optOutsRepo = new CachedOptOuts(new OptOutsRepository(o.db), o.lookups);
  const mediaRepo = new MediaRepository(o.db);
  const tx = transactor(o.db);
  const mediaTimeoutMs = o.mediaTimeoutMs ?? 15_000;
  const media = new MediaFetcher(mediaRepo, messagesRepo, tx, o.webhookLog, o.clock, {
    maxBytes: o.mediaMaxBytes,
    timeoutMs: mediaTimeoutMs,
    publicUrl: o.publicUrl,
  });
  // Built bottom-up: service <- inbound <- virtual phones <- simulator <- router <- pipeline, so nothing needs a forward reference.
  const service = new MessagesService({
    messages: messagesRepo,
    media: mediaRepo,
    optOuts: optOutsRepo,
    services: servicesRepo,
    numbers: numbersRepo,
    applications: applicationsRepo,
    group: new GroupCommitter(o.db),
    clock: o.clock,
    limits: { mps: o.mps, maxBacklogMs: 10 * 3600_000 },
    queue: o.jobs,
    webhooks: o.webhooks,
  });
  const inbound = new InboundService({
    messages: messagesRepo,
    numbers: numbersRepo,
    applications: applicationsRepo,
    services: servicesRepo,
    optOuts: optOutsRepo,
    jobs: o.jobs,
    tx,
    clock: o.clock,
    events: o.events,
    webhooks: o.webhooks,
    log: o.webhookLog,
    outbound: service,
    media,
  });
  const phones = new VirtualPhones(messagesRepo, numbersRepo, inbound, o.clock);
  const simulator = new SimulatorCarrier(phones, o.simulator);
  const router = new MessageRouter(o.routes ?? [], simulator);
  const carriers = new CarrierManager({
    repo: new CarriersRepository(o.db),
    router,
    clock: o.clock,
    fileCarriers: o.carriers ?? [],
    onWarning: o.onCarrierWarning ?? ((message) => o.onError(new Error(message))),
  });
  const sendPipeline = new SendPipeline({
    messages: messagesRepo,
    parts: new MessagePartsRepository(o.db, o.dialect),
    services: servicesRepo,
    numbers: numbersRepo,
    jobs: o.jobs,
    webhooks: o.webhooks,
    tx,
    clock: o.clock,
    events: o.events,
    router,
    media,
    service,
    deliverInternally: async (m, items) => {
      const copies = items.map((i) => {
        const sid = media.ownMediaSid(i.url);
        return sid ? { ...i, copyOf: { sid, accountSid: m.account_sid } } : i;
      });
      await inbound.receive({ from: m.from_number, to: m.to_number, body: m.body, media: copies, idempotencyKey: m.sid });
    },
    maxBacklogMs: 10 * 3600_000,
    workerId: o.workerId,
    batch: 500,
    leaseMs: o.leaseMs,
    mediaConcurrency: o.mediaConcurrency ?? 8,
    mediaTimeoutMs,
    onError: o.onError,
    ...(o.onSent ? { onSent: o.onSent } : {}),
  });
  const inboundWorker = new Worker(o.jobs, {
    queue: INBOUND_QUEUE,
    workerId: o.workerId,
    batch: 20,
    pollMs: 200,
    leaseMs: 120_000,
    handler: (job) => inbound.handle(job.payload as { sid: string; media: InboundMedia[] }),
    onError: o.onError,
  });

  return {
    service,
    inbound,
    phones,
    services: new MessagingServicesService(servicesRepo, numbersRepo, o.clock),
    router,
    carriers,
    /** Readiness: what has stopped moving (send pipeline, inbound worker) and for how long, in ms. */
    stalled(): { sendPipelineMs: number; inboundWorkerMs: number } {
      return { sendPipelineMs: sendPipeline.stalledMs(), inboundWorkerMs: inboundWorker.stalledMs() };
    },
    async start() {
      // Both settle once stored: an SMPP carrier acknowledges its SMSC only then (and asks for a resend on failure).
      const events: CarrierEvents = {
        report: (r) => sendPipeline.report(r),
        inbound: async (sms) => {
          await inbound.receive({
            from: sms.from,
            to: sms.to,
            body: sms.body,
            media: sms.media,
            idempotencyKey: sms.carrierMessageId ? `${sms.carrier}:${sms.carrierMessageId}` : undefined,
          });
        },
      };
      for (const carrier of router.carriers()) await carrier.start(events);
      await carriers.start(events);
      sendPipeline.start();
      inboundWorker.start();
    },
    async stop() {
      await sendPipeline.stop();
      await inboundWorker.stop();
      await carriers.stop();
      for (const carrier of router.carriers()) await carrier.stop();
      await sendPipeline.flushReports();
    },
  };
}

export type Messaging = ReturnType<typeof createMessaging>;
