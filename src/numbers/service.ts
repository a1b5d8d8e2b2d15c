import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { possibleNumber } from '../core/phone/e164.js';
import { newOrderedSid, type AccountSid } from '../core/sid.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { ApplicationsRepository } from '../store/repositories/applications.js';
import type { PhoneNumberChanges, PhoneNumberFilter, PhoneNumberRow, PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import type { NumberPool, NumberType, PoolNumber } from './pool.js';

/** The settable URL and method fields of a number, as the API names them. */
export interface NumberSettings {
  friendlyName?: string | undefined;
  voiceUrl?: string | null | undefined;
  voiceMethod?: string | undefined;
  voiceFallbackUrl?: string | null | undefined;
  voiceFallbackMethod?: string | undefined;
  voiceCallerIdLookup?: boolean | undefined;
  voiceApplicationSid?: string | null | undefined;
  statusCallback?: string | null | undefined;
  statusCallbackMethod?: string | undefined;
  smsUrl?: string | null | undefined;
  smsMethod?: string | undefined;
  smsFallbackUrl?: string | null | undefined;
  smsFallbackMethod?: string | undefined;
  smsApplicationSid?: string | null | undefined;
}

/** What buying, listing, changing and releasing numbers needs of their rows. */
export type NumberStore = Pick<PhoneNumbersRepository, 'insertIfFree' | 'findOwned' | 'findByNumber' | 'ownedNumbersAmong' | 'list' | 'update' | 'delete'>;

/** Each dependency narrowed to what the service calls, so unit tests can hand it small fakes. */
export interface NumbersServiceDeps {
  numbers: NumberStore;
  applications: Pick<ApplicationsRepository, 'findOwned'>;
  pool: NumberPool;
  clock: Clock;
}

/** `(415) 555-0100` style, as Twilio's friendly_name defaults. */
export function friendlyFormat(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
}

export class NumbersService {
  constructor(private readonly deps: NumbersServiceDeps) {}

  /** Numbers that may be bought now: the pool's candidates minus every number some account owns. */
  async available(
    country: string,
    type: NumberType,
    filter: { areaCode?: string | undefined; contains?: string | undefined; limit: number },
  ): Promise<PoolNumber[]> {
    const matcher = filter.contains ? containsMatcher(filter.contains) : undefined;
    const out: PoolNumber[] = [];
    const skip = new Set<string>();
    // Owned numbers are removed after generation; a few rounds fill the page even when many are taken.
    for (let round = 0; round < 4 && out.length < filter.limit; round++) {
      const batch = this.deps.pool.candidates(country, type, { areaCode: filter.areaCode, limit: filter.limit * 2, skip });
      if (batch.length === 0) break;
      const owned = await this.deps.numbers.ownedNumbersAmong(batch.map((n) => n.phoneNumber));
      for (const n of batch) {
        skip.add(n.phoneNumber);
        if (!owned.has(n.phoneNumber) && (!matcher || matcher(n.phoneNumber)) && out.length < filter.limit) out.push(n);
      }
    }
    return out;
  }

  /** The countries numbers can be searched in. */
  countries(): string[] {
    return this.deps.pool.countries();
  }

  async purchase(accountSid: AccountSid, input: { phoneNumber?: string | undefined; areaCode?: string | undefined } & NumberSettings): Promise<PhoneNumberRow> {
    let described: PoolNumber | undefined;
    if (input.phoneNumber) {
      const parsed = possibleNumber(input.phoneNumber);
      if (!parsed) throw errors.phoneNumberInvalid(input.phoneNumber);
      described = this.deps.pool.describe(parsed.number);
      if (!described) throw errors.phoneNumberUnavailable(input.phoneNumber);
    } else if (input.areaCode) {
      if (!/^\d{3}$/.test(input.areaCode)) throw errors.invalidParameter('AreaCode', 'must be three digits');
      [described] = await this.available('US', 'local', { areaCode: input.areaCode, limit: 1 });
      if (!described) throw errors.noNumbersInAreaCode(input.areaCode);
    } else {
      throw errors.phoneNumberRequired();
    }
    await this.assertApplications(accountSid, input);
    const now = this.deps.clock.now();
    const row: PhoneNumberRow = {
      sid: newOrderedSid('PN', now),
      account_sid: accountSid,
      phone_number: described.phoneNumber,
      friendly_name: input.friendlyName ?? friendlyFormat(described.phoneNumber),
      iso_country: described.isoCountry,
      number_type: described.type,
      voice_url: input.voiceUrl ?? null,
      voice_method: input.voiceMethod ?? 'POST',
      voice_fallback_url: input.voiceFallbackUrl ?? null,
      voice_fallback_method: input.voiceFallbackMethod ?? 'POST',
      voice_caller_id_lookup: input.voiceCallerIdLookup ? 1 : 0,
      voice_application_sid: input.voiceApplicationSid ?? null,
      status_callback: input.statusCallback ?? null,
      status_callback_method: input.statusCallbackMethod ?? 'POST',
      sms_url: input.smsUrl ?? null,
      sms_method: input.smsMethod ?? 'POST',
      sms_fallback_url: input.smsFallbackUrl ?? null,
      sms_fallback_method: input.smsFallbackMethod ?? 'POST',
      sms_application_sid: input.smsApplicationSid ?? null,
      messaging_service_sid: null,
      date_created: now,
      date_updated: now,
    };
    if (!(await this.deps.numbers.insertIfFree(row))) throw errors.phoneNumberUnavailable(described.phoneNumber);
    return row;
  }

  list(accountSid: string, filter: PhoneNumberFilter, page: PageQuery): Promise<Page<PhoneNumberRow>> {
    return this.deps.numbers.list(accountSid, filter, page);
  }

  async find(accountSid: string, sid: string): Promise<PhoneNumberRow> {
    const row = await this.deps.numbers.findOwned(accountSid, sid);
    if (!row) throw errors.notFound('IncomingPhoneNumber', sid);
    return row;
  }

  async update(accountSid: AccountSid, sid: string, settings: NumberSettings): Promise<PhoneNumberRow> {
    const row = await this.find(accountSid, sid);
    await this.assertApplications(accountSid, settings);
    const changes: PhoneNumberChanges = { date_updated: this.deps.clock.now() };
    const set = <K extends keyof PhoneNumberChanges>(key: K, value: PhoneNumberChanges[K] | undefined) => {
      if (value !== undefined) changes[key] = value;
    };
    set('friendly_name', settings.friendlyName);
    set('voice_url', settings.voiceUrl);
    set('voice_method', settings.voiceMethod);
    set('voice_fallback_url', settings.voiceFallbackUrl);
    set('voice_fallback_method', settings.voiceFallbackMethod);
    set('voice_caller_id_lookup', settings.voiceCallerIdLookup === undefined ? undefined : settings.voiceCallerIdLookup ? 1 : 0);
    set('voice_application_sid', settings.voiceApplicationSid);
    set('status_callback', settings.statusCallback);
    set('status_callback_method', settings.statusCallbackMethod);
    set('sms_url', settings.smsUrl);
    set('sms_method', settings.smsMethod);
    set('sms_fallback_url', settings.smsFallbackUrl);
    set('sms_fallback_method', settings.smsFallbackMethod);
    set('sms_application_sid', settings.smsApplicationSid);
    await this.deps.numbers.update(accountSid, sid, changes);
    return { ...row, ...changes };
  }

  async release(accountSid: string, sid: string): Promise<void> {
    if (!(await this.deps.numbers.delete(accountSid, sid))) throw errors.notFound('IncomingPhoneNumber', sid);
  }

  /** The owner of a number, if any account owns it: how inbound messages and calls are routed. */
  owner(phoneNumber: string): Promise<PhoneNumberRow | undefined> {
    return this.deps.numbers.findByNumber(phoneNumber);
  }

  private async assertApplications(accountSid: string, s: NumberSettings): Promise<void> {
    for (const [name, sid] of [
      ['VoiceApplicationSid', s.voiceApplicationSid],
      ['SmsApplicationSid', s.smsApplicationSid],
    ] as const) {
      if (sid && !(await this.deps.applications.findOwned(accountSid, sid))) throw errors.invalidApplicationSid(name);
    }
  }
}

/** Twilio's Contains: digits, `*` for any digit, letters as on a phone keypad. */
function containsMatcher(pattern: string): (e164: string) => boolean {
  const keypad: Record<string, string> = {
    A: '2',
    B: '2',
    C: '2',
    D: '3',
    E: '3',
    F: '3',
    G: '4',
    H: '4',
    I: '4',
    J: '5',
    K: '5',
    L: '5',
    M: '6',
    N: '6',
    O: '6',
    P: '7',
    Q: '7',
    R: '7',
    S: '7',
    T: '8',
    U: '8',
    V: '8',
    W: '9',
    X: '9',
    Y: '9',
    Z: '9',
  };
  const source = [...pattern.toUpperCase()].map((ch) => (ch === '*' ? '\\d' : /\d/.test(ch) ? ch : (keypad[ch] ?? ''))).join('');
  const re = new RegExp(source);
  return (e164) => re.test(e164);
}
