import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { possibleNumber } from '../core/phone/e164.js';
import { newSid } from '../core/sid.js';
import { lookupPhoneNumber, type LookupDataSource } from '../lookup/index.js';
import type { MessagesService } from '../messaging/service.js';
import type { VerificationAttemptRow, VerificationRow, VerifyRepository, VerifyServiceRow } from '../store/repositories/verify.js';
import type { VerifyCallSender } from './call.js';
import { generateCode, type CodeVault } from './codes.js';
import { CREATE_RETRIES, VERIFY_LIMITS } from './limits.js';
import { normalizeLocale, resolveLocale } from './locale.js';
import { smsText } from './sms.js';
import { spokenText } from './spoken.js';

export const CHANNELS = ['sms', 'call'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Channels Twilio has that Switchboard does not deliver (no email, WhatsApp or carrier network auth here). */
const OTHER_TWILIO_CHANNELS = ['email', 'whatsapp', 'sna', 'auto', 'rbm'];

export interface StartInput {
  to?: string | undefined;
  channel?: string | undefined;
  locale?: string | undefined;
  customCode?: string | undefined;
  customFriendlyName?: string | undefined;
  appHash?: string | undefined;
}

export interface CheckInput {
  code?: string | undefined;
  to?: string | undefined;
  verificationSid?: string | undefined;
}

/** A verification with the sends it took, which the API lists as send_code_attempts. */
export interface VerificationView {
  row: VerificationRow;
  attempts: VerificationAttemptRow[];
}

/** What a verification's lifecycle needs of Verify's tables (services and the Attempts API are elsewhere). */
export type VerificationStore = Pick<
  VerifyRepository,
  | 'expireDue'
  | 'findOpen'
  | 'find'
  | 'findExhausted'
  | 'insertIfNoneOpen'
  | 'claimSend'
  | 'releaseSend'
  | 'claimCheck'
  | 'end'
  | 'deleteVerification'
  | 'insertAttempt'
  | 'attempts'
>;

export interface VerificationsDeps {
  repo: VerificationStore;
  /** The Verify services, to resolve {ServiceSid} with the caller's account. */
  findService: (accountSid: string, sid: string) => Promise<VerifyServiceRow>;
  /** Messaging's public create: Verify's SMS are ordinary outbound messages of the account. */
  sms: Pick<MessagesService, 'create'>;
  calls: VerifyCallSender;
  /** The account's first phone number, the SMS sender when the service names no Messaging Service. */
  firstNumber: (accountSid: string) => Promise<string | undefined>;
  vault: () => Promise<CodeVault>;
  clock: Clock;
  lookupSource?: LookupDataSource | undefined;
}

/** Verifications and checks: the code's lifecycle, its limits, and its delivery by SMS or call. */
export class VerificationsService {
  constructor(private readonly deps: VerificationsDeps) {}

  /** POST .../Verifications: a new code, or the pending code sent again (same code, one more send). */
  async start(accountSid: string, serviceSid: string, input: StartInput): Promise<VerificationView> {
    const { deps } = this;
    const service = await deps.findService(accountSid, serviceSid);
    const channel = readChannel(input.channel);
    const { to, country } = readTo(input.to);
    const locale = resolveLocale(readLocale(input.locale), country);
    const customCode = readCustomCode(input.customCode, service);
    const lookup = await this.lookup(service, to, channel);
    // Resolved before any state changes, so a service that cannot send leaves nothing half-started.
    const route = channel === 'sms' ? await this.smsRoute(accountSid, service) : undefined;

    const vault = await deps.vault();
    const now = deps.clock.now();
    await deps.repo.expireDue(now);
    const openKey = `${service.sid}:${to}`;
    let row: VerificationRow | undefined;
    let fresh = false;
    let code = '';
    // Settles the race between creates for the same To through the database: the unique open_key lets one
    // insert win, and every other request then spends a send on that verification or gets 60203.
    for (let i = 0; i < CREATE_RETRIES && !row; i++) {
      const open = await deps.repo.findOpen(openKey);
      if (open) {
        const replaced = customCode ? { hash: vault.hash(open.sid, customCode), sealed: vault.seal(open.sid, customCode) } : undefined;
        row = await deps.repo.claimSend(open.sid, VERIFY_LIMITS.maxSends, now, channel, replaced);
        if (row) {
          code = customCode ?? vault.unseal(row.sid, row.code_sealed ?? '');
          break;
        }
        const current = await deps.repo.find(service.sid, open.sid);
        if (current?.open_key && current.expires_at > now && current.send_attempts >= VERIFY_LIMITS.maxSends) throw errors.verifyMaxSendAttempts();
        if (current?.open_key && current.expires_at <= now) await deps.repo.expireDue(now);
        continue;
      }
      const sid = newSid('VE');
      code = customCode ?? generateCode(service.code_length);
      const candidate: VerificationRow = {
        sid,
        account_sid: accountSid,
        service_sid: service.sid,
        to_number: to,
        channel,
        status: 'pending',
        code_hash: vault.hash(sid, code),
        code_sealed: vault.seal(sid, code),
        locale,
        lookup: JSON.stringify(lookup),
        send_attempts: 1,
        check_attempts: 0,
        open_key: openKey,
        expires_at: now + service.code_lifetime * 1000,
        date_created: now,
        date_updated: now,
      };
      if (await deps.repo.insertIfNoneOpen(candidate)) {
        row = candidate;
        fresh = true;
      }
    }
    if (!row) throw errors.tooManyRequests();

    const name = input.customFriendlyName || service.friendly_name;
    let channelSid: string;
    try {
      channelSid =
        channel === 'sms'
          ? (
              await deps.sms.create(accountSid, {
                to,
                ...route,
                mediaUrls: [],
                body: smsText(row.locale, name, code, { doNotShareWarning: service.do_not_share_warning_enabled === 1, appHash: input.appHash }),
              })
            ).sid
          : (
              await deps.calls.call(accountSid, to, spokenText(row.locale, name, code), service.tts_name, {
                dtmfInputRequired: service.dtmf_input_required === 1,
                locale: row.locale,
              })
            ).sid;
    } catch (err) {
      // Nothing left: a new verification is removed, a re-send gives its count back.
      if (fresh) await deps.repo.deleteVerification(row.sid);
      else await deps.repo.releaseSend(row.sid);
      throw err;
    }
    await deps.repo.insertAttempt({
      sid: newSid('VL'),
      account_sid: accountSid,
      verification_sid: row.sid,
      channel,
      channel_sid: channelSid,
      date_created: now,
    });
    return this.view(row);
  }

  /** GET .../Verifications/{Sid}: only a pending verification exists for the API; an ended one is 20404. */
  async fetch(accountSid: string, serviceSid: string, sid: string): Promise<VerificationView> {
    await this.deps.findService(accountSid, serviceSid);
    const row = await this.deps.repo.find(serviceSid, sid);
    if (!row || !row.open_key || row.expires_at <= this.deps.clock.now()) throw errors.notFound('Verification', sid);
    return this.view(row);
  }

  /** POST .../Verifications/{Sid} with Status canceled or approved (approving is how custom-code flows close). */
  async update(accountSid: string, serviceSid: string, sid: string, status: string | undefined): Promise<VerificationView> {
    await this.deps.findService(accountSid, serviceSid);
    if (status !== 'canceled' && status !== 'approved') throw errors.verifyInvalidParameter('Status', 'must be canceled or approved');
    const row = await this.deps.repo.find(serviceSid, sid);
    const ended = row && (await this.deps.repo.end(row.sid, status, this.deps.clock.now()));
    if (!ended) throw errors.notFound('Verification', sid);
    return this.view(ended);
  }

  /**
   * POST .../VerificationCheck. A wrong code is not an error (200, pending, valid false); the fifth wrong
   * code ends the verification (max_attempts_reached) and later checks get 60202 until it would have expired.
   */
  async check(accountSid: string, serviceSid: string, input: CheckInput): Promise<VerificationRow> {
    const { repo, clock } = this.deps;
    const service = await this.deps.findService(accountSid, serviceSid);
    const code = input.code?.trim();
    if (!code) throw errors.verifyInvalidParameter('Code', 'is required');
    if (code.length < VERIFY_LIMITS.minCodeLength || code.length > VERIFY_LIMITS.maxCodeLength)
      throw errors.verifyInvalidParameter('Code', 'must be 4 to 10 characters');
    if (!input.to && !input.verificationSid) throw errors.verifyInvalidParameter('To', 'either To or VerificationSid must be specified');
    const now = clock.now();
    let target: VerificationRow | undefined;
    if (input.verificationSid) target = await repo.find(service.sid, input.verificationSid);
    else {
      const { to } = readTo(input.to);
      target = (await repo.findOpen(`${service.sid}:${to}`)) ?? (await repo.findExhausted(service.sid, to, now));
    }
    if (!target || target.expires_at <= now) throw errors.notFound('Verification', input.verificationSid);
    if (target.status === 'max_attempts_reached') throw errors.verifyMaxCheckAttempts();
    if (!target.open_key) throw errors.notFound('Verification', target.sid);
    const vault = await this.deps.vault();
    const checked = await repo.claimCheck(target.sid, vault.hash(target.sid, code), VERIFY_LIMITS.maxChecks, now);
    if (checked) return checked;
    // No check was left to spend: say why, from the row as it is now.
    const current = await repo.find(service.sid, target.sid);
    if (current && current.expires_at > now && current.status === 'max_attempts_reached') throw errors.verifyMaxCheckAttempts();
    throw errors.notFound('Verification', target.sid);
  }

  private async view(row: VerificationRow): Promise<VerificationView> {
    return { row, attempts: await this.deps.repo.attempts(row.sid) };
  }

  /** Where the SMS comes from: the service's Messaging Service, else the account's first number, else 21603. */
  private async smsRoute(accountSid: string, service: VerifyServiceRow): Promise<{ messagingServiceSid: string } | { from: string }> {
    if (service.messaging_service_sid) return { messagingServiceSid: service.messaging_service_sid };
    const from = await this.deps.firstNumber(accountSid);
    if (!from) throw errors.verifyNoSender();
    return { from };
  }

  /** LookupEnabled: the carrier object Twilio returns, from Lookup's line type; SkipSmsToLandlines acts on it. */
  private async lookup(service: VerifyServiceRow, to: string, channel: Channel): Promise<Record<string, unknown>> {
    if (service.lookup_enabled !== 1) return {};
    const result = await lookupPhoneNumber({ phoneNumber: to, baseUrl: '', fields: ['line_type_intelligence'] }, { dataSource: this.deps.lookupSource });
    const line = result.line_type_intelligence;
    if (service.skip_sms_to_landlines === 1 && channel === 'sms' && line?.type === 'landline') throw errors.verifyLandline();
    return {
      carrier: {
        mobile_country_code: line?.mobile_country_code ?? null,
        type: line?.type ?? null,
        error_code: line?.error_code ?? null,
        mobile_network_code: line?.mobile_network_code ?? null,
        name: line?.carrier_name ?? null,
      },
    };
  }
}

function readChannel(value: string | undefined): Channel {
  if (!value) throw errors.verifyInvalidParameter('Channel', 'is required');
  if ((CHANNELS as readonly string[]).includes(value)) return value as Channel;
  if (OTHER_TWILIO_CHANNELS.includes(value)) throw errors.verifyInvalidParameter('Channel', `${value} is not available on Switchboard: use sms or call`);
  throw errors.verifyInvalidParameter('Channel', 'must be sms or call');
}

/** To must be a phone number in E.164; as for messaging, a possible number is enough (virtual phones are fictional). */
function readTo(value: string | undefined): { to: string; country: string | undefined } {
  if (!value) throw errors.verifyInvalidParameter('To', 'is required');
  const trimmed = value.trim();
  const parsed = trimmed.startsWith('+') ? possibleNumber(trimmed) : undefined;
  if (!parsed) throw errors.verifyInvalidParameter('To', `${value} is not a phone number in E.164 format`);
  return { to: parsed.number, country: parsed.country };
}

function readLocale(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const locale = normalizeLocale(value);
  if (!locale) throw errors.verifyInvalidParameter('Locale', `${value} is not a supported locale`);
  return locale;
}

function readCustomCode(value: string | undefined, service: VerifyServiceRow): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (service.custom_code_enabled !== 1) throw errors.verifyInvalidParameter('CustomCode', 'custom codes are not enabled for this service (CustomCodeEnabled)');
  if (!/^[0-9A-Za-z]{4,10}$/.test(value)) throw errors.verifyInvalidParameter('CustomCode', 'must be 4 to 10 letters or digits');
  return value;
}
