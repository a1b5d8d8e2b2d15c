import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeReject } from './reject.js';
import { FakeControl, verb } from './test-support/fake-control.js';

test('<Reject> refuses an unanswered call with its reason (default rejected)', async () => {
  assert.deepEqual(await executeReject(verb('<Reject/>', 'Reject'), new FakeControl()), { kind: 'reject', reason: 'rejected' });
  assert.deepEqual(await executeReject(verb('<Reject reason="busy"/>', 'Reject'), new FakeControl()), { kind: 'reject', reason: 'busy' });
});

test('<Reject> on an answered call just hangs up', async () => {
  const ctl = new FakeControl();
  ctl.answered = true;
  assert.deepEqual(await executeReject(verb('<Reject reason="busy"/>', 'Reject'), ctl), { kind: 'hangup' });
});
