import type { Kysely } from 'kysely';

// Released migrations are never edited: add a new file instead.
// Column types are the portable subset: text, integer, bigint (epoch ms), so SQLite and PostgreSQL match.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('parent_sid', 'text')
    .addColumn('friendly_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('auth_token', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_parent').on('accounts').columns(['parent_sid', 'date_created', 'sid']).execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('friendly_name', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('flavor', 'text', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_keys_account').on('api_keys').columns(['account_sid', 'date_created', 'sid']).execute();

  const callbacks = (t: ReturnType<Kysely<unknown>['schema']['createTable']>) =>
    t
      .addColumn('voice_url', 'text')
      .addColumn('voice_method', 'text', (c) => c.notNull())
      .addColumn('voice_fallback_url', 'text')
      .addColumn('voice_fallback_method', 'text', (c) => c.notNull())
      .addColumn('voice_caller_id_lookup', 'integer', (c) => c.notNull())
      .addColumn('status_callback', 'text')
      .addColumn('status_callback_method', 'text', (c) => c.notNull())
      .addColumn('sms_url', 'text')
      .addColumn('sms_method', 'text', (c) => c.notNull())
      .addColumn('sms_fallback_url', 'text')
      .addColumn('sms_fallback_method', 'text', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull());

  await callbacks(
    db.schema
      .createTable('phone_numbers')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('phone_number', 'text', (c) => c.notNull().unique())
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('iso_country', 'text', (c) => c.notNull())
      .addColumn('number_type', 'text', (c) => c.notNull())
      .addColumn('voice_application_sid', 'text')
      .addColumn('sms_application_sid', 'text')
      .addColumn('messaging_service_sid', 'text'),
  ).execute();
  await db.schema.createIndex('phone_numbers_account').on('phone_numbers').columns(['account_sid', 'date_created', 'sid']).execute();

  await callbacks(
    db.schema
      .createTable('applications')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('api_version', 'text', (c) => c.notNull())
      .addColumn('sms_status_callback', 'text')
      .addColumn('message_status_callback', 'text')
      .addColumn('public_application_connect_enabled', 'integer', (c) => c.notNull()),
  ).execute();
  await db.schema.createIndex('applications_account').on('applications').columns(['account_sid', 'date_created', 'sid']).execute();

  await db.schema
    .createTable('webhook_requests')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('resource_sid', 'text')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('request_headers', 'text', (c) => c.notNull())
    .addColumn('request_body', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_headers', 'text')
    .addColumn('response_body', 'text')
    .addColumn('latency_ms', 'integer')
    .addColumn('error_code', 'integer')
    .addColumn('error_message', 'text')
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_requests_account').on('webhook_requests').columns(['account_sid', 'date_created', 'sid']).execute();
  await db.schema.createIndex('webhook_requests_resource').on('webhook_requests').columns(['resource_sid']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('resource_sid', 'text')
    .addColumn('error_code', 'integer', (c) => c.notNull())
    .addColumn('log_level', 'text', (c) => c.notNull())
    .addColumn('alert_text', 'text', (c) => c.notNull())
    .addColumn('request_url', 'text')
    .addColumn('request_method', 'text')
    .addColumn('webhook_request_sid', 'text')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_account').on('alerts').columns(['account_sid', 'date_created', 'sid']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['queue', 'run_at']).execute();
}
