// <Dial> as a verb: answering first (or not, with answerOnBridge), the action's parameters, going on
// without action, a caller who hung up (action told, not run), a redirect, and no dialer at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DialVerb } from '../../twiml/index.js';
import type { DialResult } from '../dial/types.js';
import { executeDial } from './dial.js';
import { FakeControl, verb } from './test-support/fake-control.js';

const bridged: DialResult = { status: 'completed', callSid: 'CA' + '2'.repeat(32), durationSeconds: 7, bridged: true, unsupported: false, recording: null };

function dialing(ctl: FakeControl, result: DialResult, during?: () => void): DialVerb[] {
  const seen: DialVerb[] = [];
  ctl.dial = async (v) => {
    seen.push(v);
    during?.();
    return result;
  };
  return seen;
}

test('the caller is answered, the action gets DialCallStatus, DialCallSid, DialCallDuration and DialBridged', async () => {
  const ctl = new FakeControl('https://app.example.com/ivr');
  const seen = dialing(ctl, bridged);
  const out = await executeDial(verb('<Dial action="/done" method="GET" timeout="12">+14155550100</Dial>', 'Dial'), ctl);
  assert.equal(ctl.answered, true);
  assert.equal(seen[0]?.timeout, 12);
  assert.deepEqual(out, {
    kind: 'redirect',
    url: 'https://app.example.com/done',
    method: 'GET',
    params: { DialCallStatus: 'completed', DialCallSid: 'CA' + '2'.repeat(32), DialCallDuration: '7', DialBridged: 'true' },
  });
});

test('answerOnBridge leaves the answer to the dial; unanswered results carry no duration; no action goes on', async () => {
  const ctl = new FakeControl();
  dialing(ctl, { status: 'busy', callSid: 'CA' + '3'.repeat(32), durationSeconds: null, bridged: false, unsupported: false, recording: null });
  const out = await executeDial(verb('<Dial answerOnBridge="true" action="/done">+14155550100</Dial>', 'Dial'), ctl);
  assert.equal(ctl.answered, false);
  assert.equal(out.kind, 'redirect');
  if (out.kind === 'redirect') assert.deepEqual(out.params, { DialCallStatus: 'busy', DialCallSid: 'CA' + '3'.repeat(32), DialBridged: 'false' });
  assert.deepEqual(await executeDial(verb('<Dial>+14155550100</Dial>', 'Dial'), ctl), { kind: 'next' });
});

test('a caller who hung up: the action is told and the call ends; a redirect skips the action', async () => {
  const ctl = new FakeControl();
  dialing(ctl, bridged, () => ctl.abort.abort('hangup'));
  assert.deepEqual(await executeDial(verb('<Dial action="/done">+14155550100</Dial>', 'Dial'), ctl), { kind: 'hangup' });
  assert.equal(ctl.notified[0]?.url, 'https://app.example.com/done');
  assert.equal(ctl.notified[0]?.params.DialCallStatus, 'completed');

  const moved = new FakeControl();
  dialing(moved, bridged, () => moved.abort.abort('redirect'));
  assert.deepEqual(await executeDial(verb('<Dial action="/done">+14155550100</Dial>', 'Dial'), moved), { kind: 'next' });
  assert.equal(moved.notified.length, 0);
});

test('nouns not supported at all end the call; a host without a dialer raises 12200', async () => {
  const ctl = new FakeControl();
  dialing(ctl, { status: 'failed', callSid: null, durationSeconds: null, bridged: false, unsupported: true, recording: null });
  assert.deepEqual(await executeDial(verb('<Dial><Queue>support</Queue></Dial>', 'Dial'), ctl), { kind: 'hangup' });
  const bare = new FakeControl();
  assert.deepEqual(await executeDial(verb('<Dial>+14155550100</Dial>', 'Dial'), bare), { kind: 'hangup' });
  assert.equal(bare.alerts[0]?.kind, 'voiceVerbUnsupported');
});
