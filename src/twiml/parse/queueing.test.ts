import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertOf, verbsOf, walkAttributes } from '../test-support/walk.js';
import type { EnqueueVerb } from './enqueue.js';

walkAttributes('<Enqueue>', {
  dialect: 'voice',
  document: (a) => `<Response><Enqueue${a}>support</Enqueue></Response>`,
  pick: (verbs) => verbs[0],
  rows: [
    { name: 'action', default: null, valid: [['/left-queue', '/left-queue']] },
    { name: 'method', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
    { name: 'waitUrl', default: null, valid: [['/hold-music', '/hold-music']] },
    { name: 'waitUrlMethod', default: 'POST', valid: [['GET', 'GET']], invalid: ['X'] },
    { name: 'workflowSid', default: null, valid: [['WWaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'WWaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']] },
    { name: 'maxQueueSize', default: null, valid: [['100', 100]], invalid: ['0', 'many'] },
  ],
});

test('<Enqueue> with a TaskRouter <Task>', () => {
  const [e] = verbsOf(
    '<Response><Enqueue workflowSid="WW1"><Task priority="5" timeout="200">{"selected_language":"es"}</Task></Enqueue></Response>',
  ) as EnqueueVerb[];
  assert.equal(e?.name, null);
  assert.deepEqual(e?.task, { body: '{"selected_language":"es"}', priority: 5, timeout: 200 });
});

test('<Enqueue> needs a name or a workflow; <Leave> takes nothing', () => {
  assert.equal(alertOf('<Response><Enqueue/></Response>').code, 12200);
  assert.equal(alertOf('<Response><Enqueue>q<Task>{}</Task></Enqueue></Response>').code, 12100);
  assert.equal(alertOf('<Response><Enqueue workflowSid="WW1"><Task>{}</Task><Task>{}</Task></Enqueue></Response>').code, 12100);
  assert.deepEqual(verbsOf('<Response><Leave/></Response>'), [{ verb: 'Leave' }]);
  assert.equal(alertOf('<Response><Leave><Say>x</Say></Leave></Response>').code, 12100);
});
