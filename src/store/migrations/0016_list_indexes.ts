import { type Kysely, type Migration, sql } from 'kysely';

// Released migrations are never edited: add a new file instead.
/**
 * Index shapes for lists over millions of rows (`npm run bench:scale`, docs/benchmarks.md). Lists are read
 * newest first by (date_created, sid), so a filter's index carries that order after the filter's columns:
 * the first page is the first 51 index entries instead of every matching row sorted (a sender with 100,000
 * messages had to sort them all). Failed webhook records get a partial index of their own (the inspector's
 * "failed only" would otherwise walk the whole log to find a few), and alerts an index by resource (a
 * message's or call's detail page lists its alerts).
 */
export const listIndexesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('messages_account_to_created').on('messages').columns(['account_sid', 'to_number', 'date_created', 'sid']).execute();
    await db.schema.dropIndex('messages_account_to').execute();
    await db.schema.createIndex('messages_account_from_created').on('messages').columns(['account_sid', 'from_number', 'date_created', 'sid']).execute();
    await db.schema.dropIndex('messages_account_from').execute();
    await db.schema
      .createIndex('webhook_requests_failed')
      .on('webhook_requests')
      .columns(['account_sid', 'date_created', 'sid'])
      .where(sql<boolean>`error_code is not null`)
      .execute();
    await db.schema.createIndex('alerts_resource').on('alerts').columns(['resource_sid', 'date_created', 'sid']).execute();
  },
};
