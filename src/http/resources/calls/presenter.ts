import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { rfc2822 } from '../../../core/dates.js';
import type { CallRow } from '../../../store/repositories/calls.js';
import type { Pricing } from '../../../usage/pricing.js';

/** `(415) 555-0100` for numbers, the value itself for SIP URIs and client names. */
function formatted(value: string): string {
  if (!value.startsWith('+')) return value;
  return parsePhoneNumberFromString(value)?.formatNational() ?? value;
}

export function presentCall(c: CallRow) {
  const uri = `/2010-04-01/Accounts/${c.account_sid}/Calls/${c.sid}`;
  return {
    sid: c.sid,
    date_created: rfc2822(c.date_created),
    date_updated: rfc2822(c.date_updated),
    parent_call_sid: c.parent_call_sid,
    account_sid: c.account_sid,
    to: c.to_number,
    to_formatted: formatted(c.to_number),
    from: c.from_number,
    from_formatted: formatted(c.from_number),
    phone_number_sid: c.phone_number_sid,
    status: c.status,
    start_time: rfc2822(c.start_time),
    end_time: rfc2822(c.end_time),
    // Twilio's duration is a string, empty (null) until the call ends.
    duration: c.duration === null ? null : String(c.duration),
    price: null,
    price_unit: 'USD',
    direction: c.direction,
    answered_by: c.answered_by,
    api_version: '2010-04-01',
    forwarded_from: c.forwarded_from,
    group_sid: null,
    caller_name: c.caller_name,
    queue_time: '0',
    trunk_sid: null,
    uri: `${uri}.json`,
    subresource_uris: {
      notifications: `${uri}/Notifications.json`,
      recordings: `${uri}/Recordings.json`,
      payments: `${uri}/Payments.json`,
      events: `${uri}/Events.json`,
      siprec: `${uri}/Siprec.json`,
      streams: `${uri}/Streams.json`,
      transcriptions: `${uri}/Transcriptions.json`,
      user_defined_message_subscriptions: `${uri}/UserDefinedMessageSubscriptions.json`,
      user_defined_messages: `${uri}/UserDefinedMessages.json`,
    },
  };
}

/** With the operator's price table: `price` is what the call cost once completed (src/usage/pricing.ts). */
export const pricedCall = (pricing: Pricing) => (c: CallRow) => ({ ...presentCall(c), price: pricing.callPrice(c), price_unit: pricing.unit });
