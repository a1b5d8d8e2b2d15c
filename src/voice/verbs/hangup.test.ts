import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeHangup } from './hangup.js';
import { FakeControl, verb } from './test-support/fake-control.js';

test('<Hangup> ends the call', async () => {
  assert.deepEqual(await executeHangup(verb('<Hangup/>', 'Hangup'), new FakeControl()), { kind: 'hangup' });
});
