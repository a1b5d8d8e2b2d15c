import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arg, compiled } from './compiled.js';
import { migrate, openStore } from './db.js';

test('a compiled query binds new arguments each run and keeps constants', async () => {
  const store = openStore(':memory:');
  await migrate(store);
  await store.db
    .insertInto('settings')
    .values([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ])
    .execute();
  const byKey = compiled<{ value: string }, [string]>(store.db, (db) =>
    db.selectFrom('settings').select('value').where('key', '=', arg(0)).where('value', '!=', 'never'),
  );
  assert.deepEqual(await byKey(null, 'a'), [{ value: '1' }]);
  assert.deepEqual(await byKey(null, 'b'), [{ value: '2' }]);
  assert.deepEqual(await byKey(null, 'zzz'), []);
  await store.close();
});
