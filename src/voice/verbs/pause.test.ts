import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executePause } from './pause.js';
import { FakeControl, verb } from './test-support/fake-control.js';

test('<Pause> is silence of length seconds (default 1); length 0 is nothing', async () => {
  const ctl = new FakeControl();
  await executePause(verb('<Pause/>', 'Pause'), ctl);
  await executePause(verb('<Pause length="3"/>', 'Pause'), ctl);
  await executePause(verb('<Pause length="0"/>', 'Pause'), ctl);
  assert.deepEqual(ctl.leg.log, ['silence:1000', 'silence:3000']);
  assert.ok(ctl.answered, 'a Pause answers an inbound call, as any verb but Reject does');
});
