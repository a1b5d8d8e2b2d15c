import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { preparedStatements } from '../src/store/pg-prepared.js';
import { admin, databaseUrl } from './support/postgres.js';

// A database of its own: the test changes a table's columns under a prepared plan.
const NAME = `sb_prepared_${process.pid}`;
let pool: pg.Pool;
let db: Kysely<{ things: { id: number; label: string } }>;

before(async () => {
  await admin(`DROP DATABASE IF EXISTS ${NAME}`);
  await admin(`CREATE DATABASE ${NAME}`);
  // One connection, so that every query meets the statements the previous ones prepared.
  pool = new pg.Pool({ connectionString: databaseUrl(NAME), max: 1 });
  db = new Kysely({ dialect: new PostgresDialect({ pool: preparedStatements(pool) }) });
  await sql`create table things (id integer primary key, label text not null)`.execute(db);
  await db.insertInto('things').values({ id: 1, label: 'one' }).execute();
});
after(async () => {
  await db.destroy();
  await admin(`DROP DATABASE IF EXISTS ${NAME}`);
});

const prepared = async () =>
  (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(db)).rows;

test('a query shape is prepared once per connection under one name and runs again on it', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await db.selectFrom('things').select('label').where('id', '=', 1).executeTakeFirst())?.label, 'one');
  const named = (await prepared()).filter((p) => p.statement.includes('from "things"'));
  assert.equal(named.length, 1, JSON.stringify(named));
  assert.match(named[0]!.name, /^sb\d+$/);
});

test('DDL and statements with many parameters stay unnamed', async () => {
  await sql`create index if not exists things_label on things (label)`.execute(db);
  const ids = Array.from({ length: 40 }, (_, i) => i + 100);
  await db.selectFrom('things').select('id').where('id', 'in', ids).execute();
  for (const p of await prepared()) {
    assert.doesNotMatch(p.statement, /create index/i);
    assert.doesNotMatch(p.statement, /\$40/);
  }
});

test('a plan made stale by a column added elsewhere fails once, then the query runs on a new connection', async () => {
  const all = () => db.selectFrom('things').selectAll().where('id', '=', 1).executeTakeFirst();
  assert.deepEqual(await all(), { id: 1, label: 'one' });
  // Another node's migration.
  const other = new pg.Client({ connectionString: databaseUrl(NAME) });
  await other.connect();
  await other.query('alter table things add column extra integer');
  await other.end();
  await assert.rejects(all(), (err: unknown) => (err as { code?: string }).code === '0A000');
  assert.deepEqual(await all(), { id: 1, label: 'one', extra: null });
});
