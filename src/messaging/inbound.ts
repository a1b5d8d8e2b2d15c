import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { ALERTS, ApiError, codes, type AlertKind } from '../core/errors.js';
import type { EventBus } from '../core/events.js';
import { newOrderedSid } from '../core/sid.js';
import type { JobOutcome, JobQueue } from '../jobs/queue.js';
import type { ApplicationsRepository } from '../store/repositories/applications.js';
import type { MessageRow, MessagesRepository } from '../store/repositories/messages.js';
import type { MessagingServicesRepository } from '../store/repositories/messaging-services.js';
import type { OptOutsRepository } from '../store/repositories/opt-outs.js';
import type { PhoneNumberRow, PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import type { Transactor } from '../store/transactor.js';
import { parseTwiml, type MessagingVerb } from '../twiml/index.js';
import { smsCookieJar } from '../webhooks/cookies.js';
import type { WebhookCall, WebhookDispatcher, WebhookResult, WebhookTarget } from '../webhooks/dispatcher.js';
import type { WebhookLog } from '../webhooks/log.js';
import { inboundParams } from './callbacks.js';
import { countSegments } from './encoding/index.js';
import type { InboundMedia, MediaFetcher } from './media.js';
import { REPLIES, matchKeyword } from './optout.js';
import type { MessagesService } from './service.js';
import { INBOUND_QUEUE } from './queues.js';

const MAX_REDIRECTS = 10;

/**
 * Hands a message to the account that owns its To number, as if a carrier had delivered it: what virtual
 * phones and account-to-account sends need of inbound, and nothing more.
 */
export interface InternalDelivery {
  receive(sms: IncomingSms): Promise<MessageRow | undefined>;
}

export interface IncomingSms {
  from: string;
  to: string;
  body: string;
  media: InboundMedia[];
  /** Makes a redelivered message (after a crash, or a carrier's retry) land once: same key, same SID. */
  idempotencyKey?: string;
}

/** Each dependency narrowed to what inbound calls, so unit tests can hand it small fakes. */
export interface InboundDeps {
  messages: Pick<MessagesRepository, 'find' | 'insert'>;
  numbers: Pick<PhoneNumbersRepository, 'findByNumber'>;
  applications: Pick<ApplicationsRepository, 'findOwned'>;
  services: Pick<MessagingServicesRepository, 'findOwned'>;
  optOuts: Pick<OptOutsRepository, 'add' | 'remove'>;
  jobs: Pick<JobQueue, 'enqueue'>;
  tx: Transactor;
  clock: Clock;
  events: Pick<EventBus, 'emit'>;
  webhooks: Pick<WebhookDispatcher, 'request'>;
  log: Pick<WebhookLog, 'raise'>;
  /** Replies (opt-out confirmations, TwiML <Message>) go out as ordinary outbound messages. */
  outbound: Pick<MessagesService, 'create'>;
  media: Pick<MediaFetcher, 'storeInbound'>;
}

/**
 * Messages arriving at a number an account owns: recorded, opt-out keywords honoured, then handed to the
 * number's SmsUrl (or its Application, or its Messaging Service) and the TwiML answer carried out.
 */
export class InboundService implements InternalDelivery {
  constructor(private readonly d: InboundDeps) {}

  /** Records an inbound message; returns undefined when no account owns the To number. */
  async receive(sms: IncomingSms): Promise<MessageRow | undefined> {
    const owner = await this.d.numbers.findByNumber(sms.to);
    if (!owner) return undefined;
    const now = this.d.clock.now();
    const sid = sms.idempotencyKey ? derivedSid(sms.idempotencyKey, sms.media.length > 0) : newOrderedSid(sms.media.length ? 'MM' : 'SM', now);
    const existing = await this.d.messages.find(sid);
    if (existing) return existing;
    const row: MessageRow = {
      sid,
      account_sid: owner.account_sid,
      messaging_service_sid: owner.messaging_service_sid,
      direction: 'inbound',
      from_number: sms.from,
      to_number: sms.to,
      body: sms.body,
      status: 'received',
      num_segments: countSegments(sms.body).segments,
      num_media: sms.media.length,
      encoding: countSegments(sms.body).encoding,
      error_code: null,
      error_message: null,
      status_callback: null,
      application_sid: owner.sms_application_sid,
      validity_period: null,
      send_at: null,
      carrier: null,
      carrier_ids: null,
      media_urls: null,
      run_at: null,
      locked_by: null,
      locked_until: null,
      attempts: 0,
      date_created: now,
      date_updated: now,
      date_sent: now,
    };
    const keyword = matchKeyword(sms.body);
    const optOutSender = owner.messaging_service_sid ?? owner.phone_number;
    await this.d.tx.transaction(async (trx) => {
      await this.d.messages.insert(row, trx);
      if (keyword === 'stop') await this.d.optOuts.add(owner.account_sid, optOutSender, sms.from, now, trx);
      if (keyword === 'start') await this.d.optOuts.remove(owner.account_sid, optOutSender, sms.from, trx);
      await this.d.jobs.enqueue([{ queue: INBOUND_QUEUE, payload: { sid, media: sms.media }, maxAttempts: 3 }], trx);
    });
    this.d.events.emit('message.status', { accountSid: row.account_sid, sid, status: 'received', direction: 'inbound' });
    if (keyword) {
      await this.d.outbound
        .create(owner.account_sid, {
          to: sms.from,
          from: owner.phone_number,
          body: REPLIES[keyword],
          mediaUrls: [],
          direction: 'outbound-reply',
          skipOptOutCheck: true,
        })
        .catch(() => undefined);
    }
    return row;
  }

  /** Job handler: fetch the app's TwiML for an inbound message and carry it out. */
  async handle(payload: { sid: string; media: InboundMedia[] }): Promise<JobOutcome> {
    const m = await this.d.messages.find(payload.sid);
    if (!m) return { kind: 'done' };
    const owner = await this.d.numbers.findByNumber(m.to_number);
    if (!owner) return { kind: 'done' };
    const target = await this.webhookFor(owner);
    if (!target) return { kind: 'done' };
    const media = payload.media.length ? await this.d.media.storeInbound(m.account_sid, m.sid, payload.media) : [];
    const params = inboundParams(m, media);
    let call: WebhookCall = {
      accountSid: m.account_sid,
      resourceSid: m.sid,
      purpose: 'sms-inbound',
      primary: target.primary,
      fallback: target.fallback,
      params,
      cookieJar: smsCookieJar(m.to_number, m.from_number),
    };
    // Each hop is a document: the number's, a <Redirect>'s or a <Message action>'s.
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const result = await this.d.webhooks.request(call);
      if (!result.ok) return { kind: 'done' };
      const next = await this.execute(m, result, call);
      if (!next) return { kind: 'done' };
      call = next;
    }
    await this.alert(m, 'tooManyRedirects', `more than ${MAX_REDIRECTS} redirects`, call.primary.url);
    return { kind: 'done' };
  }

  private async webhookFor(n: PhoneNumberRow): Promise<{ primary: WebhookTarget; fallback: WebhookTarget | null } | undefined> {
    const pick = (url: string | null, method: string, fbUrl: string | null, fbMethod: string) =>
      url ? { primary: { url, method: asMethod(method) }, fallback: fbUrl ? { url: fbUrl, method: asMethod(fbMethod) } : null } : undefined;
    if (n.sms_application_sid) {
      const app = await this.d.applications.findOwned(n.account_sid, n.sms_application_sid);
      if (app) return pick(app.sms_url, app.sms_method, app.sms_fallback_url, app.sms_fallback_method);
    }
    if (n.messaging_service_sid) {
      const svc = await this.d.services.findOwned(n.account_sid, n.messaging_service_sid);
      if (svc && !(svc.use_inbound_webhook_on_number && n.sms_url)) {
        return pick(svc.inbound_request_url, svc.inbound_method, svc.fallback_url, svc.fallback_method);
      }
    }
    return pick(n.sms_url, n.sms_method, n.sms_fallback_url, n.sms_fallback_method);
  }

  /**
   * Runs a TwiML answer; returns the request for the next document when a <Redirect> or a <Message action>
   * ends it (the verbs after either never run).
   */
  private async execute(m: MessageRow, result: WebhookResult, call: WebhookCall): Promise<WebhookCall | undefined> {
    const body = result.body.trim();
    if (body === '') return undefined;
    if (result.contentType && !/xml|html|text\/plain/i.test(result.contentType)) {
      await this.alert(m, 'invalidContentType', `${result.contentType} is not TwiML`, result.target.url);
      return undefined;
    }
    const parsed = parseTwiml(body, { dialect: 'messaging' });
    if (!parsed.ok) {
      await this.alert(
        m,
        parsed.alert.code === ALERTS.documentParseFailure.code ? 'documentParseFailure' : 'unsupportedVerb',
        parsed.alert.message,
        result.target.url,
      );
      return undefined;
    }
    for (const verb of parsed.verbs as MessagingVerb[]) {
      if (verb.verb === 'Redirect') {
        return { ...call, primary: { url: new URL(verb.url, result.target.url).toString(), method: verb.method }, fallback: null };
      }
      let reply: MessageRow | undefined;
      try {
        reply = await this.d.outbound.create(m.account_sid, {
          to: verb.to ?? m.from_number,
          from: verb.from ?? m.to_number,
          body: verb.body,
          mediaUrls: verb.media.map((u) => new URL(u, result.target.url).toString()),
          statusCallback: verb.statusCallback ? new URL(verb.statusCallback, result.target.url).toString() : undefined,
          direction: 'outbound-reply',
        });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        await this.alert(m, replyAlert(err.code), err.message, result.target.url);
      }
      if (verb.action) return actionCall(call, new URL(verb.action, result.target.url).toString(), verb.method, reply);
    }
    return undefined;
  }

  private async alert(m: MessageRow, kind: AlertKind, detail: string, url: string): Promise<void> {
    await this.d.log.raise({ accountSid: m.account_sid, kind, detail, resourceSid: m.sid, requestUrl: url });
  }
}

