import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../core/clock.js';
import { migrate, openStore } from '../store/db.js';
import { JobsRepository } from '../store/repositories/jobs.js';
import { JobQueue, type Job, type JobOutcome } from './queue.js';
import { Worker } from './worker.js';

interface Payload {
  name: string;
  key?: string;
}

async function setup() {
  const store = openStore(':memory:');
  await migrate(store);
  const repo = new JobsRepository(store.db, store.dialect);
  let completes = 0;
  const queue = new (class extends JobQueue {
    override complete(ids: string[], worker: string): Promise<void> {
      completes++;
      return super.complete(ids, worker);
    }
  })(repo, systemClock);
  return { store, repo, queue, completes: () => completes };
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a job that hangs holds no other job: later claims run and complete while it is in flight', async () => {
  const { store, repo, queue } = await setup();
  const slow = gate();
  const ran: string[] = [];
  const worker = new Worker(queue, {
    queue: 'q',
    workerId: 'w',
    batch: 10,
    pollMs: 20,
    leaseMs: 60_000,
    handler: async (job: Job) => {
      const p = job.payload as Payload;
      if (p.name === 'slow') await slow.wait;
      ran.push(p.name);
      return { kind: 'done' };
    },
  });
  await queue.enqueue([{ queue: 'q', payload: { name: 'slow' } }]);
  worker.start();
  await until(() => worker.inFlight === 1);
  await queue.enqueue(['a', 'b', 'c'].map((name) => ({ queue: 'q', payload: { name } })));
  worker.kick();
  await until(async () => (await repo.count('q')) === 1);
  assert.deepEqual(ran.sort(), ['a', 'b', 'c']);
  slow.open();
  await worker.stop();
  assert.equal(await repo.count('q'), 0);
  await store.close();
});

test('jobs with the same order key run one after another across claims, in claim order', async () => {
  const { store, queue } = await setup();
  const first = gate();
  const log: string[] = [];
  const worker = new Worker(queue, {
    queue: 'q',
    workerId: 'w',
    batch: 10,
    pollMs: 20,
    leaseMs: 60_000,
    orderKey: (job) => (job.payload as Payload).key,
    handler: async (job: Job): Promise<JobOutcome> => {
      const p = job.payload as Payload;
      log.push(`start ${p.name}`);
      if (p.name === 'k1') await first.wait;
      log.push(`end ${p.name}`);
      return { kind: 'done' };
    },
  });
  const now = Date.now();
  await queue.enqueue([{ queue: 'q', payload: { name: 'k1', key: 'K' }, runAt: now }]);
  worker.start();
  await until(() => log.includes('start k1'));
  await queue.enqueue([
    { queue: 'q', payload: { name: 'k2', key: 'K' }, runAt: now + 1 },
    { queue: 'q', payload: { name: 'other' }, runAt: now + 2 },
    { queue: 'q', payload: { name: 'k3', key: 'K' }, runAt: now + 3 },
  ]);
  worker.kick();
  await until(() => log.includes('end other'));
  assert.ok(!log.includes('start k2'), 'k2 waits for k1 although claimed in a later batch');
  first.open();
  await until(() => log.includes('end k3'));
  const keyed = log.filter((l) => / k\d$/.test(l));
  assert.deepEqual(keyed, ['start k1', 'end k1', 'start k2', 'end k2', 'start k3', 'end k3']);
  await worker.stop();
  await store.close();
});

test('completions are coalesced: far fewer DELETEs than jobs', async () => {
  const { store, repo, queue, completes } = await setup();
  const worker = new Worker(queue, {
    queue: 'q',
    workerId: 'w',
    batch: 50,
    pollMs: 20,
    leaseMs: 60_000,
    handler: async () => ({ kind: 'done' }),
  });
  await queue.enqueue(Array.from({ length: 200 }, (_, i) => ({ queue: 'q', payload: { name: `j${i}` } })));
  worker.start();
  await until(async () => (await repo.count('q')) === 0);
  await worker.stop();
  assert.ok(completes() <= 20, `${completes()} complete calls for 200 jobs`);
  await store.close();
});

test('a worker full of hanging jobs reports itself stalled', async () => {
  const { store, queue } = await setup();
  const hang = gate();
  const worker = new Worker(queue, {
    queue: 'q',
    workerId: 'w',
    batch: 1,
    maxInFlight: 1,
    pollMs: 20,
    leaseMs: 60_000,
    handler: async () => {
      await hang.wait;
      return { kind: 'done' };
    },
  });
  await queue.enqueue([{ queue: 'q', payload: { name: 'x' } }]);
  worker.start();
  await until(() => worker.inFlight === 1);
  assert.ok(worker.stalledMs(Date.now() + 5000) >= 4000);
  hang.open();
  await until(() => worker.inFlight === 0);
  assert.equal(worker.stalledMs(Date.now() + 5000), 0);
  await worker.stop();
  await store.close();
});
