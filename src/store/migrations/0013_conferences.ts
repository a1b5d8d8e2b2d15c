import type { Kysely, Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/**
 * Conferences (2010 Conferences) and their current participants (a row per call while it is in the
 * conference, removed when it leaves, as Twilio's Participants list shows only current ones). `node_id`
 * runs the conference's mixer. Recordings gain the conference they were made in.
 */
export const conferencesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('conferences')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('reason_conference_ended', 'text')
      .addColumn('call_sid_ending_conference', 'text')
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('conferences_account').on('conferences').columns(['account_sid', 'date_created', 'sid']).execute();
    await db.schema
      .createTable('conference_participants')
      .addColumn('conference_sid', 'text', (c) => c.notNull())
      .addColumn('call_sid', 'text', (c) => c.notNull())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('label', 'text')
      .addColumn('muted', 'integer', (c) => c.notNull())
      .addColumn('hold', 'integer', (c) => c.notNull())
      .addColumn('call_sid_to_coach', 'text')
      .addColumn('start_conference_on_enter', 'integer', (c) => c.notNull())
      .addColumn('end_conference_on_exit', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('conference_participants_pk', ['conference_sid', 'call_sid'])
      .execute();
    await db.schema.alterTable('recordings').addColumn('conference_sid', 'text').execute();
  },
};
