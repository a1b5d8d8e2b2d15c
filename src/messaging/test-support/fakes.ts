/**
 * Recording fakes of what messaging's services call outside the store (job queue, webhooks, events, carrier,
 * router, media, the outbound service), each typed against the slice the services declare.
 */
import type { DomainEvents, EventBus } from '../../core/events.js';
import type { JobQueue, NewJob } from '../../jobs/queue.js';
import type { MessageRow } from '../../store/repositories/messages.js';
import type { Restorable } from '../../store/test-support/memory.js';
import { messageRow, sid } from '../../store/test-support/rows.js';
import type { Executor } from '../../store/transactor.js';
import type { WebhookCall, WebhookDispatcher, WebhookResult } from '../../webhooks/dispatcher.js';
import type { WebhookLog } from '../../webhooks/log.js';
import type { Carrier, OutboundSms, SubmitResult } from '../carriers/types.js';
import type { FetchOutcome, InboundMedia, MediaFetcher } from '../media.js';
import type { RouteChoice, MessageRouter } from '../router.js';
import type { CreateMessageInput, MessagesService } from '../service.js';

/** Jobs enqueued (rolled back with a failed transaction) and queues announced. */
export class RecordingJobs implements Pick<JobQueue, 'subscribe' | 'enqueue' | 'announce'>, Restorable {
  jobs: NewJob[] = [];
  readonly announced: Array<{ queue: string; executor: Executor | undefined }> = [];
  readonly listeners = new Map<string, () => void>();

  snapshot(): () => void {
    const jobs = [...this.jobs];
    return () => {
      this.jobs = jobs;
    };
  }

  subscribe(queue: string, listener: () => void): void {
    this.listeners.set(queue, listener);
  }

  announce(queue: string, executor?: Executor): void {
    this.announced.push({ queue, executor });
  }

  async enqueue(jobs: NewJob[]): Promise<void> {
    this.jobs.push(...jobs);
  }

  /** The status callbacks enqueued, in order, as `<MessageSid>:<MessageStatus>[:<ErrorCode>]`. */
  callbacks(): string[] {
    return this.jobs
      .map((j) => j.payload)
      .filter(isWebhookCall)
      .map((c) => [c.params['MessageSid'], c.params['MessageStatus'], c.params['ErrorCode']].filter((p) => p !== undefined).join(':'));
  }
}

function isWebhookCall(payload: unknown): payload is WebhookCall {
  return typeof payload === 'object' && payload !== null && 'primary' in payload && 'params' in payload;
}

/** The dispatcher's job(): a webhook-queue job carrying the call. */
export const webhookJobs: Pick<WebhookDispatcher, 'job'> = {
  job: (call) => ({ queue: 'webhook', payload: call, maxAttempts: 4 }),
};

/** Webhook requests made now (TwiML fetches), answered from a script in order. */
export class ScriptedWebhooks implements Pick<WebhookDispatcher, 'request'> {
  readonly requests: WebhookCall[] = [];

  constructor(private readonly answers: Array<Partial<WebhookResult>> = []) {}

  async request(call: WebhookCall): Promise<WebhookResult> {
    this.requests.push(call);
    const answer = this.answers.shift() ?? {};
    return { ok: true, status: 200, contentType: 'text/xml', body: '', target: call.primary, alertCode: null, webhookRequestSid: 'WR1', ...answer };
  }
}

export class RecordingAlerts implements Pick<WebhookLog, 'raise'> {
  readonly raised: Array<Parameters<WebhookLog['raise']>[0]> = [];

  async raise(input: Parameters<WebhookLog['raise']>[0]): ReturnType<WebhookLog['raise']> {
    this.raised.push(input);
    return {
      sid: 'NO1',
      account_sid: input.accountSid,
      resource_sid: input.resourceSid ?? null,
      error_code: 0,
      log_level: 'error',
      alert_text: input.detail ?? '',
      request_url: input.requestUrl ?? null,
      request_method: input.requestMethod ?? null,
      webhook_request_sid: null,
      date_created: 0,
    };
  }
}

export class RecordingEvents implements Pick<EventBus, 'emit'> {
  readonly emitted: string[] = [];

  emit<K extends keyof DomainEvents>(name: K, event: DomainEvents[K]): void {
    this.emitted.push('status' in event ? `${name}:${event.status}` : name);
  }
}

/** A carrier that answers each submit from `answer` (default: accepted as one part) and records what it got. */
export class FakeCarrier implements Carrier {
  readonly submitted: OutboundSms[] = [];

  constructor(
    readonly name = 'fake',
    private readonly answer: (sms: OutboundSms) => SubmitResult = (sms) => ({ kind: 'submitted', carrierIds: [`C-${sms.sid}`] }),
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  health(): { up: boolean; detail: string } {
    return { up: true, detail: 'ok' };
  }

  async submit(batch: readonly OutboundSms[]): Promise<SubmitResult[]> {
    this.submitted.push(...batch);
    return batch.map((sms) => this.answer(sms));
  }
}

/** Numbers some account owns go internal, everything else to the one carrier. */
export function routerTo(carrier: Carrier): Pick<MessageRouter, 'choose'> {
  return { choose: (_from, _to, ownedTo): RouteChoice => (ownedTo ? { kind: 'internal' } : { kind: 'carrier', carrier }) };
}

/** Media already stored unless a message is listed in `fail` (or `throwFor`, which makes the store throw). */
export class FakeMedia implements Pick<MediaFetcher, 'needsFetch' | 'ensureFetched' | 'storeInbound'> {
  readonly fail = new Map<string, { errorCode: number; message: string }>();
  readonly throwFor = new Set<string>();
  readonly stored: Array<{ messageSid: string; items: InboundMedia[] }> = [];

  needsFetch(m: MessageRow): boolean {
    return m.num_media > 0 && m.media_urls !== null;
  }

  async ensureFetched(m: MessageRow): Promise<FetchOutcome> {
    if (this.throwFor.has(m.sid)) throw new Error(`media store failed for ${m.sid}`);
    const failure = this.fail.get(m.sid);
    if (failure) return { kind: 'failed', ...failure };
    return { kind: 'ok', items: m.num_media ? [{ url: `https://media.test/${m.sid}`, contentType: 'image/png' }] : [] };
  }

  async storeInbound(_accountSid: string, messageSid: string, items: InboundMedia[]): Promise<{ url: string; contentType: string }[]> {
    this.stored.push({ messageSid, items });
    return items.map((i, n) => ({ url: `https://media.test/${messageSid}/${n}`, contentType: i.contentType }));
  }
}

/** Messaging's create as other services see it: records each input, answers with a queued message or `fail`. */
export class RecordingOutbound implements Pick<MessagesService, 'create'> {
  readonly created: Array<{ accountSid: string; input: CreateMessageInput }> = [];
  fail: Error | undefined;

  async create(accountSid: string, input: CreateMessageInput): Promise<MessageRow> {
    this.created.push({ accountSid, input });
    if (this.fail) throw this.fail;
    return messageRow({ sid: sid('SM', this.created.length), account_sid: accountSid, to_number: input.to ?? '', body: input.body ?? '' });
  }
}
