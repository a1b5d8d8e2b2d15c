import { rfc2822 } from '../../../core/dates.js';
import type { StreamInfo } from '../../../voice/streams/call-streams.js';

/** Twilio's Stream resource (api.v2010.account.call.stream), fields in the spec's order. */
export function presentStream(s: StreamInfo) {
  return {
    sid: s.sid,
    account_sid: s.accountSid,
    call_sid: s.callSid,
    name: s.name,
    status: s.status,
    date_updated: rfc2822(s.dateUpdated),
    uri: `/2010-04-01/Accounts/${s.accountSid}/Calls/${s.callSid}/Streams/${s.sid}.json`,
  };
}
