import type { Kysely, Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/**
 * Call queues (2010 Queues) and their members: one row per waiting call, so every node's API sees the line;
 * only the live call itself is in the memory of the node that runs it.
 */
export const queuesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('queues')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('max_size', 'integer', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('queues_account_name', ['account_sid', 'friendly_name'])
      .execute();
    await db.schema.createIndex('queues_account').on('queues').columns(['account_sid', 'date_created', 'sid']).execute();
    await db.schema
      .createTable('queue_members')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('call_sid', 'text', (c) => c.notNull().unique())
      .addColumn('queue_sid', 'text', (c) => c.notNull())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('queue_members_line').on('queue_members').columns(['queue_sid', 'date_created', 'sid']).execute();
  },
};
