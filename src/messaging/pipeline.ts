import type { Clock } from '../core/clock.js';
import { codes } from '../core/errors.js';
import { ClaimLoop } from '../jobs/loop.js';
import type { EventBus } from '../core/events.js';
import type { JobQueue, NewJob } from '../jobs/queue.js';
import type { MessageChanges, MessageRow, MessagesRepository } from '../store/repositories/messages.js';
import type { MessagePartRow, MessagePartsRepository } from '../store/repositories/message-parts.js';
import type { MessagingServicesRepository } from '../store/repositories/messaging-services.js';
import type { PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import type { Executor, Transactor } from '../store/transactor.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { CALLBACK_STATUSES, statusCallback } from './callbacks.js';
import type { Carrier, DeliveryReport, OutboundSms, SubmitResult } from './carriers/types.js';
import type { MediaFetcher } from './media.js';
import { MediaStage } from './media-stage.js';
import type { MessageRouter } from './router.js';
import { DeliveryReports, type ReportMove, type ReportPartStore } from './reports.js';
import { LoopGuard } from './loop-guard.js';
import type { MessagesService } from './service.js';
import { SEND_QUEUE } from './queues.js';

/** The message rows the pipeline claims and moves, with what its delivery reports read. */
export type PipelineMessageStore = Pick<
  MessagesRepository,
  'claimDue' | 'reserveSlot' | 'transition' | 'transitionMany' | 'transitionEach' | 'transitionManyWithIds' | 'update' | 'find' | 'findMany'
>;

/** Each dependency narrowed to what the pipeline calls, so unit tests can hand it small fakes. */
export interface PipelineDeps {
  messages: PipelineMessageStore;
  parts: ReportPartStore & Pick<MessagePartsRepository, 'insert'>;
  services: Pick<MessagingServicesRepository, 'senders' | 'stickySender' | 'setStickySender'>;
  numbers: Pick<PhoneNumbersRepository, 'ownedNumbersAmong'>;
  jobs: Pick<JobQueue, 'subscribe' | 'enqueue'>;
  webhooks: Pick<WebhookDispatcher, 'job'>;
  tx: Transactor;
  clock: Clock;
  events: Pick<EventBus, 'emit'>;
  router: Pick<MessageRouter, 'choose'>;
  media: Pick<MediaFetcher, 'needsFetch' | 'ensureFetched'>;
  /** Its pacing cost, so a Messaging Service message reserves its slot as a direct one would. */
  service: Pick<MessagesService, 'costMs'>;
  /** Hands a message to an account that owns its To number (idempotent per outbound SID). */
  deliverInternally: (m: MessageRow, media: { url: string; contentType: string }[]) => Promise<void>;
  /** Bounds messages between two numbers of the platform (two auto-responders); Twilio's 14107 rule by default. */
  loopGuard?: Pick<LoopGuard, 'allow'>;
  maxBacklogMs: number;
  workerId: string;
  batch: number;
  leaseMs: number;
  /** MMS media downloads at once on this node (outside the send batch). */
  mediaConcurrency: number;
  /** The overall deadline of one message's media download (the fetcher enforces it; claims are held this long). */
  mediaTimeoutMs: number;
  onError: (err: unknown) => void;
  /** Messages this node moved to sent, per carrier, once committed (a metric: which node did the sending). */
  onSent?: (carrier: string, count: number) => void;
}

const RETRY_LIMIT = 12;
const RELEASE = { locked_by: null, locked_until: null };
/** Twilio's default validity period: how long a message may wait for a carrier that refuses or is down. */
const DEFAULT_VALIDITY_S = 36_000;

/**
 * The send pipeline. Messages are their own work items: a row with `run_at` set is due work, claimed under
 * a lease. Every status change is a conditional UPDATE (so statuses only move forward) committed together
 * with its status-callback job.
 */
export class SendPipeline {
  private readonly loop: ClaimLoop;
  private readonly reports: DeliveryReports;
  private readonly stage: MediaStage;
  private readonly loopGuard: Pick<LoopGuard, 'allow'>;

  constructor(private readonly d: PipelineDeps) {
    this.loopGuard = d.loopGuard ?? new LoopGuard();
    // Idle polling finds paced (future) work and other nodes' expired claims; 50 ms keeps sends near their slot.
    this.loop = new ClaimLoop(
      async () => {
        const rows = await d.messages.claimDue(d.workerId, d.batch, d.clock.now(), d.leaseMs);
        if (rows.length) await this.process(rows);
        return rows.length;
      },
      { batch: d.batch, pollMs: 50, onError: d.onError },
    );
    d.jobs.subscribe(SEND_QUEUE, () => this.loop.kick());
    this.stage = new MediaStage({
      fetch: (m) => d.media.ensureFetched(m),
      concurrency: d.mediaConcurrency,
      onError: d.onError,
      hold: (m) => d.messages.update(m.sid, { locked_until: d.clock.now() + d.mediaTimeoutMs + d.leaseMs }),
      // Back to the pipeline as due work; the download did not use up a send attempt.
      fetched: async (m) => {
        await d.messages.update(m.sid, { run_at: d.clock.now(), attempts: Math.max(0, m.attempts - 1), ...RELEASE });
        this.kick();
      },
      failed: (m, code, text) => this.fail(m, code, text),
      retry: async (m, err) => {
        if (m.attempts >= RETRY_LIMIT) await this.fail(m, codes.unknownDeliveryError, `Unknown error: ${String(err)}`);
        else await d.messages.update(m.sid, { run_at: d.clock.now() + 2000, ...RELEASE });
      },
    });
    this.reports = new DeliveryReports({
      messages: d.messages,
      parts: d.parts,
      tx: d.tx,
      now: () => d.clock.now(),
      move: (m, from, changes, trx, callbacks) => this.move(m, from, changes, trx, callbacks),
      moveEach: (moves, from, trx, callbacks) => this.moveEach(moves, from, trx, callbacks),
      enqueue: (callbacks, trx) => d.jobs.enqueue(callbacks, trx),
      onError: d.onError,
    });
  }

  start(): void {
    this.loop.start();
  }

  private kick(): void {
    this.loop.kick();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.stage.stop();
    await this.reports.flush();
  }

  /** How long the send loop has gone without completing a step (readiness: `/healthz`). */
  stalledMs(): number {
    return this.loop.stalledMs();
  }

  /** Delivery reports from carriers, applied in batches; settles once stored (see reports.ts). */
  report(report: DeliveryReport): Promise<void> {
    return this.reports.add(report);
  }

  /** Final flush at shutdown, after the carriers stopped: reports still unmatched are refused. */
  flushReports(): Promise<void> {
    return this.reports.stop();
  }

  private async process(rows: MessageRow[]): Promise<void> {
    let toSend: MessageRow[] = [];
    try {
      toSend = await this.prepare(rows);
    } catch (err) {
      if (rows.length === 1) throw err;
      // One message the store refuses must not hold the batch: each goes on its own (the rest are batched).
      this.d.onError(err);
      for (const m of rows) {
        try {
          toSend.push(...(await this.prepare([m])));
        } catch (e) {
          this.d.onError(e);
        }
      }
    }
    if (toSend.length) await this.send(toSend);
  }

  /** Status moves before sending, in one transaction; returns the messages to send now. */
  private async prepare(rows: MessageRow[]): Promise<MessageRow[]> {
    const now = this.d.clock.now();
    const toSend: MessageRow[] = [];
    const callbacks: NewJob[] = [];
    await this.d.tx.transaction(async (trx) => {
      const starting: MessageRow[] = [];
      for (const m of rows) {
        if (m.status === 'scheduled' || m.status === 'accepted') {
          await this.assignSender(m, now, trx, callbacks);
        } else if (m.status === 'queued') {
          if (m.validity_period && now > m.date_created + m.validity_period * 1000) {
            await this.move(
              m,
              ['queued'],
              {
                status: 'failed',
                error_code: codes.validityPeriodExpired,
                error_message: 'Validity Period Expired',
                run_at: null,
                locked_by: null,
                locked_until: null,
              },
              trx,
              callbacks,
            );
          } else {
            starting.push(m);
          }
        } else if (m.status === 'sending') {
          toSend.push(m); // a retry, or work a dead node left behind when its lease ran out
        } else {
          await this.d.messages.update(m.sid, { run_at: null, locked_by: null, locked_until: null }, trx);
        }
      }
      // One statement for the whole batch: queued -> sending is the same change for every message.
      const sending = { status: 'sending', date_updated: now };
      const moved = await this.d.messages.transitionMany(
        starting.map((m) => m.sid),
        ['queued'],
        sending,
        trx,
      );
      for (const m of starting) {
        if (!moved.has(m.sid)) continue;
        this.moved(m, sending, callbacks);
        toSend.push({ ...m, status: 'sending' });
      }
      await this.d.jobs.enqueue(callbacks, trx);
    });
    return toSend;
  }

  /** Messaging Service messages get their sender now: the recipient's sticky sender, else one from the pool. */
  private async assignSender(m: MessageRow, now: number, trx: Executor, callbacks: NewJob[]): Promise<void> {
    const serviceSid = m.messaging_service_sid!;
    const pool = await this.d.services.senders(serviceSid, trx);
    const release = { locked_by: null, locked_until: null };
    if (pool.length === 0) {
      await this.move(
        m,
        ['scheduled', 'accepted'],
        { status: 'failed', error_code: codes.serviceHasNoSenders, error_message: 'Messaging Service has no senders', run_at: null, ...release },
        trx,
        callbacks,
      );
      return;
    }
    const sticky = await this.d.services.stickySender(serviceSid, m.to_number, trx);
    const sender = pool.find((n) => n.phone_number === sticky) ?? pool[hash(m.to_number) % pool.length]!;
    if (sender.phone_number !== sticky) await this.d.services.setStickySender(serviceSid, m.to_number, sender.phone_number, trx);
    const cost = this.d.service.costMs(sender.phone_number, sender.number_type, m.num_segments);
    const slot = await this.d.messages.reserveSlot(sender.phone_number, now, cost, this.d.maxBacklogMs, trx);
    if (slot === undefined) {
      await this.move(
        m,
        ['scheduled', 'accepted'],
        { status: 'failed', error_code: codes.senderQueueFull, error_message: 'Sender queue full', run_at: null, ...release },
        trx,
        callbacks,
      );
      return;
    }
    await this.move(
      m,
      ['scheduled', 'accepted'],
      { status: 'queued', from_number: sender.phone_number, run_at: slot, date_updated: now, ...release },
      trx,
      callbacks,
    );
  }

  private async send(claimed: MessageRow[]): Promise<void> {
    // Media still to download is slow work: it goes to the media stage and never holds this batch.
    const batch: MessageRow[] = [];
    for (const m of claimed) {
      if (!this.d.media.needsFetch(m)) {
        batch.push(m);
        continue;
      }
      if (this.stage.take(m)) continue;
      try {
        // The stage is full: the message waits in the database (its claim released), not in memory.
        await this.d.messages.update(m.sid, { run_at: this.d.clock.now() + 1000, attempts: Math.max(0, m.attempts - 1), ...RELEASE });
      } catch (err) {
        this.d.onError(err);
      }
    }
    if (batch.length === 0) return;
    const owned = await this.d.numbers.ownedNumbersAmong([...new Set(batch.map((m) => m.to_number))]);
    const results = new Map<string, SubmitResult>();
    const byCarrier = new Map<string, { carrier: Carrier; items: OutboundSms[] }>();
    for (const m of batch) {
      try {
        await this.route(m, owned, results, byCarrier);
      } catch (err) {
        // One message's exception retries that message only.
        this.d.onError(err);
        results.set(m.sid, { kind: 'retry', delayMs: 2000, reason: String(err) });
      }
    }
    await Promise.all(
      [...byCarrier.values()].map(async ({ carrier, items }) => {
        let out: SubmitResult[];
        try {
          out = await carrier.submit(items);
        } catch (err) {
          out = items.map(() => ({ kind: 'retry', delayMs: 2000, reason: String(err) }));
        }
        items.forEach((item, i) => {
          results.set(item.sid, out[i] ?? { kind: 'retry', delayMs: 2000, reason: 'no result from carrier' });
        });
      }),
    );
    try {
      await this.applyResults(batch, results, byCarrier);
    } catch (err) {
      if (batch.length === 1) throw err;
      this.d.onError(err);
      for (const m of batch) {
        try {
          await this.applyResults([m], results, byCarrier);
        } catch (e) {
          this.d.onError(e);
        }
      }
    }
  }

  /** Where one message goes: a result now (failed, retry, delivered internally) or a carrier's submit list. */
  private async route(
    m: MessageRow,
    owned: Set<string>,
    results: Map<string, SubmitResult>,
    byCarrier: Map<string, { carrier: Carrier; items: OutboundSms[] }>,
  ): Promise<void> {
    const media = await this.d.media.ensureFetched(m); // stored media only: listed, not downloaded
    if (media.kind === 'failed') {
      results.set(m.sid, { kind: 'failed', errorCode: media.errorCode, errorMessage: media.message });
      return;
    }
    const route = this.d.router.choose(m.from_number, m.to_number, owned.has(m.to_number));
    if (route.kind === 'none') {
      results.set(m.sid, { kind: 'retry', delayMs: 5000, reason: 'no route up', free: true });
      return;
    }
    if (route.kind === 'internal') {
      if (!this.loopGuard.allow(m.from_number, m.to_number, this.d.clock.now())) {
        const text = 'SMS send rate limit exceeded: more than 30 messages between these two numbers, each within 30 seconds of the last (a reply loop?)';
        results.set(m.sid, { kind: 'failed', errorCode: codes.sendRateLimit, errorMessage: text });
        return;
      }
      await this.d.deliverInternally(m, media.items);
      results.set(m.sid, { kind: 'submitted', carrierIds: [m.sid] });
      this.report({ carrier: 'internal', messageSid: m.sid, status: 'delivered' });
      return;
    }
    const entry = byCarrier.get(route.carrier.name) ?? { carrier: route.carrier, items: [] };
    entry.items.push({
      sid: m.sid,
      accountSid: m.account_sid,
      from: m.from_number,
      to: m.to_number,
      body: m.body,
      encoding: m.encoding as OutboundSms['encoding'],
      segments: m.num_segments,
      media: media.items,
    });
    byCarrier.set(route.carrier.name, entry);
  }

  /** A message whose media could not be fetched fails with Twilio's code (12300, 11751), with its callback. */
  private async fail(m: MessageRow, errorCode: number, errorMessage: string): Promise<void> {
    const callbacks: NewJob[] = [];
    const now = this.d.clock.now();
    await this.d.tx.transaction(async (trx) => {
      await this.move(
        m,
        ['sending'],
        { status: 'failed', error_code: errorCode, error_message: errorMessage, date_updated: now, run_at: null, ...RELEASE },
        trx,
        callbacks,
      );
      await this.d.jobs.enqueue(callbacks, trx);
    });
  }

  private async applyResults(
    batch: MessageRow[],
    results: Map<string, SubmitResult>,
    byCarrier: Map<string, { carrier: { name: string }; items: OutboundSms[] }>,
  ): Promise<void> {
    const carrierOf = new Map<string, string>();
    for (const { carrier, items } of byCarrier.values()) for (const i of items) carrierOf.set(i.sid, carrier.name);
    const now = this.d.clock.now();
    const callbacks: NewJob[] = [];
    const parts: MessagePartRow[] = [];
    // Counted inside the transaction (cleared if it is retried), reported once it has committed.
    const sentCounts = new Map<string, number>();
    const release = { locked_by: null, locked_until: null };
    await this.d.tx.transaction(async (trx) => {
      const sent = new Map<string, { m: MessageRow; carrierIds: string[] }[]>();
      for (const m of batch) {
        const r = results.get(m.sid)!;
        const expired = now > m.date_created + (m.validity_period ?? DEFAULT_VALIDITY_S) * 1000;
        if (r.kind === 'submitted') {
          const carrier = carrierOf.get(m.sid) ?? 'internal';
          const group = sent.get(carrier) ?? [];
          group.push({ m, carrierIds: r.carrierIds });
          sent.set(carrier, group);
        } else if (r.kind === 'retry' && r.free && !expired) {
          // The carrier refused or never saw it (throttling, pacing, no bind): slower, but no attempt used up.
          await this.d.messages.update(m.sid, { run_at: now + r.delayMs, attempts: Math.max(0, m.attempts - 1), ...release }, trx);
        } else if (r.kind === 'failed' || m.attempts >= RETRY_LIMIT || expired) {
          const code = r.kind === 'failed' ? r.errorCode : expired ? codes.validityPeriodExpired : codes.unknownDeliveryError;
          const text = r.kind === 'failed' ? r.errorMessage : expired ? `Validity Period Expired: ${r.reason}` : `Unknown error: ${r.reason}`;
          await this.move(
            m,
            ['sending'],
            { status: 'failed', error_code: code, error_message: text, date_updated: now, run_at: null, ...release },
            trx,
            callbacks,
          );
        } else {
          await this.d.messages.update(m.sid, { run_at: now + r.delayMs, ...release }, trx);
        }
      }
      // sending -> sent in one statement per carrier; carrier_ids differ per message (CASE on the SID).
      sentCounts.clear();
      for (const [carrier, items] of sent) {
        const changes = { status: 'sent', date_sent: now, date_updated: now, carrier, run_at: null, ...release };
        const moved = await this.d.messages.transitionManyWithIds(
          items.map((i) => ({ sid: i.m.sid, carrierIds: JSON.stringify(i.carrierIds) })),
          ['sending'],
          changes,
          trx,
        );
        for (const { m, carrierIds } of items) {
          if (!moved.has(m.sid)) continue;
          sentCounts.set(carrier, (sentCounts.get(carrier) ?? 0) + 1);
          this.moved(m, { ...changes, carrier_ids: JSON.stringify(carrierIds) }, callbacks);
          // Carriers that report by their own ids get one row per part: receipts find the message through it.
          if (carrierIds.length === 1 && carrierIds[0] === m.sid) continue;
          carrierIds.forEach((id, i) => {
            parts.push({
              carrier,
              carrier_id: id,
              message_sid: m.sid,
              seq: i + 1,
              total: carrierIds.length,
              status: 'sent',
              error_code: null,
              date_updated: now,
            });
          });
        }
      }
      await this.d.parts.insert(parts, trx);
      await this.d.jobs.enqueue(callbacks, trx);
    });
    for (const [carrier, n] of sentCounts) this.d.onSent?.(carrier, n);
    this.reports.retryWaitingSoon();
  }

  /** A conditional status change plus, when it happened, its status callback in the same transaction. */
  private async move(m: MessageRow, from: readonly string[], changes: MessageChanges, trx: Executor, callbacks: NewJob[]): Promise<boolean> {
    const ok = await this.d.messages.transition(m.sid, from, changes, trx);
    if (ok) this.moved(m, changes, callbacks);
    return ok;
  }

  /**
   * `move` for several messages in one go (delivery reports). Only a message's first change can apply, as
   * each is conditional on the same statuses; a later one for the same message would find it moved.
   */
  private async moveEach(moves: ReportMove[], from: readonly string[], trx: Executor, callbacks: NewJob[]): Promise<void> {
    const first = new Map<string, ReportMove>();
    for (const move of moves) if (!first.has(move.m.sid)) first.set(move.m.sid, move);
    const items = [...first.values()];
    const moved = await this.d.messages.transitionEach(
      items.map((i) => ({ sid: i.m.sid, changes: i.changes })),
      from,
      trx,
    );
    for (const i of items) if (moved.has(i.m.sid)) this.moved(i.m, i.changes, callbacks);
  }

  /** What follows a status change that happened: its status callback (same transaction) when Twilio sends one, and the event. */
  private moved(m: MessageRow, changes: MessageChanges, callbacks: NewJob[]): void {
    const next = { ...m, ...changes } as MessageRow;
    if (next.status_callback && CALLBACK_STATUSES.has(next.status)) callbacks.push(this.d.webhooks.job(statusCallback(next, next.status_callback)));
    this.d.events.emit('message.status', { accountSid: m.account_sid, sid: m.sid, status: next.status, direction: m.direction });
  }
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}
