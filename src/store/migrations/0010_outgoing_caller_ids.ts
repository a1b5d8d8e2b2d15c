import type { Kysely, Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/** Verified caller IDs (2010 OutgoingCallerIds): numbers an account proved it can answer, one row per account and number. */
export const outgoingCallerIdsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('outgoing_caller_ids')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('phone_number', 'text', (c) => c.notNull())
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('outgoing_caller_ids_number', ['account_sid', 'phone_number'])
      .execute();
    await db.schema.createIndex('outgoing_caller_ids_account').on('outgoing_caller_ids').columns(['account_sid', 'date_created', 'sid']).execute();
  },
};
