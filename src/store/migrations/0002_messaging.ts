import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../db.js';

// Released migrations are never edited: add a new file instead.
export function messagingMigration(dialect: DialectName): Migration {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('messages')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('messaging_service_sid', 'text')
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('from_number', 'text', (c) => c.notNull())
        .addColumn('to_number', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('num_segments', 'integer', (c) => c.notNull())
        .addColumn('num_media', 'integer', (c) => c.notNull())
        .addColumn('encoding', 'text', (c) => c.notNull())
        .addColumn('error_code', 'integer')
        .addColumn('error_message', 'text')
        .addColumn('status_callback', 'text')
        .addColumn('application_sid', 'text')
        .addColumn('validity_period', 'integer')
        .addColumn('send_at', 'bigint')
        .addColumn('carrier', 'text')
        .addColumn('carrier_ids', 'text')
        .addColumn('media_urls', 'text')
        .addColumn('run_at', 'bigint')
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('date_created', 'bigint', (c) => c.notNull())
        .addColumn('date_updated', 'bigint', (c) => c.notNull())
        .addColumn('date_sent', 'bigint')
        .execute();
      await db.schema.createIndex('messages_account').on('messages').columns(['account_sid', 'date_created', 'sid']).execute();
      await db.schema.createIndex('messages_account_to').on('messages').columns(['account_sid', 'to_number']).execute();
      await db.schema.createIndex('messages_account_from').on('messages').columns(['account_sid', 'from_number']).execute();
      // Pending outbound work: only rows with run_at set are in this index, so claims stay cheap.
      await db.schema.createIndex('messages_due').on('messages').columns(['run_at']).where('run_at', 'is not', null).execute();

      await db.schema
        .createTable('message_media')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('message_sid', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('data', blob, (c) => c.notNull())
        .addColumn('date_created', 'bigint', (c) => c.notNull())
        .addColumn('date_updated', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('message_media_message').on('message_media').columns(['message_sid', 'date_created', 'sid']).execute();

      // Per-sender send schedule: the next free slot under the sender's MPS, shared by every node. Fractional
      // milliseconds: above 1000 segments/s a segment's slot is shorter than a millisecond.
      await db.schema
        .createTable('sender_schedule')
        .addColumn('sender', 'text', (c) => c.primaryKey())
        .addColumn('next_free_at', 'double precision', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('opt_outs')
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('date_created', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('opt_outs_pk', ['account_sid', 'sender', 'recipient'])
        .execute();

      await db.schema
        .createTable('messaging_services')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('friendly_name', 'text', (c) => c.notNull())
        .addColumn('inbound_request_url', 'text')
        .addColumn('inbound_method', 'text', (c) => c.notNull())
        .addColumn('fallback_url', 'text')
        .addColumn('fallback_method', 'text', (c) => c.notNull())
        .addColumn('status_callback', 'text')
        .addColumn('sticky_sender', 'integer', (c) => c.notNull())
        .addColumn('smart_encoding', 'integer', (c) => c.notNull())
        .addColumn('validity_period', 'integer', (c) => c.notNull())
        .addColumn('use_inbound_webhook_on_number', 'integer', (c) => c.notNull())
        .addColumn('area_code_geomatch', 'integer', (c) => c.notNull())
        .addColumn('fallback_to_long_code', 'integer', (c) => c.notNull())
        .addColumn('mms_converter', 'integer', (c) => c.notNull())
        .addColumn('date_created', 'bigint', (c) => c.notNull())
        .addColumn('date_updated', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('messaging_services_account').on('messaging_services').columns(['account_sid', 'date_created', 'sid']).execute();
      await db.schema.createIndex('phone_numbers_service').on('phone_numbers').columns(['messaging_service_sid']).execute();

      await db.schema
        .createTable('sticky_senders')
        .addColumn('service_sid', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sticky_senders_pk', ['service_sid', 'recipient'])
        .execute();

      // What each virtual phone (a number no account owns) received and sent, per account.
      await db.schema
        .createTable('virtual_phone_messages')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('account_sid', 'text', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('peer', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('media', 'text', (c) => c.notNull())
        .addColumn('message_sid', 'text', (c) => c.notNull().unique())
        .addColumn('date_created', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('virtual_phone_messages_phone')
        .on('virtual_phone_messages')
        .columns(['account_sid', 'phone', 'date_created', 'sid'])
        .execute();
    },
  };
}
