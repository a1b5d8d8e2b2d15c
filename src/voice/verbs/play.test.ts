import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executePlay } from './play.js';
import { FakeControl, verb } from './test-support/fake-control.js';

test('<Play> resolves its URL against the document and honours loop', async () => {
  const ctl = new FakeControl('https://app.example.com/ivr/main');
  await executePlay(verb('<Play loop="3">prompts/hello.wav</Play>', 'Play'), ctl);
  assert.deepEqual(ctl.leg.log, ['play:https://app.example.com/ivr/prompts/hello.wav:3']);
});

test('<Play digits> sends DTMF instead of audio', async () => {
  const ctl = new FakeControl();
  await executePlay(verb('<Play digits="wwww1928#"/>', 'Play'), ctl);
  assert.deepEqual(ctl.leg.log, ['digits:wwww1928#']);
});

test('audio that cannot be fetched raises 11200 and the call goes on', async () => {
  const ctl = new FakeControl();
  ctl.leg.failUrls.add('https://app.example.com/missing.mp3');
  assert.deepEqual(await executePlay(verb('<Play>https://app.example.com/missing.mp3</Play>', 'Play'), ctl), { kind: 'next' });
  assert.equal(ctl.alerts[0]?.kind, 'voiceAudioFetchFailed');
});

test('a relative URL in inline TwiML (no document URL) is an alert, not a crash', async () => {
  const ctl = new FakeControl(null);
  await executePlay(verb('<Play>hello.wav</Play>', 'Play'), ctl);
  assert.equal(ctl.alerts.length, 1);
  assert.deepEqual(ctl.leg.log, []);
});
