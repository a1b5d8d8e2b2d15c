import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { newOrderedSid } from '../core/sid.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { ApplicationChanges, ApplicationRow, ApplicationsRepository } from '../store/repositories/applications.js';

/** The settable fields of an Application (AP...), by column; undefined leaves a field as it is. */
export type ApplicationInput = Partial<Omit<ApplicationRow, 'sid' | 'account_sid' | 'date_created' | 'date_updated'>>;

export class ApplicationsService {
  constructor(
    private readonly repo: ApplicationsRepository,
    private readonly clock: Clock,
  ) {}

  async create(accountSid: string, input: ApplicationInput): Promise<ApplicationRow> {
    const now = this.clock.now();
    const row: ApplicationRow = {
      sid: newOrderedSid('AP', now),
      account_sid: accountSid,
      friendly_name: '',
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
      public_application_connect_enabled: 1,
      date_created: now,
      date_updated: now,
      ...stripUndefined(input),
    };
    await this.repo.insert(row);
    return row;
  }

  async find(accountSid: string, sid: string): Promise<ApplicationRow> {
    const row = await this.repo.findOwned(accountSid, sid);
    if (!row) throw errors.notFound('Application', sid);
    return row;
  }

  /** For routing: an application of this account, or undefined. */
  get(accountSid: string, sid: string): Promise<ApplicationRow | undefined> {
    return this.repo.findOwned(accountSid, sid);
  }

  list(accountSid: string, filter: { friendlyName?: string | undefined }, page: PageQuery): Promise<Page<ApplicationRow>> {
    return this.repo.list(accountSid, filter, page);
  }

  async update(accountSid: string, sid: string, input: ApplicationInput): Promise<ApplicationRow> {
    const row = await this.find(accountSid, sid);
    const changes: ApplicationChanges = { ...stripUndefined(input), date_updated: this.clock.now() };
    await this.repo.update(accountSid, sid, changes);
    return { ...row, ...changes };
  }

  async delete(accountSid: string, sid: string): Promise<void> {
    if (!(await this.repo.delete(accountSid, sid))) throw errors.notFound('Application', sid);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
