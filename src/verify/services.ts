import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { newSid } from '../core/sid.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { VerifyRepository, VerifyServiceChanges, VerifyServiceRow } from '../store/repositories/verify.js';
import { VERIFY_LIMITS } from './limits.js';

/** What a create or update may set; undefined leaves a value as it is (or at its default on create). */
export interface VerifyServiceInput {
  friendlyName?: string | undefined;
  codeLength?: number | undefined;
  lookupEnabled?: boolean | undefined;
  psd2Enabled?: boolean | undefined;
  skipSmsToLandlines?: boolean | undefined;
  dtmfInputRequired?: boolean | undefined;
  /** '' clears it. */
  ttsName?: string | undefined;
  doNotShareWarningEnabled?: boolean | undefined;
  customCodeEnabled?: boolean | undefined;
  verifyEventSubscriptionEnabled?: boolean | undefined;
  /** Switchboard.CodeLifetime, seconds. */
  codeLifetime?: number | undefined;
  /** Switchboard.MessagingServiceSid; '' clears it. */
  messagingServiceSid?: string | undefined;
}

/** Whether an MG SID names a Messaging Service of the account: asked of messaging, never of its tables. */
export type MessagingServiceCheck = (accountSid: string, sid: string) => Promise<boolean>;

/** Verify Services (VA...): the per-app settings every verification is started under. */
export class VerifyServicesService {
  constructor(
    private readonly repo: VerifyRepository,
    private readonly messagingServiceExists: MessagingServiceCheck,
    private readonly clock: Clock,
  ) {}

  async create(accountSid: string, input: VerifyServiceInput): Promise<VerifyServiceRow> {
    if (input.friendlyName === undefined || input.friendlyName.trim() === '') throw errors.verifyInvalidParameter('FriendlyName', 'is required');
    const changes = await this.validate(accountSid, input);
    const now = this.clock.now();
    const row: VerifyServiceRow = {
      sid: newSid('VA'),
      account_sid: accountSid,
      friendly_name: input.friendlyName,
      code_length: VERIFY_LIMITS.defaultCodeLength,
      lookup_enabled: 0,
      psd2_enabled: 0,
      skip_sms_to_landlines: 0,
      dtmf_input_required: 0,
      tts_name: null,
      do_not_share_warning_enabled: 0,
      custom_code_enabled: 0,
      verify_event_subscription_enabled: 0,
      code_lifetime: VERIFY_LIMITS.defaultLifetimeSeconds,
      messaging_service_sid: null,
      date_created: now,
      date_updated: now,
      ...changes,
    };
    await this.repo.insertService(row);
    return row;
  }

  async find(accountSid: string, sid: string): Promise<VerifyServiceRow> {
    const row = await this.repo.findService(accountSid, sid);
    if (!row) throw errors.notFound('Verify Service', sid);
    return row;
  }

  list(accountSid: string, page: PageQuery): Promise<Page<VerifyServiceRow>> {
    return this.repo.listServices(accountSid, page);
  }

  async update(accountSid: string, sid: string, input: VerifyServiceInput): Promise<VerifyServiceRow> {
    const row = await this.find(accountSid, sid);
    const changes: VerifyServiceChanges = { ...(await this.validate(accountSid, input)), date_updated: this.clock.now() };
    await this.repo.updateService(accountSid, sid, changes);
    return { ...row, ...changes };
  }

  async delete(accountSid: string, sid: string): Promise<void> {
    if (!(await this.repo.deleteService(accountSid, sid))) throw errors.notFound('Verify Service', sid);
  }

  /** Checks every given value against Twilio's rules and turns it into columns. */
  private async validate(accountSid: string, input: VerifyServiceInput): Promise<VerifyServiceChanges> {
    const out: VerifyServiceChanges = {};
    const flag = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);
    if (input.friendlyName !== undefined) {
      const name = input.friendlyName.trim();
      if (name === '') throw errors.verifyInvalidParameter('FriendlyName', 'cannot be empty');
      if ([...name].length > VERIFY_LIMITS.friendlyNameMax)
        throw errors.verifyInvalidParameter('FriendlyName', `can be up to ${VERIFY_LIMITS.friendlyNameMax} characters long`);
      // Twilio's rule: the name goes into every SMS, so it must not look like a code or a phone number.
      if ((name.match(/\d/g) ?? []).length > 4) throw errors.verifyInvalidParameter('FriendlyName', 'cannot contain more than 4 digits');
      out.friendly_name = name;
    }
    if (input.codeLength !== undefined) {
      if (input.codeLength < VERIFY_LIMITS.minCodeLength || input.codeLength > VERIFY_LIMITS.maxCodeLength) {
        throw errors.verifyInvalidParameter('CodeLength', `must be between ${VERIFY_LIMITS.minCodeLength} and ${VERIFY_LIMITS.maxCodeLength}`);
      }
      out.code_length = input.codeLength;
    }
    if (input.codeLifetime !== undefined) {
      if (input.codeLifetime < VERIFY_LIMITS.minLifetimeSeconds || input.codeLifetime > VERIFY_LIMITS.maxLifetimeSeconds) {
        throw errors.verifyInvalidParameter(
          'Switchboard.CodeLifetime',
          `must be between ${VERIFY_LIMITS.minLifetimeSeconds} and ${VERIFY_LIMITS.maxLifetimeSeconds} seconds`,
        );
      }
      out.code_lifetime = input.codeLifetime;
    }
    if (input.messagingServiceSid !== undefined) {
      if (input.messagingServiceSid === '') out.messaging_service_sid = null;
      else if (!(await this.messagingServiceExists(accountSid, input.messagingServiceSid))) {
        throw errors.verifyInvalidParameter('Switchboard.MessagingServiceSid', 'is not a Messaging Service of this account');
      } else out.messaging_service_sid = input.messagingServiceSid;
    }
    if (input.ttsName !== undefined) out.tts_name = input.ttsName === '' ? null : input.ttsName;
    const flags = {
      lookup_enabled: flag(input.lookupEnabled),
      psd2_enabled: flag(input.psd2Enabled),
      skip_sms_to_landlines: flag(input.skipSmsToLandlines),
      dtmf_input_required: flag(input.dtmfInputRequired),
      do_not_share_warning_enabled: flag(input.doNotShareWarningEnabled),
      custom_code_enabled: flag(input.customCodeEnabled),
      verify_event_subscription_enabled: flag(input.verifyEventSubscriptionEnabled),
    };
    for (const [key, value] of Object.entries(flags) as [keyof typeof flags, 0 | 1 | undefined][]) if (value !== undefined) out[key] = value;
    return out;
  }
}
