import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_core.js';

/** Every migration, in order. Forward-only: a released entry is never edited or removed. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_core': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