function replyAlert(code: number): AlertKind {
  if (code === codes.invalidTo || code === codes.toRequired || code === codes.toEqualsFrom || code === codes.unsubscribedRecipient || code === codes.notMobile)
    return 'messageToInvalid';
  if (code === codes.invalidFrom || code === codes.fromNotOwned || code === codes.fromRequired) return 'messageFromInvalid';
  if (code === codes.bodyRequired || code === codes.bodyTooLong) return 'messageBodyInvalid';
  return 'messageVerbFailed';
}

/**
 * The request to a <Message action>: the inbound request's parameters with the reply's MessageSid and
 * MessageStatus (and their Sms* twins); `invalid` when the reply could not be created. Its TwiML carries the
 * session on. https://www.twilio.com/docs/messaging/twiml/message (attribute `action`)
 */
function actionCall(call: WebhookCall, url: string, method: 'GET' | 'POST', reply: MessageRow | undefined): WebhookCall {
  const params = { ...call.params };
  for (const k of ['MessageSid', 'SmsSid', 'SmsMessageSid']) {
    if (reply) params[k] = reply.sid;
    else delete params[k];
  }
  for (const k of ['MessageStatus', 'SmsStatus']) params[k] = reply ? reply.status : 'invalid';
  return { ...call, purpose: 'sms-action', primary: { url, method }, fallback: null, params };
}

function asMethod(m: string): 'GET' | 'POST' {
  return m.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

function derivedSid(key: string, mms: boolean): string {
  return (
    (mms ? 'MM' : 'SM') +
    createHash('sha256')
      .update('inbound:' + key)
      .digest('hex')
      .slice(0, 32)
  );
}
