import { rfc2822 } from '../../../core/dates.js';
import type { MediaMeta } from '../../../store/repositories/media.js';
import type { MessageRow } from '../../../store/repositories/messages.js';
import type { Pricing } from '../../../usage/pricing.js';

export function presentMessage(m: MessageRow) {
  const uri = `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.sid}`;
  return {
    body: m.body,
    num_segments: String(m.num_segments),
    direction: m.direction,
    from: m.from_number === '' ? null : m.from_number,
    to: m.to_number,
    date_updated: rfc2822(m.date_updated),
    price: null,
    error_message: m.error_message,
    uri: `${uri}.json`,
    account_sid: m.account_sid,
    num_media: String(m.num_media),
    status: m.status,
    messaging_service_sid: m.messaging_service_sid,
    sid: m.sid,
    date_sent: rfc2822(m.date_sent),
    date_created: rfc2822(m.date_created),
    error_code: m.error_code,
    price_unit: 'USD',
    api_version: '2010-04-01',
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
  };
}

/** With the operator's price table: `price` is what the message cost once final (src/usage/pricing.ts). */
export const pricedMessage = (pricing: Pricing) => (m: MessageRow) => ({ ...presentMessage(m), price: pricing.messagePrice(m), price_unit: pricing.unit });

export function presentMedia(m: MediaMeta) {
  return {
    account_sid: m.account_sid,
    content_type: m.content_type,
    date_created: rfc2822(m.date_created),
    date_updated: rfc2822(m.date_updated),
    parent_sid: m.message_sid,
    sid: m.sid,
    uri: `/2010-04-01/Accounts/${m.account_sid}/Messages/${m.message_sid}/Media/${m.sid}.json`,
  };
}
