import { type Kysely, type Migration, sql } from 'kysely';

// Released migrations are never edited: add a new file instead.
/**
 * Indexes the retention pruner (src/retention/) walks, oldest first, so each of its small batches is an
 * index range read instead of a table scan. New rows append at the right edge of each (date_created only
 * grows), which is the cheapest index write there is. Messages are indexed only while their body is still
 * there: redacted rows leave the index, so it shrinks as the pruner catches up.
 */
export const retentionMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('webhook_requests_created').on('webhook_requests').column('date_created').execute();
    await db.schema.createIndex('alerts_created').on('alerts').column('date_created').execute();
    await db.schema.createIndex('message_media_created').on('message_media').column('date_created').execute();
    await db.schema.createIndex('recordings_created').on('recordings').column('date_created').execute();
    await db.schema.createIndex('virtual_phone_messages_created').on('virtual_phone_messages').column('date_created').execute();
    // A literal predicate (not a bound parameter), so both planners can match the pruner's query to it.
    await db.schema.createIndex('messages_unredacted').on('messages').column('date_created').where(sql<boolean>`body <> ''`).execute();
  },
};
