import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../core/clock.js';
import { migrate, openStore } from '../store/db.js';
import { GroupCommitter } from '../store/group-commit.js';
import { JobsRepository } from '../store/repositories/jobs.js';
import { transactor } from '../store/transactor.js';
import { JobQueue } from './queue.js';

async function setup() {
  const store = openStore(':memory:');
  await migrate(store);
  const jobs = new JobQueue(new JobsRepository(store.db, store.dialect), systemClock);
  const heard: string[] = [];
  jobs.subscribe('a', () => heard.push('a'));
  jobs.subscribe('b', () => heard.push('b'));
  return { store, jobs, heard };
}

test('a transaction announces the queues it touched once it commits, each once', async () => {
  const { store, jobs, heard } = await setup();
  const seenInside: string[][] = [];
  await transactor(store.db).transaction(async (trx) => {
    await jobs.enqueue(
      [
        { queue: 'a', payload: 1 },
        { queue: 'a', payload: 2 },
        { queue: 'b', payload: 3 },
      ],
      trx,
    );
    seenInside.push([...heard]);
  });
  assert.deepEqual(seenInside, [[]], 'nothing is announced before the commit');
  assert.deepEqual(heard.sort(), ['a', 'b']);
  await store.close();
});

test('a rolled-back transaction announces nothing; work outside a transaction is announced at once', async () => {
  const { store, jobs, heard } = await setup();
  await assert.rejects(
    transactor(store.db).transaction(async (trx) => {
      await jobs.enqueue([{ queue: 'a', payload: 1 }], trx);
      throw new Error('rolled back');
    }),
  );
  assert.deepEqual(heard, []);
  await jobs.enqueue([{ queue: 'b', payload: 1 }]);
  assert.deepEqual(heard, ['b']);
  await store.close();
});

test('in a group commit, a unit rolled back to its savepoint announces nothing, the others do', async () => {
  const { store, jobs, heard } = await setup();
  const group = new GroupCommitter(store.db);
  const results = await Promise.allSettled([
    group.run(async (trx) => jobs.enqueue([{ queue: 'a', payload: 1 }], trx)),
    group.run(async (trx) => {
      await jobs.enqueue([{ queue: 'b', payload: 1 }], trx);
      throw new Error('this unit fails');
    }),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected'],
  );
  assert.deepEqual(heard, ['a']);
  await store.close();
});
