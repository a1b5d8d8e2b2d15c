import type { Kysely, Migration } from 'kysely';

// Released migrations are never edited: add a new file instead.
/** GET /verify/v2/Attempts lists an account's attempts newest first, keyset-paged on (date_created, sid). */
export const verificationAttemptsAccountMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('verification_attempts_account').on('verification_attempts').columns(['account_sid', 'date_created', 'sid']).execute();
  },
};
