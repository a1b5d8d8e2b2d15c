import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, MessagingServicesTable } from '../schema.js';
import type { Executor } from '../transactor.js';
import type { PhoneNumberRow } from './phone-numbers.js';

export type MessagingServiceRow = MessagingServicesTable;
export type MessagingServiceChanges = Partial<Omit<MessagingServiceRow, 'sid' | 'account_sid' | 'date_created'>>;

export class MessagingServicesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: MessagingServiceRow): Promise<void> {
    await this.db.insertInto('messaging_services').values(row).execute();
  }

  async findOwned(accountSid: string, sid: string, ex: Executor = this.db): Promise<MessagingServiceRow | undefined> {
    return ex.selectFrom('messaging_services').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async list(accountSid: string, page: PageQuery): Promise<Page<MessagingServiceRow>> {
    return paginate(this.db.selectFrom('messaging_services').selectAll().where('account_sid', '=', accountSid), 'asc', page);
  }

  async update(accountSid: string, sid: string, changes: MessagingServiceChanges): Promise<void> {
    await this.db.updateTable('messaging_services').set(changes).where('sid', '=', sid).where('account_sid', '=', accountSid).execute();
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Another account's service is not touched at all: its numbers keep their service (checked first).
      const own = await trx.selectFrom('messaging_services').select('sid').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
      if (!own) return false;
      await trx.updateTable('phone_numbers').set({ messaging_service_sid: null }).where('messaging_service_sid', '=', sid).execute();
      await trx.deleteFrom('sticky_senders').where('service_sid', '=', sid).execute();
      const r = await trx.deleteFrom('messaging_services').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  /** The sender pool: numbers of the account attached to the service. */
  async senders(serviceSid: string, ex: Executor = this.db): Promise<PhoneNumberRow[]> {
    return ex.selectFrom('phone_numbers').selectAll().where('messaging_service_sid', '=', serviceSid).orderBy('date_created').orderBy('sid').execute();
  }

  async listSenders(serviceSid: string, page: PageQuery): Promise<Page<PhoneNumberRow>> {
    return paginate(this.db.selectFrom('phone_numbers').selectAll().where('messaging_service_sid', '=', serviceSid), 'asc', page);
  }

  /** Attaches a number; false when it already belongs to another service. */
  async attach(accountSid: string, serviceSid: string, phoneNumberSid: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('phone_numbers')
      .set({ messaging_service_sid: serviceSid, date_updated: now })
      .where('sid', '=', phoneNumberSid)
      .where('account_sid', '=', accountSid)
      .where((eb) => eb.or([eb('messaging_service_sid', 'is', null), eb('messaging_service_sid', '=', serviceSid)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async detach(serviceSid: string, phoneNumberSid: string): Promise<boolean> {
    const r = await this.db
      .updateTable('phone_numbers')
      .set({ messaging_service_sid: null })
      .where('sid', '=', phoneNumberSid)
      .where('messaging_service_sid', '=', serviceSid)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async stickySender(serviceSid: string, recipient: string, ex: Executor = this.db): Promise<string | undefined> {
    return (await ex.selectFrom('sticky_senders').select('sender').where('service_sid', '=', serviceSid).where('recipient', '=', recipient).executeTakeFirst())
      ?.sender;
  }

  async setStickySender(serviceSid: string, recipient: string, sender: string, ex: Executor = this.db): Promise<void> {
    await ex
      .insertInto('sticky_senders')
      .values({ service_sid: serviceSid, recipient, sender })
      .onConflict((oc) => oc.columns(['service_sid', 'recipient']).doUpdateSet({ sender }))
      .execute();
  }
}
