import { describe } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrate } from './db.js';
import type { Database } from './schema.js';
import { groupCommitContract } from './test-support/group-commit-contract.js';

describe('group commit on SQLite', () => {
  groupCommitContract(async () => {
    const statements: string[] = [];
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
      log: (e) => void (e.level === 'query' && statements.push(e.query.sql)),
    });
    const close = () => db.destroy();
    await migrate({ db, dialect: 'sqlite', close });
    return { db, statements, close };
  });
});
