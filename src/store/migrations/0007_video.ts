import { sql, type Kysely, type Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/** Programmable Video: rooms, participants, published tracks, subscriptions and track recordings. */
export const videoMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('video_rooms')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('unique_name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('max_participants', 'integer', (c) => c.notNull())
      .addColumn('max_participant_duration', 'integer', (c) => c.notNull())
      .addColumn('status_callback', 'text')
      .addColumn('status_callback_method', 'text', (c) => c.notNull())
      .addColumn('record_participants_on_connect', 'integer', (c) => c.notNull())
      .addColumn('video_codecs', 'text')
      .addColumn('audio_only', 'integer', (c) => c.notNull())
      .addColumn('empty_room_timeout', 'integer', (c) => c.notNull())
      .addColumn('unused_room_timeout', 'integer', (c) => c.notNull())
      .addColumn('callback_seq', 'integer', (c) => c.notNull())
      .addColumn('media_node', 'text')
      .addColumn('end_time', 'bigint')
      .addColumn('duration', 'integer')
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('video_rooms_account').on('video_rooms').columns(['account_sid', 'date_created', 'sid']).execute();
    // One in-progress room per name and account: the database refuses a second one (53113) even when two
    // nodes create it at the same moment. A partial unique index, which SQLite and PostgreSQL both have.
    await db.schema
      .createIndex('video_rooms_live_name')
      .unique()
      .on('video_rooms')
      .columns(['account_sid', 'unique_name'])
      .where(sql.ref('status'), '=', 'in-progress')
      .execute();

    await db.schema
      .createTable('video_participants')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('room_sid', 'text', (c) => c.notNull())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('identity', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('start_time', 'bigint')
      .addColumn('end_time', 'bigint')
      .addColumn('duration', 'integer')
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('video_participants_room').on('video_participants').columns(['room_sid', 'date_created', 'sid']).execute();

    await db.schema
      .createTable('video_tracks')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('room_sid', 'text', (c) => c.notNull())
      .addColumn('participant_sid', 'text', (c) => c.notNull())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('video_tracks_participant').on('video_tracks').columns(['participant_sid', 'date_created', 'sid']).execute();

    await db.schema
      .createTable('video_subscriptions')
      .addColumn('sid', 'text', (c) => c.notNull())
      .addColumn('participant_sid', 'text', (c) => c.notNull())
      .addColumn('publisher_sid', 'text', (c) => c.notNull())
      .addColumn('room_sid', 'text', (c) => c.notNull())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('video_subscriptions_pk', ['participant_sid', 'sid'])
      .execute();

    await db.schema
      .createTable('video_recordings')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('room_sid', 'text', (c) => c.notNull())
      .addColumn('source_sid', 'text', (c) => c.notNull())
      .addColumn('participant_sid', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('container_format', 'text', (c) => c.notNull())
      .addColumn('codec', 'text', (c) => c.notNull())
      .addColumn('track_name', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint')
      .addColumn('duration', 'integer')
      .addColumn('offset', 'bigint', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('video_recordings_account').on('video_recordings').columns(['account_sid', 'date_created', 'sid']).execute();
    await db.schema.createIndex('video_recordings_room').on('video_recordings').columns(['room_sid', 'date_created', 'sid']).execute();
  },
};
