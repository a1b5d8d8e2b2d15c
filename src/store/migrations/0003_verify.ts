import { sql, type Kysely, type Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
export const verifyMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('verify_services')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('friendly_name', 'text', (c) => c.notNull())
      .addColumn('code_length', 'integer', (c) => c.notNull())
      .addColumn('lookup_enabled', 'integer', (c) => c.notNull())
      .addColumn('psd2_enabled', 'integer', (c) => c.notNull())
      .addColumn('skip_sms_to_landlines', 'integer', (c) => c.notNull())
      .addColumn('dtmf_input_required', 'integer', (c) => c.notNull())
      .addColumn('tts_name', 'text')
      .addColumn('do_not_share_warning_enabled', 'integer', (c) => c.notNull())
      .addColumn('custom_code_enabled', 'integer', (c) => c.notNull())
      .addColumn('verify_event_subscription_enabled', 'integer', (c) => c.notNull())
      .addColumn('code_lifetime', 'integer', (c) => c.notNull())
      .addColumn('messaging_service_sid', 'text')
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('verify_services_account').on('verify_services').columns(['account_sid', 'date_created', 'sid']).execute();

    await db.schema
      .createTable('verifications')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('service_sid', 'text', (c) => c.notNull())
      .addColumn('to_number', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('code_sealed', 'text')
      .addColumn('locale', 'text', (c) => c.notNull())
      .addColumn('lookup', 'text', (c) => c.notNull())
      .addColumn('send_attempts', 'integer', (c) => c.notNull())
      .addColumn('check_attempts', 'integer', (c) => c.notNull())
      // Unique, and NULL once the verification is over (both dialects allow many NULLs): at most one open
      // verification per service and To, enforced by the database even when creates race.
      .addColumn('open_key', 'text', (c) => c.unique())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .addColumn('date_updated', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('verifications_service_to').on('verifications').columns(['service_sid', 'to_number', 'date_created']).execute();
    // The expiry sweep only looks at open verifications.
    await db.schema.createIndex('verifications_open_expiry').on('verifications').columns(['expires_at']).where(sql.ref('open_key'), 'is not', null).execute();

    await db.schema
      .createTable('verification_attempts')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('account_sid', 'text', (c) => c.notNull())
      .addColumn('verification_sid', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('channel_sid', 'text')
      .addColumn('date_created', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('verification_attempts_verification')
      .on('verification_attempts')
      .columns(['verification_sid', 'date_created', 'sid'])
      .execute();
  },
};
