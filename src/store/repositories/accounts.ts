import type { Kysely } from 'kysely';
import type { AccountSid } from '../../core/sid.js';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { AccountsTable, Database } from '../schema.js';

export type AccountRow = AccountsTable;

export class AccountsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: AccountRow): Promise<void> {
    await this.db.insertInto('accounts').values(row).execute();
  }

  async find(sid: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom('accounts').selectAll().where('sid', '=', sid).executeTakeFirst();
  }

  /** The account itself and its subaccounts: what an account's credentials may see. */
  async listVisible(owner: AccountSid, filter: { friendlyName?: string; status?: string }, page: PageQuery): Promise<Page<AccountRow>> {
    let q = this.db.selectFrom('accounts').selectAll()
      .where((eb) => eb.or([eb('sid', '=', owner), eb('parent_sid', '=', owner)]));
    if (filter.friendlyName !== undefined) q = q.where('friendly_name', '=', filter.friendlyName);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    return paginate(q, 'asc', page);
  }

  async update(sid: string, changes: Partial<Pick<AccountRow, 'friendly_name' | 'status' | 'auth_token'>>, now: number): Promise<void> {
    await this.db.updateTable('accounts').set({ ...changes, date_updated: now }).where('sid', '=', sid).execute();
  }
}
