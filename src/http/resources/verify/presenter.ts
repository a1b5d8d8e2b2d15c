import { iso8601 } from '../../../core/dates.js';
import type { VerificationView } from '../../../verify/verifications.js';
import type { AttemptListRow, VerificationRow, VerifyServiceRow } from '../../../store/repositories/verify.js';

/** Verify v2's JSON (twilio_verify_v2.json): ISO-8601 dates, absolute URLs under /verify/v2. */
export function presentService(origin: string) {
  return (s: VerifyServiceRow) => {
    const url = `${origin}/verify/v2/Services/${s.sid}`;
    return {
      sid: s.sid,
      account_sid: s.account_sid,
      friendly_name: s.friendly_name,
      code_length: s.code_length,
      lookup_enabled: s.lookup_enabled === 1,
      psd2_enabled: s.psd2_enabled === 1,
      skip_sms_to_landlines: s.skip_sms_to_landlines === 1,
      dtmf_input_required: s.dtmf_input_required === 1,
      tts_name: s.tts_name,
      do_not_share_warning_enabled: s.do_not_share_warning_enabled === 1,
      custom_code_enabled: s.custom_code_enabled === 1,
      // Push, TOTP, WhatsApp and passkeys are not offered: their settings read as Twilio shows them unset.
      push: { include_date: false, apn_credential_sid: null, fcm_credential_sid: null },
      totp: { issuer: null, time_step: null, code_length: null, skew: null },
      whatsapp: { msg_service_sid: null, from: null },
      passkeys: {
        relying_party: { id: null, name: null, origins: null },
        authenticator_attachment: null,
        discoverable_credentials: null,
        user_verification: null,
      },
      default_template_sid: null,
      verify_event_subscription_enabled: s.verify_event_subscription_enabled === 1,
      date_created: iso8601(s.date_created),
      date_updated: iso8601(s.date_updated),
      url,
      links: {
        verification_checks: `${url}/VerificationCheck`,
        verifications: `${url}/Verifications`,
        rate_limits: `${url}/RateLimits`,
        messaging_configurations: `${url}/MessagingConfigurations`,
        entities: `${url}/Entities`,
        webhooks: `${url}/Webhooks`,
        access_tokens: `${url}/AccessTokens`,
      },
      // Switchboard's extension settings (docs/verify.md); Twilio's SDKs ignore keys they do not know.
      switchboard: { code_lifetime: s.code_lifetime, messaging_service_sid: s.messaging_service_sid },
    };
  };
}

export function presentVerification(origin: string) {
  return ({ row, attempts }: VerificationView) => ({
    sid: row.sid,
    service_sid: row.service_sid,
    account_sid: row.account_sid,
    to: row.to_number,
    channel: row.channel,
    status: row.status,
    valid: row.status === 'approved',
    date_created: iso8601(row.date_created),
    date_updated: iso8601(row.date_updated),
    lookup: JSON.parse(row.lookup) as unknown,
    amount: null,
    payee: null,
    // Twilio writes the SMS and call channels in capitals here, and only here.
    send_code_attempts: attempts.map((a) => ({ time: iso8601(a.date_created), channel: a.channel.toUpperCase(), attempt_sid: a.sid })),
    sna: null,
    url: `${origin}/verify/v2/Services/${row.service_sid}/Verifications/${row.sid}`,
  });
}

export function presentCheck(row: VerificationRow) {
  return {
    sid: row.sid,
    service_sid: row.service_sid,
    account_sid: row.account_sid,
    to: row.to_number,
    channel: row.channel,
    status: row.status,
    valid: row.status === 'approved',
    amount: null,
    payee: null,
    sna_attempts_error_codes: [],
    date_created: iso8601(row.date_created),
    date_updated: iso8601(row.date_updated),
  };
}

/** verify.v2.verification_attempt: converted once the verification was approved; no prices here. */
export function presentAttempt(origin: string) {
  return (a: AttemptListRow) => {
    const converted = a.verification_status === 'approved';
    return {
      sid: a.sid,
      account_sid: a.account_sid,
      service_sid: a.service_sid,
      verification_sid: a.verification_sid,
      date_created: iso8601(a.date_created),
      date_updated: iso8601(converted ? Math.max(a.date_created, a.verification_date_updated) : a.date_created),
      conversion_status: converted ? 'converted' : 'unconverted',
      channel: a.channel,
      price: null,
      channel_data: { verification_sid: a.verification_sid, to: a.to_number, status: converted ? 'confirmed' : 'unconfirmed' },
      url: `${origin}/verify/v2/Attempts/${a.sid}`,
    };
  };
}
