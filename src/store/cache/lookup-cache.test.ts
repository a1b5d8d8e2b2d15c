import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyNotification, keys } from './changes.js';
import { LookupCache } from './lookup-cache.js';
import { Lru } from '../../core/lru.js';

/** A load that counts its calls and answers `value`. */
function counted<V>(value: () => V) {
  const load = async () => {
    load.calls++;
    return value();
  };
  load.calls = 0;
  return load;
}

test('Lru: bounded by weight, least recently used out first, heavier than everything never kept', () => {
  const lru = new Lru<string>(4);
  lru.set('a', 'A');
  lru.set('b', 'B');
  lru.set('c', 'C', 2);
  assert.equal(lru.weight, 4);
  lru.get('a'); // now the most recent: b is the oldest
  lru.set('d', 'D');
  assert.equal(lru.get('b'), undefined);
  assert.deepEqual([lru.get('a')?.value, lru.get('c')?.value, lru.get('d')?.value], ['A', 'C', 'D']);
  lru.set('huge', 'H', 5);
  assert.equal(lru.get('huge'), undefined);
  assert.equal(lru.size, 3);
  lru.deleteWhere((v) => v === 'C');
  assert.equal(lru.weight, 2);
});

test('a hit skips the load; a miss (undefined included) is kept', async () => {
  const cache = new LookupCache();
  const load = counted(() => undefined);
  assert.equal(await cache.read('numbers', '+1', load), undefined);
  assert.equal(await cache.read('numbers', '+1', load), undefined);
  assert.equal(load.calls, 1);
  assert.deepEqual(cache.stats, { hits: 1, misses: 1, invalidations: 0, suspensions: 0 });
});

test('a value weighed 0 is not kept', async () => {
  const cache = new LookupCache();
  const load = counted(() => undefined);
  await cache.read('accounts', 'AC1', load, (row) => (row ? 1 : 0));
  await cache.read('accounts', 'AC1', load, (row) => (row ? 1 : 0));
  assert.equal(load.calls, 2);
});

test('a read in flight when an invalidation happens does not fill the cache', async () => {
  const cache = new LookupCache();
  let release: (v: string) => void = () => undefined;
  const slow = cache.read('accounts', 'AC1', () => new Promise<string>((resolve) => (release = resolve)));
  // A write commits and invalidates (any key: the read cannot tell it did not see that write) while the read waits.
  cache.invalidate('accounts', 'AC2');
  release('old row');
  assert.equal(await slow, 'old row');
  const load = counted(() => 'new row');
  assert.equal(await cache.read('accounts', 'AC1', load), 'new row');
  assert.equal(load.calls, 1, 'the old row was not kept');
});

test('suspended: empty, every read loads, nothing kept until resumed', async () => {
  const cache = new LookupCache();
  await cache.read('numbers', '+1', async () => 'row');
  cache.suspend();
  assert.equal(cache.caching, false);
  assert.equal(cache.size('numbers'), 0);
  const load = counted(() => 'row');
  await cache.read('numbers', '+1', load);
  await cache.read('numbers', '+1', load);
  assert.equal(load.calls, 2);
  assert.equal(cache.stats.suspensions, 1);
  cache.resume();
  await cache.read('numbers', '+1', load);
  await cache.read('numbers', '+1', load);
  assert.equal(load.calls, 3);
});

test('a read that began before a suspension does not fill the cache after resume', async () => {
  const cache = new LookupCache();
  let release: (v: string) => void = () => undefined;
  const slow = cache.read('numbers', '+1', () => new Promise<string>((resolve) => (release = resolve)));
  cache.suspend();
  cache.resume();
  release('read before the outage');
  await slow;
  assert.equal(cache.size('numbers'), 0);
});

test('cached rows are frozen: a caller cannot change them for the others', async () => {
  const cache = new LookupCache();
  const row = await cache.read('accounts', 'AC1', async () => ({ status: 'active' }));
  assert.throws(() => {
    (row as { status: string }).status = 'closed';
  }, TypeError);
  const pool = await cache.read('senders', 'MG1', async () => [{ sid: 'PN1' }]);
  assert.throws(() => (pool as { sid: string }[]).push({ sid: 'PN2' }), TypeError);
});

test('notifications: each table invalidates its keys; a TRUNCATE its regions; anything unreadable everything', async () => {
  const cache = new LookupCache();
  const fill = async () => {
    await cache.read('accounts', 'AC1', async () => 'a');
    await cache.read('numbers', '+1', async () => 'n');
    await cache.read('senders', 'MG1', async () => ['s']);
    await cache.read('services', keys.service('AC1', 'MG1'), async () => 'svc');
    await cache.read('optOutSets', keys.optOutSet('AC1', '+1'), async () => new Set(['+2']));
    await cache.read('optOuts', keys.optOut('AC1', '+1', '+3'), async () => true);
  };
  const sizes = () => [
    cache.size('accounts'),
    cache.size('numbers'),
    cache.size('senders'),
    cache.size('services'),
    cache.size('optOutSets'),
    cache.size('optOuts'),
  ];
  await fill();
  applyNotification(cache, '["accounts", "AC1"]');
  applyNotification(cache, '["phone_numbers", "+1", "MG1"]');
  assert.deepEqual(sizes(), [0, 0, 0, 1, 1, 1]);
  applyNotification(cache, '["messaging_services", "AC1", "MG1"]');
  applyNotification(cache, '["opt_outs", "AC1", "+1", "+3"]');
  assert.deepEqual(sizes(), [0, 0, 0, 0, 0, 0]);
  await fill();
  applyNotification(cache, '["phone_numbers", "+1", null]');
  assert.deepEqual(sizes(), [1, 0, 1, 1, 1, 1], 'a number with no service leaves the pools alone');
  applyNotification(cache, '["opt_outs"]');
  assert.deepEqual(sizes(), [1, 0, 1, 1, 0, 0]);
  for (const bad of ['not json', '[]', '{"a":1}', '["calls", "CA1"]', '[1, 2]', undefined]) {
    await fill();
    applyNotification(cache, bad);
    assert.deepEqual(sizes(), [0, 0, 0, 0, 0, 0], String(bad));
  }
});
