import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { ApiKeysTable, Database } from '../schema.js';

export type ApiKeyRow = ApiKeysTable;

export class ApiKeysRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ApiKeyRow): Promise<void> {
    await this.db.insertInto('api_keys').values(row).execute();
  }

  async find(sid: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('sid', '=', sid).executeTakeFirst();
  }

  async findOwned(accountSid: string, sid: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  async list(accountSid: string, page: PageQuery): Promise<Page<ApiKeyRow>> {
    return paginate(this.db.selectFrom('api_keys').selectAll().where('account_sid', '=', accountSid), 'asc', page);
  }

  async update(accountSid: string, sid: string, friendlyName: string, now: number): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set({ friendly_name: friendlyName, date_updated: now })
      .where('sid', '=', sid)
      .where('account_sid', '=', accountSid)
      .execute();
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('api_keys').where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
