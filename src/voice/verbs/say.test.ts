import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOOP_FOREVER } from '../../twiml/index.js';
import { LegAudioError } from '../legs/types.js';
import { executeSay } from './say.js';
import { FakeControl, verb } from './test-support/fake-control.js';

test('<Say> answers, speaks with voice, language and loop, then goes on', async () => {
  const ctl = new FakeControl();
  assert.deepEqual(await executeSay(verb('<Say voice="alice" language="fr-FR" loop="2">Bonjour</Say>', 'Say'), ctl), { kind: 'next' });
  assert.ok(ctl.answered);
  assert.deepEqual(ctl.leg.log, ['say:Bonjour:fr-FR:2']);
});

test('<Say loop="0"> repeats until stopped; empty text says nothing', async () => {
  const ctl = new FakeControl();
  await executeSay(verb('<Say loop="0">again</Say>', 'Say'), ctl);
  await executeSay(verb('<Say></Say>', 'Say'), ctl);
  assert.deepEqual(ctl.leg.log, [`say:again:en-US:${LOOP_FOREVER}`]);
});

test('a TTS failure is an alert, and the call goes on', async () => {
  const ctl = new FakeControl();
  ctl.leg.say = async () => {
    throw new LegAudioError('tts', 'espeak-ng is not installed');
  };
  assert.deepEqual(await executeSay(verb('<Say>hi</Say>', 'Say'), ctl), { kind: 'next' });
  assert.equal(ctl.alerts[0]?.kind, 'voiceSayFailed');
});
