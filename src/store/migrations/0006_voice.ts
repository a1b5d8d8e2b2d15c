import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../db.js';

// Released migrations are never edited: add a new file instead.
export function voiceMigration(dialect: DialectName): Migration {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('calls')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('parent_call_sid', 'text')
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('from_number', 'text', (c) => c.notNull())
        .addColumn('to_number', 'text', (c) => c.notNull())
        .addColumn('phone_number_sid', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('start_time', 'bigint')
        .addColumn('end_time', 'bigint')
        .addColumn('duration', 'integer')
        .addColumn('forwarded_from', 'text')
        .addColumn('caller_name', 'text')
        .addColumn('url', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('fallback_url', 'text')
        .addColumn('fallback_method', 'text', (c) => c.notNull())
        .addColumn('twiml', 'text')
        .addColumn('application_sid', 'text')
        .addColumn('status_callback', 'text')
        .addColumn('status_callback_method', 'text', (c) => c.notNull())
        .addColumn('status_callback_events', 'text', (c) => c.notNull())
        .addColumn('callback_seq', 'integer', (c) => c.notNull())
        .addColumn('timeout', 'integer', (c) => c.notNull())
        .addColumn('time_limit', 'integer', (c) => c.notNull())
        .addColumn('send_digits', 'text')
        .addColumn('record', 'integer', (c) => c.notNull())
        .addColumn('node_id', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('date_created', 'bigint', (c) => c.notNull())
        .addColumn('date_updated', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('calls_account').on('calls').columns(['account_sid', 'date_created', 'sid']).execute();
      await db.schema.createIndex('calls_account_to').on('calls').columns(['account_sid', 'to_number']).execute();
      await db.schema.createIndex('calls_parent').on('calls').columns(['parent_call_sid']).execute();
      // Live calls only: what the restart sweep and the lease heartbeat look at.
      await db.schema.createIndex('calls_live').on('calls').columns(['node_id', 'lease_until']).where('lease_until', 'is not', null).execute();

      await db.schema
        .createTable('recordings')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('call_sid', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('channels', 'integer', (c) => c.notNull())
        .addColumn('duration', 'integer', (c) => c.notNull())
        .addColumn('start_time', 'bigint', (c) => c.notNull())
        .addColumn('error_code', 'integer')
        .addColumn('audio', blob, (c) => c.notNull())
        .addColumn('date_created', 'bigint', (c) => c.notNull())
        .addColumn('date_updated', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('recordings_account').on('recordings').columns(['account_sid', 'date_created', 'sid']).execute();
      await db.schema.createIndex('recordings_call').on('recordings').columns(['call_sid', 'date_created', 'sid']).execute();

      // What each simulated phone heard and did on a call: the developer reads it back through the API.
      await db.schema
        .createTable('virtual_call_events')
        .addColumn('call_sid', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('date_created', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('virtual_call_events_pk', ['call_sid', 'seq'])
        .execute();

      await db.schema
        .createTable('virtual_phone_behaviors')
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('behavior', 'text', (c) => c.notNull())
        .addColumn('date_updated', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('virtual_phone_behaviors_pk', ['account_sid', 'phone'])
        .execute();
    },
  };
}
