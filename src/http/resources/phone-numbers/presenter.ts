import { rfc2822 } from '../../../core/dates.js';
import type { PoolNumber } from '../../../numbers/pool.js';
import { friendlyFormat } from '../../../numbers/service.js';
import type { PhoneNumberRow } from '../../../store/repositories/phone-numbers.js';

/** MMS is a North American service at Twilio. */
const mms = (isoCountry: string) => isoCountry === 'US' || isoCountry === 'CA';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** `United States` for `US`, as the AvailablePhoneNumbers country resource names it. */
export function countryName(isoCountry: string): string {
  try {
    return regionNames.of(isoCountry) ?? isoCountry;
  } catch {
    return isoCountry;
  }
}

/**
 * Unset URLs and application SIDs are null, as the OpenAPI spec (uri format, AP pattern, nullable) has them;
 * the live API has been seen to send '' instead, which the SDKs treat the same way when tested for truth.
 */
export function presentIncomingNumber(row: PhoneNumberRow) {
  return {
    account_sid: row.account_sid,
    address_sid: null,
    address_requirements: 'none',
    api_version: '2010-04-01',
    beta: false,
    capabilities: { voice: true, sms: true, mms: mms(row.iso_country), fax: false },
    date_created: rfc2822(row.date_created),
    date_updated: rfc2822(row.date_updated),
    friendly_name: row.friendly_name,
    identity_sid: null,
    phone_number: row.phone_number,
    origin: 'twilio',
    sid: row.sid,
    sms_application_sid: row.sms_application_sid,
    sms_fallback_method: row.sms_fallback_method,
    sms_fallback_url: row.sms_fallback_url,
    sms_method: row.sms_method,
    sms_url: row.sms_url,
    status_callback: row.status_callback,
    status_callback_method: row.status_callback_method,
    trunk_sid: null,
    uri: `/2010-04-01/Accounts/${row.account_sid}/IncomingPhoneNumbers/${row.sid}.json`,
    voice_receive_mode: 'voice',
    voice_application_sid: row.voice_application_sid,
    voice_caller_id_lookup: row.voice_caller_id_lookup === 1,
    voice_fallback_method: row.voice_fallback_method,
    voice_fallback_url: row.voice_fallback_url,
    voice_method: row.voice_method,
    voice_url: row.voice_url,
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    bundle_sid: null,
    status: 'in-use',
    type: row.number_type === 'tollfree' ? 'toll-free' : row.number_type,
    subresource_uris: {
      assigned_add_ons: `/2010-04-01/Accounts/${row.account_sid}/IncomingPhoneNumbers/${row.sid}/AssignedAddOns.json`,
    },
  };
}

export function presentAvailableNumber(n: PoolNumber) {
  return {
    friendly_name: friendlyFormat(n.phoneNumber),
    phone_number: n.phoneNumber,
    lata: null,
    locality: null,
    rate_center: null,
    latitude: null,
    longitude: null,
    region: n.region,
    postal_code: null,
    iso_country: n.isoCountry,
    address_requirements: 'none',
    beta: false,
    // The spec (and SDK docs) spell these lowercase; the live API answers SMS/MMS uppercase. Apps read
    // either, so both are sent.
    capabilities: { voice: true, sms: true, mms: mms(n.isoCountry), SMS: true, MMS: mms(n.isoCountry), fax: false },
  };
}
