import type { Kysely, Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/**
 * Transcriptions of recordings (<Record transcribe>; the 2010 Transcriptions resource): one row per
 * transcription, `in-progress` until the recognizer answers, then `completed` (with its text) or `failed`.
 * They outlive their recording (Twilio keeps a transcription when its recording is deleted).
 * Also the calls' `answered_by` (answering machine detection, voice/amd/): null unless MachineDetection ran.
 */
export const transcriptionsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('transcriptions')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('recording_sid', 'text', (c) => c.notNull())
      .addColumn('call_sid', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('transcription_text', 'text')
      .addColumn('duration', 'integer', (c) => c.notNull())
      .addColumn('error_code', 'integer')
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('transcriptions_account').on('transcriptions').columns(['account_sid', 'date_created']).execute();
    await db.schema.alterTable('calls').addColumn('answered_by', 'text').execute();
    await db.schema.createIndex('transcriptions_recording').on('transcriptions').columns(['recording_sid']).execute();
  },
};
