import type { Kysely, Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
export function carriersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One row per part a carrier accepted: how a delivery receipt (which names only the carrier's id for
      // one part) finds its message after a restart, and where each part's status is kept so a multipart
      // message is aggregated from the database, not from memory.
      await db.schema
        .createTable('message_parts')
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('carrier_id', 'text', (c) => c.notNull())
        .addColumn('message_sid', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_code', 'integer')
        .addColumn('date_updated', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_parts_pk', ['carrier', 'carrier_id'])
        .execute();
      await db.schema.createIndex('message_parts_message').on('message_parts').columns(['message_sid', 'seq']).execute();

      // Carriers added through the API (the carriers file is read at start and is not copied here).
      await db.schema
        .createTable('carriers')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('date_created', 'bigint', (c) => c.notNull())
        .addColumn('date_updated', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
