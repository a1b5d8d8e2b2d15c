import { randomInt } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { possibleNumber } from '../core/phone/e164.js';
import { newOrderedSid } from '../core/sid.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { OutgoingCallerIdRow, OutgoingCallerIdsRepository } from '../store/repositories/outgoing-caller-ids.js';
import { friendlyFormat } from './service.js';

export interface ValidationInput {
  phoneNumber: string | undefined;
  friendlyName?: string | undefined;
  callDelay?: number | undefined;
  extension?: string | undefined;
  statusCallback?: string | null | undefined;
  statusCallbackMethod?: 'GET' | 'POST' | undefined;
}

export interface ValidationResult {
  accountSid: string;
  phoneNumber: string;
  friendlyName: string;
  validationCode: string;
  callerId: OutgoingCallerIdRow;
}

export interface CallerIdsDeps {
  repo: OutgoingCallerIdsRepository;
  clock: Clock;
  /** True when calls to phone numbers leave through a SIP trunk: then a real person would have to answer. */
  realPhones: boolean;
  /** Queues the validation's status callback (VerificationStatus=success). */
  notify: (accountSid: string, url: string, method: 'GET' | 'POST', params: Record<string, string>) => Promise<void>;
}

/**
 * Verified caller IDs. Twilio proves a number by calling it and asking for the code it showed the app; here the
 * number is a virtual phone that always answers and keys in the code, so a ValidationRequest verifies at once
 * (no call is placed: call_sid is null). With a SIP trunk the number may be a real phone nobody here controls,
 * so validation is refused rather than granted without proof.
 */
export class CallerIdsService {
  constructor(private readonly d: CallerIdsDeps) {}

  async validate(accountSid: string, input: ValidationInput): Promise<ValidationResult> {
    if (!input.phoneNumber) throw errors.missingParameter('PhoneNumber');
    // National formats read as North American, as the 2010 API does for caller IDs entered that way.
    const parsed = possibleNumber(input.phoneNumber, 'US');
    if (!parsed) throw errors.phoneNumberInvalid(input.phoneNumber);
    if (input.callDelay !== undefined && (input.callDelay < 0 || input.callDelay > 60)) throw errors.invalidParameter('CallDelay', 'must be between 0 and 60');
    if (input.extension !== undefined && !/^[0-9*#wW]{0,32}$/.test(input.extension))
      throw errors.invalidParameter('Extension', 'up to 32 of 0-9, *, #, w and W');
    if (this.d.realPhones) {
      throw errors.invalidParameter(
        'PhoneNumber',
        'cannot be verified: calls go out through a SIP trunk and Switchboard does not place verification calls yet',
      );
    }
    const phoneNumber = parsed.number;
    const now = this.d.clock.now();
    const friendlyName = input.friendlyName ?? friendlyFormat(phoneNumber);
    const row: OutgoingCallerIdRow = {
      sid: newOrderedSid('PN', now),
      account_sid: accountSid,
      phone_number: phoneNumber,
      friendly_name: friendlyName,
      date_created: now,
      date_updated: now,
    };
    if (!(await this.d.repo.insertIfNew(row))) throw errors.callerIdAlreadyVerified(phoneNumber);
    const validationCode = String(randomInt(1_000_000)).padStart(6, '0');
    if (input.statusCallback) {
      await this.d.notify(accountSid, input.statusCallback, input.statusCallbackMethod ?? 'POST', {
        AccountSid: accountSid,
        To: phoneNumber,
        VerificationStatus: 'success',
        OutgoingCallerIdSid: row.sid,
      });
    }
    return { accountSid, phoneNumber, friendlyName, validationCode, callerId: row };
  }

  list(
    accountSid: string,
    filter: { phoneNumber?: string | undefined; friendlyName?: string | undefined },
    page: PageQuery,
  ): Promise<Page<OutgoingCallerIdRow>> {
    return this.d.repo.list(accountSid, filter, page);
  }

  async find(accountSid: string, sid: string): Promise<OutgoingCallerIdRow> {
    const row = await this.d.repo.find(accountSid, sid);
    if (!row) throw errors.notFound('OutgoingCallerId', sid);
    return row;
  }

  async rename(accountSid: string, sid: string, friendlyName: string | undefined): Promise<OutgoingCallerIdRow> {
    const row = await this.find(accountSid, sid);
    if (friendlyName === undefined) return row;
    const now = this.d.clock.now();
    await this.d.repo.rename(accountSid, sid, friendlyName, now);
    return { ...row, friendly_name: friendlyName, date_updated: now };
  }

  async delete(accountSid: string, sid: string): Promise<void> {
    if (!(await this.d.repo.delete(accountSid, sid))) throw errors.notFound('OutgoingCallerId', sid);
  }

  /** For From/Dial callerId checks: did the account verify this number? */
  isVerified(accountSid: string, phoneNumber: string): Promise<boolean> {
    return this.d.repo.isVerified(accountSid, phoneNumber);
  }
}
