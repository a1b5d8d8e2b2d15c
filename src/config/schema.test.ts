import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultMediaWorkers, OPTIONS } from './schema.js';

test('media engine threads default to the cores but one, at least one', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 8, 64].map((cores) => defaultMediaWorkers(cores)),
    [1, 1, 2, 3, 7, 63],
  );
  assert.equal(OPTIONS.find((o) => o.key === 'mediaWorkers')?.default, defaultMediaWorkers());
});
