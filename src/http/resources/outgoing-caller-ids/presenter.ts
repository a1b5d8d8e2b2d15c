import { rfc2822 } from '../../../core/dates.js';
import type { ValidationResult } from '../../../numbers/caller-ids.js';
import type { OutgoingCallerIdRow } from '../../../store/repositories/outgoing-caller-ids.js';

export function presentCallerId(row: OutgoingCallerIdRow) {
  return {
    sid: row.sid,
    date_created: rfc2822(row.date_created),
    date_updated: rfc2822(row.date_updated),
    friendly_name: row.friendly_name,
    account_sid: row.account_sid,
    phone_number: row.phone_number,
    uri: `/2010-04-01/Accounts/${row.account_sid}/OutgoingCallerIds/${row.sid}.json`,
  };
}

/** No verification call is placed (see numbers/caller-ids.ts), so there is no call_sid. */
export function presentValidationRequest(v: ValidationResult) {
  return { account_sid: v.accountSid, call_sid: null, friendly_name: v.friendlyName, phone_number: v.phoneNumber, validation_code: v.validationCode };
}
