import type { Kysely, Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/**
 * The cookies apps set on webhooks, one row per jar: an SMS conversation (`sms:<To>|<From>`) or a call
 * (`call:<CallSid>`) of an account. The cookies are JSON; `expires_at` is the latest of their expiries, so
 * a sweep deletes whole jars nobody will send again.
 */
export const webhookCookiesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('webhook_cookies')
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('jar', 'text', (c) => c.notNull())
      .addColumn('cookies', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_cookies_pk', ['account_sid', 'jar'])
      .execute();
    await db.schema.createIndex('webhook_cookies_expiry').on('webhook_cookies').column('expires_at').execute();
  },
};
