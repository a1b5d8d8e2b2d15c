import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeGather } from './gather.js';
import { FakeControl, verb } from './test-support/fake-control.js';

test('numDigits: the action (default: this document) gets Digits', async () => {
  const ctl = new FakeControl('https://app.example.com/menu');
  ctl.leg.keys = ['1234'];
  const out = await executeGather(verb('<Gather numDigits="4"><Say>PIN?</Say></Gather>', 'Gather'), ctl);
  assert.deepEqual(out, { kind: 'redirect', url: 'https://app.example.com/menu', method: 'POST', params: { Digits: '1234' } });
  assert.deepEqual(ctl.leg.log, ['say:PIN?:en-US:1:i', 'listening:gather'], 'nested prompts are interruptible');
});

test('finishOnKey ends input and is not part of Digits; action and method attributes apply', async () => {
  const ctl = new FakeControl('https://app.example.com/menu');
  ctl.leg.keys = ['42#9'];
  const out = await executeGather(verb('<Gather action="/done" method="GET" timeout="2"/>', 'Gather'), ctl);
  assert.deepEqual(out, { kind: 'redirect', url: 'https://app.example.com/done', method: 'GET', params: { Digits: '42', FinishedOnKey: '#' } });
});

test('timeout with no input falls through; actionOnEmptyResult posts empty Digits', async () => {
  const ctl = new FakeControl();
  assert.deepEqual(await executeGather(verb('<Gather timeout="0"/>', 'Gather'), ctl), { kind: 'next' });
  const out = await executeGather(verb('<Gather timeout="0" actionOnEmptyResult="true" action="/empty"/>', 'Gather'), ctl);
  assert.equal(out.kind, 'redirect');
  assert.deepEqual(out.kind === 'redirect' ? out.params : null, { Digits: '' });
});

test('the timeout counts from the last key; a barge-in skips the remaining prompts', async () => {
  const ctl = new FakeControl();
  ctl.leg.playOutcome = 'interrupted';
  setTimeout(() => ctl.leg.press('7'), 5);
  const out = await executeGather(verb('<Gather timeout="1" finishOnKey=""><Say>one</Say><Say>two</Say></Gather>', 'Gather'), ctl);
  assert.deepEqual(
    ctl.leg.log.filter((l) => l.startsWith('say')),
    ['say:one:en-US:1:i'],
  );
  assert.equal(out.kind === 'redirect' ? out.params?.Digits : null, '7');
});

test("inline TwiML without action: Switchboard's own continuation runs, otherwise the next verb", async () => {
  const ctl = new FakeControl(null);
  ctl.leg.keys = ['1'];
  assert.deepEqual(await executeGather(verb('<Gather numDigits="1"/>', 'Gather'), ctl), { kind: 'next' });
  const own = new FakeControl(null);
  own.onGatherInput = '<Response><Say>code</Say></Response>';
  own.leg.keys = ['1'];
  assert.deepEqual(await executeGather(verb('<Gather numDigits="1"/>', 'Gather'), own), { kind: 'inline', twiml: own.onGatherInput });
});

test('input="speech" is an alert (DTMF only) and an outside abort stops the wait', async () => {
  const ctl = new FakeControl();
  setTimeout(() => ctl.abort.abort('redirect'), 20);
  assert.deepEqual(await executeGather(verb('<Gather input="speech" timeout="30"/>', 'Gather'), ctl), { kind: 'next' });
  assert.equal(ctl.alerts[0]?.kind, 'voiceVerbUnsupported');
});
