import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrate, openStore } from '../store/db.js';
import { ClusterRepository } from '../store/repositories/cluster.js';
import { ConcurrencyLimiter } from './concurrency.js';

test('each live node takes an equal share of the per-account limit; a silent node stops counting', async () => {
  const store = openStore(':memory:');
  await migrate(store);
  let now = 1_000_000;
  const clock = { now: () => now };
  const cluster = new ClusterRepository(store.db);
  const a = new ConcurrencyLimiter(10, cluster, 'node-a', clock, 1000);
  await a.start();
  assert.equal(a.localLimit, 10);
  const b = new ConcurrencyLimiter(10, cluster, 'node-b', clock, 1000);
  await b.start();
  await a.stop(); // leave, then come back: shares follow the live set
  const a2 = new ConcurrencyLimiter(10, cluster, 'node-a', clock, 1000);
  await a2.start();
  assert.equal(a2.localLimit, 5);
  for (let i = 0; i < 5; i++) assert.equal(a2.tryAcquire('AC1'), true);
  assert.equal(a2.tryAcquire('AC1'), false, 'the sixth concurrent request on this node is refused');
  assert.equal(a2.tryAcquire('AC2'), true, 'other accounts have their own count');
  a2.release('AC1');
  assert.equal(a2.tryAcquire('AC1'), true);
  // node-b goes silent: after three heartbeats' time it no longer takes a share.
  now += 10_000;
  const a3 = new ConcurrencyLimiter(10, cluster, 'node-a', clock, 1000);
  await a3.start();
  assert.equal(a3.localLimit, 10);
  await Promise.all([a3.stop(), b.stop(), a2.stop()]);
  await store.close();
});
