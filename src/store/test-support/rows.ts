/**
 * Complete rows with plain defaults, for unit tests that fake the store: a test names only the columns its
 * check is about. Times default to T0, SIDs to fixed, readable values.
 */
import type { AccountRow } from '../repositories/accounts.js';
import type { ApiKeyRow } from '../repositories/api-keys.js';
import type { ApplicationRow } from '../repositories/applications.js';
import type { MessageRow } from '../repositories/messages.js';
import type { MessagingServiceRow } from '../repositories/messaging-services.js';
import type { PhoneNumberRow } from '../repositories/phone-numbers.js';
import type { VerifyServiceRow } from '../repositories/verify.js';

/** 2024-01-01T00:00:00Z: a fixed "now" for fake clocks. */
export const T0 = Date.UTC(2024, 0, 1);

/** A SID of the given prefix whose 32 hex digits end in `n` (`sid('AC', 1)` is AC000...001). */
export function sid(prefix: string, n: number): string {
  return prefix + n.toString(16).padStart(32, '0');
}

export function accountRow(o: Partial<AccountRow> = {}): AccountRow {
  return {
    sid: sid('AC', 1),
    parent_sid: null,
    friendly_name: 'Test account',
    status: 'active',
    auth_token: 'a'.repeat(32),
    type: 'Full',
    date_created: T0,
    date_updated: T0,
    ...o,
  };
}

export function apiKeyRow(o: Partial<ApiKeyRow> = {}): ApiKeyRow {
  return {
    sid: sid('SK', 1),
    account_sid: sid('AC', 1),
    friendly_name: '',
    secret: 's'.repeat(32),
    flavor: 'standard',
    date_created: T0,
    date_updated: T0,
    ...o,
  };
}

export function phoneNumberRow(o: Partial<PhoneNumberRow> = {}): PhoneNumberRow {
  return {
    sid: sid('PN', 1),
    account_sid: sid('AC', 1),
    phone_number: '+14155550100',
    friendly_name: '(415) 555-0100',
    iso_country: 'US',
    number_type: 'local',
    voice_url: null,
    voice_method: 'POST',
    voice_fallback_url: null,
    voice_fallback_method: 'POST',
    voice_caller_id_lookup: 0,
    voice_application_sid: null,
    status_callback: null,
    status_callback_method: 'POST',
    sms_url: null,
    sms_method: 'POST',
    sms_fallback_url: null,
    sms_fallback_method: 'POST',
    sms_application_sid: null,
    messaging_service_sid: null,
    date_created: T0,
    date_updated: T0,
    ...o,
  };
}

export function applicationRow(o: Partial<ApplicationRow> = {}): ApplicationRow {
  return {
    sid: sid('AP', 1),
    account_sid: sid('AC', 1),
    friendly_name: 'App',
    api_version: '2010-04-01',
    voice_url: null,
    voice_method: 'POST',
    voice_fallback_url: null,
    voice_fallback_method: 'POST',
    voice_caller_id_lookup: 0,
    status_callback: null,
    status_callback_method: 'POST',
    sms_url: null,
    sms_method: 'POST',
    sms_fallback_url: null,
    sms_fallback_method: 'POST',
    sms_status_callback: null,
    message_status_callback: null,
    public_application_connect_enabled: 0,
    date_created: T0,
    date_updated: T0,
    ...o,
  };
}

export function messagingServiceRow(o: Partial<MessagingServiceRow> = {}): MessagingServiceRow {
  return {
    sid: sid('MG', 1),
    account_sid: sid('AC', 1),
    friendly_name: 'Service',
    inbound_request_url: null,
    inbound_method: 'POST',
    fallback_url: null,
    fallback_method: 'POST',
    status_callback: null,
    sticky_sender: 1,
    smart_encoding: 0,
    validity_period: 14_400,
    use_inbound_webhook_on_number: 0,
    area_code_geomatch: 0,
    fallback_to_long_code: 0,
    mms_converter: 0,
    date_created: T0,
    date_updated: T0,
    ...o,
  };
}

export function messageRow(o: Partial<MessageRow> = {}): MessageRow {
  return {
    sid: sid('SM', 1),
    account_sid: sid('AC', 1),
    messaging_service_sid: null,
    direction: 'outbound-api',
    from_number: '+14155550100',
    to_number: '+14155550199',
    body: 'hello',
    status: 'queued',
    num_segments: 1,
    num_media: 0,
    encoding: 'GSM-7',
    error_code: null,
    error_message: null,
    status_callback: null,
    application_sid: null,
    validity_period: null,
    send_at: null,
    carrier: null,
    carrier_ids: null,
    media_urls: null,
    run_at: T0,
    locked_by: null,
    locked_until: null,
    attempts: 0,
    date_created: T0,
    date_updated: T0,
    date_sent: null,
    ...o,
  };
}

export function verifyServiceRow(o: Partial<VerifyServiceRow> = {}): VerifyServiceRow {
  return {
    sid: sid('VA', 1),
    account_sid: sid('AC', 1),
    friendly_name: 'Acme',
    code_length: 6,
    lookup_enabled: 0,
    psd2_enabled: 0,
    skip_sms_to_landlines: 0,
    dtmf_input_required: 1,
    tts_name: null,
    do_not_share_warning_enabled: 0,
    custom_code_enabled: 0,
    verify_event_subscription_enabled: 0,
    code_lifetime: 600,
    messaging_service_sid: null,
    date_created: T0,
    date_updated: T0,
    ...o,
  };
}
