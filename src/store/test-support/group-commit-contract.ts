/**
 * The group committer's contract, on SQLite (src/store/group-commit.test.ts) and PostgreSQL
 * (test/core.group-commit.postgres.test.ts), where a failed statement aborts the whole transaction: units
 * commit together, a failing unit is rolled back alone, and savepoints are used only once a unit has failed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kysely } from 'kysely';
import { GroupCommitter } from '../group-commit.js';
import type { Database } from '../schema.js';

/** A migrated, empty store whose every statement is appended to `statements`. */
export interface LoggedStore {
  db: Kysely<Database>;
  statements: string[];
  close(): Promise<void>;
}

export function groupCommitContract(open: () => Promise<LoggedStore>): void {
  let store: LoggedStore;
  let group: GroupCommitter;
  before(async () => {
    store = await open();
    group = new GroupCommitter(store.db);
  });
  after(() => store.close());

  const put = (key: string) => (trx: Kysely<Database>) => trx.insertInto('settings').values({ key, value: '1' }).execute();
  const ok = (key: string) => group.run(async (trx) => (await put(key)(trx), key));
  const savepoints = () => store.statements.filter((s) => /^savepoint /i.test(s)).length;
  const keys = async () => (await store.db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key);
  const statuses = (r: PromiseSettledResult<unknown>[]) => r.map((x) => x.status);

  test('units submitted together commit together, without savepoints while none fails', async () => {
    store.statements.length = 0;
    assert.deepEqual(await Promise.all([ok('a1'), ok('a2'), ok('a3')]), ['a1', 'a2', 'a3']);
    assert.deepEqual(await keys(), ['a1', 'a2', 'a3']);
    assert.equal(savepoints(), 0);
  });

  test('a unit that fails is rolled back alone: the group runs again, each unit in a savepoint', async () => {
    store.statements.length = 0;
    const results = await Promise.allSettled([
      ok('b1'),
      group.run(async (trx) => {
        await put('b2')(trx);
        throw new Error('unit b2 fails after writing');
      }),
      // A statement the database refuses (a duplicate key): on PostgreSQL it aborts the transaction.
      group.run(async (trx) => put('b1')(trx)),
      ok('b3'),
    ]);
    assert.deepEqual(statuses(results), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /unit b2 fails/);
    assert.deepEqual(
      (await keys()).filter((k) => k.startsWith('b')),
      ['b1', 'b3'],
    );
    assert.equal(savepoints(), 4, 'the second run: one savepoint per unit');
  });

  test('after a failure the next group uses savepoints; once one has no failing unit, groups run without', async () => {
    store.statements.length = 0;
    await Promise.all([ok('c1'), ok('c2')]);
    assert.equal(savepoints(), 2, 'still careful after the failure');
    store.statements.length = 0;
    await Promise.all([ok('c3'), ok('c4')]);
    assert.equal(savepoints(), 0);
    // A group of one never needs a savepoint: its failure is the transaction's.
    const alone = await Promise.allSettled([group.run(async (trx) => put('c1')(trx))]);
    assert.deepEqual(statuses(alone), ['rejected']);
    assert.equal(savepoints(), 0);
  });
}
