import { sql, type Kysely, type Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/**
 * Live nodes sharing one database (each node's heartbeat, so limits can be split among the live ones), and
 * the index that lets any node find delivery reports a dead node never applied.
 */
export const clusterMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('cluster_nodes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
      .execute();
    // Messages waiting for a delivery report: a partial index, so only rows in 'sent' are in it.
    await db.schema.createIndex('messages_awaiting_report').on('messages').columns(['carrier', 'date_sent']).where(sql.ref('status'), '=', 'sent').execute();
  },
};
