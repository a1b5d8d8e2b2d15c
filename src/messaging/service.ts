import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { normalizeNumber } from '../core/phone/e164.js';
import { newOrderedSid } from '../core/sid.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { ApplicationsRepository } from '../store/repositories/applications.js';
import type { MediaMeta, MediaRepository } from '../store/repositories/media.js';
import type { MessageFilter, MessageRow, MessagesRepository } from '../store/repositories/messages.js';
import type { MessagingServiceRow, MessagingServicesRepository } from '../store/repositories/messaging-services.js';
import type { OptOutsRepository } from '../store/repositories/opt-outs.js';
import type { PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { statusCallback } from './callbacks.js';
import { MAGIC_FROM_VALID, checkMagicTo, senderKind, type SenderKind } from './addresses.js';
import { MAX_BODY_LENGTH, countSegments, smartEncode } from './encoding/index.js';
import { CreateBatcher } from './create-batch.js';

export interface CreateMessageInput {
  to?: string | undefined;
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  body?: string | undefined;
  mediaUrls: string[];
  statusCallback?: string | null | undefined;
  applicationSid?: string | undefined;
  validityPeriod?: number | undefined;
  scheduleType?: string | undefined;
  sendAt?: number | undefined;
  smartEncoded?: boolean | undefined;
  /** outbound-api for the REST API, outbound-reply for TwiML replies. */
  direction?: 'outbound-api' | 'outbound-reply';
  /** Opt-out confirmations must reach a recipient who just opted out. */
  skipOptOutCheck?: boolean;
}

export interface MessagingLimits {
  mps: Record<SenderKind, number>;
  maxBacklogMs: number;
}

/** What creating, reading, canceling and deleting messages needs of their rows (the pipeline has its own slice). */
export type MessageStore = Pick<MessagesRepository, 'insertMany' | 'reserveSlots' | 'find' | 'findOwned' | 'list' | 'transition' | 'update' | 'delete'>;
export type MessageMediaStore = Pick<MediaRepository, 'list' | 'findMeta' | 'findContent' | 'delete'>;

/** Each dependency narrowed to what the service calls, so unit tests can hand it small fakes. */
export interface MessagesServiceDeps {
  messages: MessageStore;
  media: MessageMediaStore;
  optOuts: Pick<OptOutsRepository, 'isOptedOut'>;
  services: Pick<MessagingServicesRepository, 'findOwned' | 'senders'>;
  numbers: Pick<PhoneNumbersRepository, 'findByNumber'>;
  applications: Pick<ApplicationsRepository, 'findOwned'>;
  /** Creates arriving together commit together (see store/group-commit.ts). */
  group: Pick<GroupCommitter, 'run'>;
  clock: Clock;
  limits: MessagingLimits;
  /** Announces new sends after their commit, so the send pipeline wakes at once rather than at its next poll. */
  queue: Pick<JobQueue, 'announce' | 'enqueue'>;
  /** A canceled message's status callback, committed with the cancel. */
  webhooks: Pick<WebhookDispatcher, 'job'>;
}

const SCHEDULE_MIN_MS = 900_000;
const SCHEDULE_MAX_MS = 35 * 24 * 3600_000;
/** Statuses from which a message may still be canceled or is still in the pipeline. */
export const PENDING = ['scheduled', 'accepted', 'queued', 'sending'] as const;

export class MessagesService {
  /** Creates arriving together are stored together (see create-batch.ts). */
  private readonly creates: CreateBatcher;

  constructor(private readonly deps: MessagesServiceDeps) {
    this.creates = new CreateBatcher({ messages: deps.messages, group: deps.group, queue: deps.queue, maxBacklogMs: deps.limits.maxBacklogMs });
  }

  /** Validates, then commits the message and its place in the sender's schedule in one transaction. */
  async create(accountSid: string, input: CreateMessageInput): Promise<MessageRow> {
    const { deps } = this;
    if (!input.to) throw errors.toRequired();
    const to = normalizeNumber(input.to);
    if (!to) throw errors.invalidTo(input.to);
    checkMagicTo(to);

    let serviceSid = input.messagingServiceSid;
    let from: string | undefined;
    if (input.from?.startsWith('MG')) serviceSid = input.from;
    else if (input.from) {
      from = normalizeNumber(input.from);
      if (!from) throw errors.invalidFrom(input.from);
    }
    let service: MessagingServiceRow | undefined;
    if (serviceSid) {
      service = await deps.services.findOwned(accountSid, serviceSid);
      if (!service) throw errors.invalidMessagingService(serviceSid);
    }
    if (!from && !service) throw errors.fromRequired();
    // Twilio refuses a number texting itself (21266): an auto-reply app would otherwise answer itself forever.
    if (from === to) throw errors.toEqualsFrom();

    let numberType: string | undefined;
    if (from && from !== MAGIC_FROM_VALID) {
      const owned = await deps.numbers.findByNumber(from);
      if (!owned || owned.account_sid !== accountSid) throw errors.fromNotOwned(from);
      numberType = owned.number_type;
    }

    if (input.mediaUrls.length > 10) throw errors.tooManyMedia();
    for (const url of input.mediaUrls) if (!/^https?:\/\/\S+$/i.test(url)) throw errors.invalidMediaUrl(url);
    let body = input.body ?? '';
    if (body === '' && input.mediaUrls.length === 0) throw errors.bodyRequired();
    if (input.smartEncoded ?? service?.smart_encoding === 1) body = smartEncode(body);
    if ([...body].length > MAX_BODY_LENGTH) throw errors.bodyTooLong();

    const optOutKeys = [from, service?.sid].filter((v): v is string => !!v);
    if (!input.skipOptOutCheck && (await deps.optOuts.isOptedOut(accountSid, optOutKeys, to))) throw errors.unsubscribed();

    const now = deps.clock.now();
    let status = 'queued';
    let runAt = now;
    if (input.scheduleType !== undefined) {
      if (input.scheduleType !== 'fixed') throw errors.invalidParameter('ScheduleType', "must be 'fixed'");
      if (!service) throw errors.scheduleNeedsService();
      if (input.sendAt === undefined) throw errors.sendAtMissing();
      if (input.sendAt - now < SCHEDULE_MIN_MS || input.sendAt - now > SCHEDULE_MAX_MS) throw errors.sendAtOutOfRange();
      status = 'scheduled';
      runAt = input.sendAt;
    } else if (service && !from) {
      if ((await deps.services.senders(service.sid)).length === 0) throw errors.serviceHasNoSenders();
      status = 'accepted';
    }

    const segments = countSegments(body);
    let statusCallback = input.statusCallback ?? service?.status_callback ?? null;
    if (!statusCallback && input.applicationSid) {
      const app = await deps.applications.findOwned(accountSid, input.applicationSid);
      if (!app) throw errors.invalidApplicationSid('ApplicationSid');
      statusCallback = app.message_status_callback ?? app.sms_status_callback;
    }
    const row: MessageRow = {
      sid: newOrderedSid(input.mediaUrls.length ? 'MM' : 'SM', now),
      account_sid: accountSid,
      messaging_service_sid: service?.sid ?? null,
      direction: input.direction ?? 'outbound-api',
      from_number: from ?? '',
      to_number: to,
      body,
      status,
      num_segments: segments.segments,
      num_media: input.mediaUrls.length,
      encoding: segments.encoding,
      error_code: null,
      error_message: null,
      status_callback: statusCallback,
      application_sid: input.applicationSid ?? null,
      validity_period: input.validityPeriod ?? service?.validity_period ?? null,
      send_at: input.sendAt ?? null,
      carrier: null,
      carrier_ids: null,
      media_urls: input.mediaUrls.length ? JSON.stringify(input.mediaUrls) : null,
      run_at: runAt,
      locked_by: null,
      locked_until: null,
      attempts: 0,
      date_created: now,
      date_updated: now,
      date_sent: null,
    };
    await this.creates.write({ row, costMs: this.costMs(row.from_number, numberType, row.num_segments) });
    return row;
  }

  /** How long this message occupies its sender: segments at the sender's MPS. */
  costMs(from: string, numberType: string | undefined, segments: number): number {
    return (segments * 1000) / this.deps.limits.mps[senderKind(from, numberType)];
  }

  async find(accountSid: string, sid: string): Promise<MessageRow> {
    const row = await this.deps.messages.findOwned(accountSid, sid);
    if (!row) throw errors.notFound('Message', sid);
    return row;
  }

  list(accountSid: string, filter: MessageFilter, page: PageQuery): Promise<Page<MessageRow>> {
    return this.deps.messages.list(accountSid, filter, page);
  }

  /** Body="" redacts; Status=canceled cancels a scheduled message. */
  async update(accountSid: string, sid: string, input: { body?: string | undefined; status?: string | undefined }): Promise<MessageRow> {
    const row = await this.find(accountSid, sid);
    const now = this.deps.clock.now();
    if (input.status !== undefined) {
      if (input.status !== 'canceled') throw errors.invalidParameter('Status', "must be 'canceled'");
      const changes = { status: 'canceled', run_at: null, date_updated: now };
      const ok = await this.deps.group.run(async (trx) => {
        const moved = await this.deps.messages.transition(sid, ['scheduled', 'accepted', 'queued'], changes, trx);
        // Twilio posts `canceled` to the StatusCallback like any change after creation.
        if (moved && row.status_callback) {
          await this.deps.queue.enqueue([this.deps.webhooks.job(statusCallback({ ...row, ...changes }, row.status_callback))], trx);
        }
        return moved;
      });
      if (!ok) throw errors.notCancelable();
      return (await this.deps.messages.find(sid))!;
    }
    if (input.body !== undefined) {
      if (input.body !== '') throw errors.invalidParameter('Body', 'can only be set to an empty string (redaction)');
      await this.deps.messages.update(sid, { body: '', date_updated: now });
      return { ...row, body: '', date_updated: now };
    }
    return row;
  }

  async delete(accountSid: string, sid: string): Promise<void> {
    const row = await this.find(accountSid, sid);
    if ((PENDING as readonly string[]).includes(row.status) && row.status !== 'scheduled') throw errors.cannotDeleteInFlight();
    await this.deps.messages.delete(accountSid, sid);
  }

  listMedia(accountSid: string, messageSid: string, page: PageQuery): Promise<Page<MediaMeta>> {
    return this.deps.media.list(accountSid, messageSid, page);
  }

  async findMedia(accountSid: string, messageSid: string, sid: string): Promise<MediaMeta> {
    const m = await this.deps.media.findMeta(accountSid, messageSid, sid);
    if (!m) throw errors.notFound('Media', sid);
    return m;
  }

  async deleteMedia(accountSid: string, messageSid: string, sid: string): Promise<void> {
    if (!(await this.deps.media.delete(accountSid, messageSid, sid))) throw errors.notFound('Media', sid);
  }

  mediaContent(sid: string) {
    return this.deps.media.findContent(sid);
  }
}
