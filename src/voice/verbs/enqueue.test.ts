// <Enqueue> as a verb: the caller is answered, the action gets QueueResult (with QueueSid and QueueTime
// only when enqueued), no action goes on, a hung-up caller has the action told, a Members API dequeue
// runs its URL after telling the action, and a call redirected through the Calls API skips to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EnqueueResult } from '../queues/types.js';
import { executeEnqueue } from './enqueue.js';
import { FakeControl, verb } from './test-support/fake-control.js';

const QU = 'QU' + '3'.repeat(32);
const base: EnqueueResult = { result: 'bridged', queueSid: QU, queueTime: 12, hangup: false, target: null };

function queueing(ctl: FakeControl, r: EnqueueResult, during?: () => void): void {
  ctl.enqueue = async () => {
    during?.();
    return r;
  };
}

test('the action gets QueueResult, QueueSid and QueueTime; without action the document goes on', async () => {
  const ctl = new FakeControl();
  queueing(ctl, base);
  const out = await executeEnqueue(verb('<Enqueue action="/left" method="GET">support</Enqueue>', 'Enqueue'), ctl);
  assert.equal(ctl.answered, true);
  assert.deepEqual(out, {
    kind: 'redirect',
    url: 'https://app.example.com/left',
    method: 'GET',
    params: { QueueResult: 'bridged', QueueSid: QU, QueueTime: '12' },
  });
  const full = new FakeControl();
  queueing(full, { ...base, result: 'queue-full', queueSid: null, queueTime: null });
  assert.deepEqual(await executeEnqueue(verb('<Enqueue action="/left">support</Enqueue>', 'Enqueue'), full), {
    kind: 'redirect',
    url: 'https://app.example.com/left',
    method: 'POST',
    params: { QueueResult: 'queue-full' },
  });
  const plain = new FakeControl();
  queueing(plain, { ...base, result: 'leave' });
  assert.deepEqual(await executeEnqueue(verb('<Enqueue>support</Enqueue>', 'Enqueue'), plain), { kind: 'next' });
});

test('a caller who hung up has the action told; a dequeue runs its URL; a Calls API redirect skips to it', async () => {
  const gone = new FakeControl();
  queueing(gone, { ...base, result: 'hangup', hangup: true });
  assert.deepEqual(await executeEnqueue(verb('<Enqueue action="/left">support</Enqueue>', 'Enqueue'), gone), { kind: 'hangup' });
  assert.equal(gone.notified[0]?.params.QueueResult, 'hangup');

  const moved = new FakeControl();
  queueing(moved, { ...base, result: 'redirected', target: { url: 'https://app.example.com/agent-free', method: 'GET' } });
  assert.deepEqual(await executeEnqueue(verb('<Enqueue action="/left">support</Enqueue>', 'Enqueue'), moved), {
    kind: 'redirect',
    url: 'https://app.example.com/agent-free',
    method: 'GET',
  });
  assert.equal(moved.notified[0]?.params.QueueResult, 'redirected');

  const redirected = new FakeControl();
  queueing(redirected, { ...base, result: 'redirected' }, () => redirected.abort.abort('redirect'));
  assert.deepEqual(await executeEnqueue(verb('<Enqueue action="/left">support</Enqueue>', 'Enqueue'), redirected), { kind: 'next' });
  assert.equal(redirected.notified.length, 1);
});

test('without queues (no enqueue in the control) the call ends with 12200', async () => {
  const ctl = new FakeControl();
  assert.deepEqual(await executeEnqueue(verb('<Enqueue>support</Enqueue>', 'Enqueue'), ctl), { kind: 'hangup' });
  assert.equal(ctl.alerts[0]?.kind, 'voiceVerbUnsupported');
});
