import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { startCheckpointer } from './checkpointer.js';
import { preparedStatements } from './pg-prepared.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

// int8 (our epoch-ms columns) arrives as a string by default; these values fit a double exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export interface StoreOptions {
  /** PostgreSQL: run the hot queries as named prepared statements (pg-prepared.ts). Default true. */
  preparedStatements?: boolean;
}

export function openStore(url: string, o: StoreOptions = {}): Store {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection that breaks (PostgreSQL restarted, the database dropped) emits 'error' on the pool;
    // unhandled, that would end the process. The pool replaces the connection; queries in flight fail alone.
    pool.on('error', (err) => {
      process.emitWarning(`PostgreSQL connection lost: ${err.message}`);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: o.preparedStatements === false ? pool : preparedStatements(pool) }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new SQLite(url);
  // WAL lets readers proceed during writes; NORMAL sync is durable across a process crash (SIGKILL),
  // which is the failure this project promises to survive.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
  const checkpointer = url === ':memory:' ? null : startCheckpointer(sqlite, url);
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * Kysely prepares every query anew; preparing costs more than running our small statements, so prepared
 * statements are kept per SQL text (the set of distinct texts is small: queries are built, not concatenated).
 */
function cachingStatements(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (text) => {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = sqlite.prepare(text) as unknown as SqliteStatement;
        // Schema changes (migrations) invalidate statements; the cache only fills after them in practice.
        if (cache.size > 2000) cache.clear();
        cache.set(text, stmt);
      }
      return stmt;
    },
  };
}

/** Applies pending migrations; returns the names applied. Throws if any fails. */
export async function migrate(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
