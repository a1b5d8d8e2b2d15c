import { describe } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate } from '../src/store/db.js';
import type { Database } from '../src/store/schema.js';
import { groupCommitContract } from '../src/store/test-support/group-commit-contract.js';
import { admin, databaseUrl } from './support/postgres.js';

// A database of its own, so the statement log holds only this test's statements.
const NAME = `sb_group_${process.pid}`;

describe('group commit on PostgreSQL', () => {
  groupCommitContract(async () => {
    await admin(`DROP DATABASE IF EXISTS ${NAME}`);
    await admin(`CREATE DATABASE ${NAME}`);
    const statements: string[] = [];
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl(NAME), max: 2 }) }),
      log: (e) => void (e.level === 'query' && statements.push(e.query.sql)),
    });
    const close = async () => {
      await db.destroy();
      await admin(`DROP DATABASE IF EXISTS ${NAME}`);
    };
    await migrate({ db, dialect: 'postgres', close });
    return { db, statements, close };
  });
});
