import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database, OutgoingCallerIdsTable } from '../schema.js';

export type OutgoingCallerIdRow = OutgoingCallerIdsTable;

export class OutgoingCallerIdsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** False when the account has already verified this number. */
  async insertIfNew(row: OutgoingCallerIdRow): Promise<boolean> {
    const r = await this.db
      .insertInto('outgoing_caller_ids')
      .values(row)
      .onConflict((oc) => oc.columns(['account_sid', 'phone_number']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async find(accountSid: string, sid: string): Promise<OutgoingCallerIdRow | undefined> {
    return this.db.selectFrom('outgoing_caller_ids').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  /** Is this number one the account verified? (What a From or Dial callerId check asks.) */
  async isVerified(accountSid: string, phoneNumber: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('outgoing_caller_ids')
      .select('sid')
      .where('account_sid', '=', accountSid)
      .where('phone_number', '=', phoneNumber)
      .executeTakeFirst();
    return row !== undefined;
  }

  async list(
    accountSid: string,
    filter: { phoneNumber?: string | undefined; friendlyName?: string | undefined },
    page: PageQuery,
  ): Promise<Page<OutgoingCallerIdRow>> {
    let q = this.db.selectFrom('outgoing_caller_ids').selectAll().where('account_sid', '=', accountSid);
    if (filter.phoneNumber !== undefined) q = q.where('phone_number', '=', filter.phoneNumber);
    if (filter.friendlyName !== undefined) q = q.where('friendly_name', '=', filter.friendlyName);
    return paginate(q, 'desc', page);
  }

  async rename(accountSid: string, sid: string, friendlyName: string, now: number): Promise<void> {
    await this.db
      .updateTable('outgoing_caller_ids')
      .set({ friendly_name: friendlyName, date_updated: now })
      .where('sid', '=', sid)
      .where('account_sid', '=', accountSid)
      .execute();
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('outgoing_caller_ids').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
