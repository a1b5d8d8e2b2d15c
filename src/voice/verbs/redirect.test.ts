import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeRedirect } from './redirect.js';
import { FakeControl, verb } from './test-support/fake-control.js';

test('<Redirect> resolves relative URLs and keeps its method', async () => {
  const ctl = new FakeControl('https://app.example.com/ivr/start');
  assert.deepEqual(await executeRedirect(verb('<Redirect method="GET">next?x=1</Redirect>', 'Redirect'), ctl), {
    kind: 'redirect',
    url: 'https://app.example.com/ivr/next?x=1',
    method: 'GET',
  });
  assert.deepEqual(await executeRedirect(verb('<Redirect>https://other.example/a</Redirect>', 'Redirect'), ctl), {
    kind: 'redirect',
    url: 'https://other.example/a',
    method: 'POST',
  });
});

test('a relative <Redirect> in inline TwiML cannot go anywhere: alert and hang up', async () => {
  const ctl = new FakeControl(null);
  assert.deepEqual(await executeRedirect(verb('<Redirect>next</Redirect>', 'Redirect'), ctl), { kind: 'hangup' });
  assert.equal(ctl.alerts.length, 1);
});
