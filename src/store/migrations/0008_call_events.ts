import type { Kysely, Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/** The verbs each call ran, in order: the console's call timeline and GET /switchboard/v1/Calls/{Sid}/Events. */
export const callEventsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('call_events')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('call_sid', 'text', (c) => c.notNull())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('verb', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('call_events_call').on('call_events').columns(['call_sid', 'date_created', 'sid']).execute();
  },
};
