import type { Migration, MigrationProvider } from 'kysely';
import type { DialectName } from '../db.js';
import * as m0001 from './0001_core.js';
import { messagingMigration } from './0002_messaging.js';

/** Every migration, in order. Forward-only: a released entry is never edited or removed. */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_core': m0001,
    '0002_messaging': messagingMigration(dialect),
  };
  return { getMigrations: async () => migrations };
}
