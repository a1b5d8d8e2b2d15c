import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrate, openStore } from './db.js';
import { GroupCommitter } from './group-commit.js';

test('units in one tick commit together; a failing unit is rolled back alone', async () => {
  const store = openStore(':memory:');
  await migrate(store);
  const group = new GroupCommitter(store.db);
  const results = await Promise.allSettled([
    group.run(async (trx) => {
      await trx.insertInto('settings').values({ key: 'a', value: '1' }).execute();
      return 'a';
    }),
    group.run(async (trx) => {
      await trx.insertInto('settings').values({ key: 'b', value: '2' }).execute();
      throw new Error('unit b fails after writing');
    }),
    group.run(async (trx) => {
      await trx.insertInto('settings').values({ key: 'c', value: '3' }).execute();
      return 'c';
    }),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  const keys = (await store.db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key);
  assert.deepEqual(keys, ['a', 'c']);
  await store.close();
});
