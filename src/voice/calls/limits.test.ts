import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallLimits } from './limits.js';

test('per-account and per-node caps, released when calls end', () => {
  const l = new CallLimits(2, 3);
  assert.equal(l.acquire('CA1', 'AC1'), null);
  assert.equal(l.acquire('CA2', 'AC1'), null);
  assert.equal(l.acquire('CA3', 'AC1'), 'account');
  assert.equal(l.acquire('CA4', 'AC2'), null);
  assert.equal(l.acquire('CA5', 'AC3'), 'node');
  l.release('CA1');
  l.release('CA1');
  assert.equal(l.acquire('CA6', 'AC1'), null);
  assert.equal(l.active, 3);
  assert.deepEqual(l.refused, { account: 1, node: 1 });
  assert.equal(new CallLimits(0, 0).acquire('CA7', 'AC1'), null);
});
