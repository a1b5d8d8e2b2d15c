import type { Kysely } from 'kysely';
import type { Database, WebhookCookiesTable } from '../schema.js';

export type WebhookCookiesRow = WebhookCookiesTable;

/** Cookie jars of SMS conversations and calls (webhooks/cookies.ts decides what goes in them). */
export class WebhookCookiesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(accountSid: string, jar: string, now: number): Promise<WebhookCookiesRow | undefined> {
    return this.db
      .selectFrom('webhook_cookies')
      .selectAll()
      .where('account_sid', '=', accountSid)
      .where('jar', '=', jar)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  async save(row: WebhookCookiesRow): Promise<void> {
    await this.db
      .insertInto('webhook_cookies')
      .values(row)
      .onConflict((oc) => oc.columns(['account_sid', 'jar']).doUpdateSet({ cookies: row.cookies, expires_at: row.expires_at, date_updated: row.date_updated }))
      .execute();
  }

  async delete(accountSid: string, jar: string): Promise<void> {
    await this.db.deleteFrom('webhook_cookies').where('account_sid', '=', accountSid).where('jar', '=', jar).execute();
  }

  /** Deletes every jar whose cookies have all expired; returns how many. */
  async deleteExpired(now: number): Promise<number> {
    const r = await this.db.deleteFrom('webhook_cookies').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
