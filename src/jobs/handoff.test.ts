import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../core/clock.js';
import { migrate, openStore } from '../store/db.js';
import { JobsRepository } from '../store/repositories/jobs.js';
import { transactor } from '../store/transactor.js';
import { JobQueue, type Job } from './queue.js';
import { Worker } from './worker.js';

// Jobs this process enqueues are written already claimed by its worker and handed over after the commit
// (JobQueue.take): no claim statement, the same durable row.

async function setup(leaseMs = 60_000) {
  const store = openStore(':memory:');
  await migrate(store);
  const repo = new JobsRepository(store.db, store.dialect);
  let claims = 0;
  const queue = new (class extends JobQueue {
    override claim<P>(q: string, worker: string, limit: number, lease: number): Promise<Job<P>[]> {
      claims++;
      return super.claim<P>(q, worker, limit, lease);
    }
  })(repo, systemClock);
  const ran: string[] = [];
  let hold: Promise<void> | undefined;
  const worker = new Worker(queue, {
    queue: 'q',
    workerId: 'w1',
    batch: 10,
    pollMs: 60_000, // no polling during a test: only the hand-over (or an explicit kick) runs anything
    leaseMs,
    handler: async (job) => {
      await hold;
      ran.push((job.payload as { name: string }).name);
      return { kind: 'done' };
    },
  });
  const row = async (name: string) =>
    (await store.db.selectFrom('jobs').selectAll().execute()).find((r) => (JSON.parse(r.payload) as { name: string }).name === name);
  return { store, repo, queue, worker, ran, row, claims: () => claims, holdWith: (p: Promise<void> | undefined) => (hold = p) };
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a job enqueued while the worker runs is written claimed by it and runs without a claim', async () => {
  const t = await setup();
  t.worker.start();
  await until(() => t.claims() === 1); // the start's first poll
  let open: () => void = () => undefined;
  t.holdWith(new Promise<void>((r) => (open = r)));
  await transactor(t.store.db).transaction((trx) => t.queue.enqueue([{ queue: 'q', payload: { name: 'a' } }], trx));
  const row = await t.row('a');
  assert.equal(row?.locked_by, 'w1');
  assert.equal(row?.attempts, 1);
  assert.ok((row?.locked_until ?? 0) > Date.now());
  open();
  await until(() => t.ran.includes('a'));
  await until(async () => (await t.repo.count('q')) === 0);
  assert.equal(t.claims(), 1, 'no claim statement for a handed-over job');
  await t.worker.stop();
  await t.store.close();
});

test('a rolled-back transaction hands over nothing and leaves no row', async () => {
  const t = await setup();
  t.worker.start();
  await assert.rejects(
    transactor(t.store.db).transaction(async (trx) => {
      await t.queue.enqueue([{ queue: 'q', payload: { name: 'gone' } }], trx);
      throw new Error('rolled back');
    }),
  );
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(t.ran, []);
  assert.equal(await t.repo.count('q'), 0);
  await t.worker.stop();
  await t.store.close();
});

test('not handed over: in a transaction opened elsewhere, when due later, or while the worker is stopped', async () => {
  const t = await setup();
  await t.queue.enqueue([{ queue: 'q', payload: { name: 'before-start' } }]);
  assert.equal((await t.row('before-start'))?.locked_by, null);
  t.holdWith(new Promise(() => undefined)); // nothing finishes: rows stay to be inspected
  t.worker.start();
  // A transaction the transactor did not open: its commit cannot be awaited, so the job is left to a claim.
  await until(() => t.claims() === 1); // the start's first poll
  await t.store.db.transaction().execute((trx) => t.queue.enqueue([{ queue: 'q', payload: { name: 'elsewhere' } }], trx));
  await until(() => t.claims() === 2); // announced, and claimed by the worker's poll instead
  await t.queue.enqueue([{ queue: 'q', payload: { name: 'later' }, runAt: Date.now() + 60_000 }]);
  assert.equal((await t.row('later'))?.locked_by, null);
  await t.store.close();
});

test('a handed-over job whose process is gone is claimed by another node once the lease lapses', async () => {
  const t = await setup(300);
  t.holdWith(new Promise(() => undefined)); // the first node never finishes: as if it was killed
  t.worker.start();
  await t.queue.enqueue([{ queue: 'q', payload: { name: 'orphan' } }]);
  assert.equal((await t.row('orphan'))?.locked_by, 'w1');
  // Another node on the same database.
  const other = new JobQueue(t.repo, systemClock);
  const ran: string[] = [];
  const second = new Worker(other, {
    queue: 'q',
    workerId: 'w2',
    batch: 10,
    pollMs: 50,
    leaseMs: 60_000,
    handler: async (job) => {
      ran.push((job.payload as { name: string }).name);
      return { kind: 'done' };
    },
  });
  second.start();
  await until(() => ran.includes('orphan'));
  await until(async () => (await t.repo.count('q')) === 0);
  await second.stop();
  await t.store.close();
});

test('a hand-over that arrives after the drain gives the row back for any node to claim at once', async () => {
  const t = await setup();
  t.worker.start();
  await until(() => t.claims() === 1); // the start's first poll is over: stopping touches no row
  await transactor(t.store.db).transaction(async (trx) => {
    await t.queue.enqueue([{ queue: 'q', payload: { name: 'late' } }], trx);
    await t.worker.stop(); // the drain ends before this transaction commits
  });
  await until(async () => (await t.row('late'))?.locked_by === null);
  assert.equal((await t.row('late'))?.attempts, 0);
  assert.deepEqual(t.ran, []);
  await t.store.close();
});

test('after a due job was left in the table, nothing is handed over until a poll has claimed it (order keys keep their order)', async () => {
  const t = await setup();
  t.worker.start();
  await until(() => t.claims() === 1);
  t.holdWith(new Promise(() => undefined));
  t.worker.missed(); // as when a `sent` callback found no room and waits in the table
  assert.equal(t.worker.room(), 0);
  // The `delivered` that follows is not handed over ahead of it: it goes to the table too, and a poll takes both.
  await t.queue.enqueue([{ queue: 'q', payload: { name: 'after' } }]);
  assert.equal((await t.row('after'))?.locked_by, null);
  t.worker.kick();
  await until(async () => (await t.row('after'))?.locked_by === 'w1');
  await until(() => t.worker.room() > 0);
  await t.store.close();
});
