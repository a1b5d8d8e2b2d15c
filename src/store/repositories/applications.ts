import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { ApplicationsTable, Database } from '../schema.js';

export type ApplicationRow = ApplicationsTable;
export type ApplicationChanges = Partial<Omit<ApplicationRow, 'sid' | 'account_sid' | 'date_created'>>;

export class ApplicationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ApplicationRow): Promise<void> {
    await this.db.insertInto('applications').values(row).execute();
  }

  async findOwned(accountSid: string, sid: string): Promise<ApplicationRow | undefined> {
    return this.db.selectFrom('applications').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async list(accountSid: string, filter: { friendlyName?: string | undefined }, page: PageQuery): Promise<Page<ApplicationRow>> {
    let q = this.db.selectFrom('applications').selectAll().where('account_sid', '=', accountSid);
    if (filter.friendlyName !== undefined) q = q.where('friendly_name', '=', filter.friendlyName);
    return paginate(q, 'asc', page);
  }

  async update(accountSid: string, sid: string, changes: ApplicationChanges): Promise<void> {
    await this.db.updateTable('applications').set(changes).where('sid', '=', sid).where('account_sid', '=', accountSid).execute();
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('applications').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
