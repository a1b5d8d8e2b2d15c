import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { newSid } from '../core/sid.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { MessagingServiceChanges, MessagingServiceRow, MessagingServicesRepository } from '../store/repositories/messaging-services.js';
import type { PhoneNumberRow, PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';

export type ServiceInput = Partial<Omit<MessagingServiceRow, 'sid' | 'account_sid' | 'date_created' | 'date_updated'>>;

/** Messaging Services (MG...): a sender pool with shared inbound and status-callback settings. */
export class MessagingServicesService {
  constructor(
    private readonly repo: Pick<MessagingServicesRepository, 'insert' | 'findOwned' | 'list' | 'update' | 'delete' | 'attach' | 'listSenders' | 'detach'>,
    private readonly numbers: Pick<PhoneNumbersRepository, 'findOwned'>,
    private readonly clock: Clock,
  ) {}

  async create(accountSid: string, input: ServiceInput): Promise<MessagingServiceRow> {
    if (!input.friendly_name) throw errors.missingParameter('FriendlyName');
    const now = this.clock.now();
    const row: MessagingServiceRow = {
      sid: newSid('MG'),
      account_sid: accountSid,
      friendly_name: input.friendly_name,
      inbound_request_url: null,
      inbound_method: 'POST',
      fallback_url: null,
      fallback_method: 'POST',
      status_callback: null,
      sticky_sender: 1,
      smart_encoding: 1,
      validity_period: 36000,
      use_inbound_webhook_on_number: 0,
      area_code_geomatch: 1,
      fallback_to_long_code: 1,
      mms_converter: 1,
      date_created: now,
      date_updated: now,
      ...defined(input),
    };
    await this.repo.insert(row);
    return row;
  }

  async find(accountSid: string, sid: string): Promise<MessagingServiceRow> {
    const row = await this.repo.findOwned(accountSid, sid);
    if (!row) throw errors.notFound('Messaging Service', sid);
    return row;
  }

  /** For callers that only ask whether the account has this service: the row, or undefined. */
  get(accountSid: string, sid: string): Promise<MessagingServiceRow | undefined> {
    return this.repo.findOwned(accountSid, sid);
  }

  list(accountSid: string, page: PageQuery): Promise<Page<MessagingServiceRow>> {
    return this.repo.list(accountSid, page);
  }

  async update(accountSid: string, sid: string, input: ServiceInput): Promise<MessagingServiceRow> {
    const row = await this.find(accountSid, sid);
    const changes: MessagingServiceChanges = { ...defined(input), date_updated: this.clock.now() };
    await this.repo.update(accountSid, sid, changes);
    return { ...row, ...changes };
  }

  async delete(accountSid: string, sid: string): Promise<void> {
    if (!(await this.repo.delete(accountSid, sid))) throw errors.notFound('Messaging Service', sid);
  }

  async addSender(accountSid: string, serviceSid: string, phoneNumberSid: string): Promise<PhoneNumberRow> {
    await this.find(accountSid, serviceSid);
    const number = await this.numbers.findOwned(accountSid, phoneNumberSid);
    if (!number) throw errors.invalidParameter('PhoneNumberSid', 'is not a phone number of this account');
    if (!(await this.repo.attach(accountSid, serviceSid, phoneNumberSid, this.clock.now()))) throw errors.phoneNumberInOtherService();
    return { ...number, messaging_service_sid: serviceSid };
  }

  async listSenders(accountSid: string, serviceSid: string, page: PageQuery): Promise<Page<PhoneNumberRow>> {
    await this.find(accountSid, serviceSid);
    return this.repo.listSenders(serviceSid, page);
  }

  async findSender(accountSid: string, serviceSid: string, phoneNumberSid: string): Promise<PhoneNumberRow> {
    const n = await this.numbers.findOwned(accountSid, phoneNumberSid);
    if (!n || n.messaging_service_sid !== serviceSid) throw errors.notFound('Messaging Service PhoneNumber', phoneNumberSid);
    return n;
  }

  async removeSender(accountSid: string, serviceSid: string, phoneNumberSid: string): Promise<void> {
    await this.findSender(accountSid, serviceSid, phoneNumberSid);
    await this.repo.detach(serviceSid, phoneNumberSid);
  }
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
