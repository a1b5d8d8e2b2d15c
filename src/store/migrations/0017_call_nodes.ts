import type { Kysely, Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/**
 * The voice nodes sharing one database (docs/architecture.md, "Voice on several nodes"). A live call's row
 * names the node running its SIP dialog and media (`calls.node_id`, since 0006); this table says how to
 * reach that node: the URL of its internal call-control endpoint and the key requests to it are signed
 * with, whether it places outbound calls (its SIP endpoint is up and it is not draining), how many calls
 * it runs and may run, and its heartbeat. Rows are written by each node for itself.
 */
export const callNodesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('call_nodes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('control_url', 'text', (c) => c.notNull())
      .addColumn('control_key', 'text', (c) => c.notNull())
      .addColumn('sip_address', 'text')
      .addColumn('accepting', 'integer', (c) => c.notNull())
      .addColumn('live_calls', 'integer', (c) => c.notNull())
      .addColumn('max_calls', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
