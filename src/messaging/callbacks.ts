import { geoParams } from '../core/phone/geo.js';
import type { MessageRow } from '../store/repositories/messages.js';
import type { WebhookCall } from '../webhooks/dispatcher.js';

/**
 * The statuses a change to which is posted to StatusCallback. Twilio posts no callback for a message's initial
 * status (queued, accepted or scheduled at create) nor for the internal `sending` step: queued (a Messaging
 * Service's accepted or scheduled message given its sender), canceled, sent, failed, delivered, undelivered.
 * https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks
 */
export const CALLBACK_STATUSES: ReadonlySet<string> = new Set(['queued', 'canceled', 'sent', 'failed', 'delivered', 'undelivered']);

/** The status callback Twilio posts for a message's status change (signed by the dispatcher). */
export function statusCallback(m: MessageRow, url: string): WebhookCall {
  const params: Record<string, string> = {
    MessageSid: m.sid,
    SmsSid: m.sid,
    AccountSid: m.account_sid,
    From: m.from_number,
    To: m.to_number,
    MessageStatus: m.status,
    SmsStatus: m.status,
    ApiVersion: '2010-04-01',
  };
  if (m.messaging_service_sid) params.MessagingServiceSid = m.messaging_service_sid;
  if (m.error_code !== null) params.ErrorCode = String(m.error_code);
  // The carrier's receipt "done date" comes with both receipt outcomes, as Twilio passes it on.
  if ((m.status === 'delivered' || m.status === 'undelivered') && m.date_updated) params.RawDlrDoneDate = dlrDate(m.date_updated);
  return { accountSid: m.account_sid, resourceSid: m.sid, purpose: 'sms-status', primary: { url, method: 'POST' }, params };
}

/** YYMMDDhhmm, as carriers put it in delivery receipts and Twilio passes on. */
function dlrDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

/** Twilio's inbound-message webhook parameters. */
export function inboundParams(m: MessageRow, media: { url: string; contentType: string }[]): Record<string, string> {
  const params: Record<string, string> = {
    ...geoParams({ From: m.from_number, To: m.to_number }),
    SmsMessageSid: m.sid,
    SmsSid: m.sid,
    MessageSid: m.sid,
    AccountSid: m.account_sid,
    From: m.from_number,
    To: m.to_number,
    Body: m.body,
    NumMedia: String(media.length),
    NumSegments: String(m.num_segments),
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  };
  if (m.messaging_service_sid) params.MessagingServiceSid = m.messaging_service_sid;
  media.forEach((item, i) => {
    params[`MediaUrl${i}`] = item.url;
    params[`MediaContentType${i}`] = item.contentType;
  });
  return params;
}
