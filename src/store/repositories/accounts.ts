import type { Kysely } from 'kysely';
import type { AccountSid } from '../../core/sid.js';
import { arg, compiled } from '../compiled.js';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { AccountsTable, Database } from '../schema.js';

export type AccountRow = AccountsTable;

export class AccountsRepository {
  // Every authenticated request reads its account: compiled once.
  private readonly bySid: ReturnType<typeof compiled<AccountRow, [string]>>;

  constructor(private readonly db: Kysely<Database>) {
    this.bySid = compiled<AccountRow, [string]>(db, (q) => q.selectFrom('accounts').selectAll().where('sid', '=', arg(0)));
  }

  async insert(row: AccountRow): Promise<void> {
    await this.db.insertInto('accounts').values(row).execute();
  }

  async find(sid: string): Promise<AccountRow | undefined> {
    return (await this.bySid(null, sid))[0];
  }

  /** The account itself and its subaccounts: what an account's credentials may see. */
  async listVisible(owner: AccountSid, filter: { friendlyName?: string; status?: string }, page: PageQuery): Promise<Page<AccountRow>> {
    let q = this.db
      .selectFrom('accounts')
      .selectAll()
      .where((eb) => eb.or([eb('sid', '=', owner), eb('parent_sid', '=', owner)]));
    if (filter.friendlyName !== undefined) q = q.where('friendly_name', '=', filter.friendlyName);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    return paginate(q, 'asc', page);
  }

  async update(sid: string, changes: Partial<Pick<AccountRow, 'friendly_name' | 'status' | 'auth_token'>>, now: number): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({ ...changes, date_updated: now })
      .where('sid', '=', sid)
      .execute();
  }
}
