import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateBeep, silence, concatPcm } from '../media/index.js';
import { executeRecord } from './record.js';
import { FakeControl, verb } from './test-support/fake-control.js';

const speech = () => concatPcm([silence(500), generateBeep({ durationMs: 2000, amplitude: 6000 }), silence(3000)]);

test('a key ends the recording; the action gets the recording and the key; beep first; silence trimmed', async () => {
  const ctl = new FakeControl('https://app.example.com/voicemail');
  ctl.leg.recording = speech();
  ctl.leg.keys = ['#'];
  const out = await executeRecord(verb('<Record maxLength="30"/>', 'Record'), ctl);
  assert.equal(out.kind, 'redirect');
  if (out.kind !== 'redirect') return;
  assert.equal(out.url, 'https://app.example.com/voicemail');
  assert.equal(out.params?.Digits, '#');
  assert.equal(out.params?.RecordingSid, 'RE' + '1'.repeat(32));
  assert.ok(out.params?.RecordingUrl);
  assert.deepEqual(ctl.leg.log.slice(0, 3), ['beep', 'record:start', 'listening:record']);
  const kept = ctl.saved[0]!;
  assert.ok(kept.length < 8000 * 3.2 && kept.length > 8000 * 2, `trimmed to ${kept.length / 8000} s`);
});

test('timeout on silence ends it; playBeep="false"; do-not-trim keeps everything', async () => {
  const ctl = new FakeControl();
  ctl.leg.recording = speech();
  const running = executeRecord(verb('<Record timeout="1" playBeep="false" trim="do-not-trim" action="/saved"/>', 'Record'), ctl);
  await new Promise((r) => setTimeout(r, 5));
  ctl.leg.feed(0, 60); // 1.2 s of silence
  const out = await running;
  assert.equal(out.kind, 'redirect');
  assert.ok(!ctl.leg.log.includes('beep'));
  assert.equal(ctl.saved[0]!.length, speech().length);
});

test('maxLength ends it; an empty recording falls through without calling the action', async () => {
  const ctl = new FakeControl();
  ctl.leg.recording = silence(1000);
  assert.deepEqual(await executeRecord(verb('<Record maxLength="1" timeout="0"/>', 'Record'), ctl), { kind: 'next' });
  assert.equal(ctl.saved.length, 0);
});

test('a hangup during the recording still tells the action (Digits=hangup) and ends the call', async () => {
  const ctl = new FakeControl('https://app.example.com/vm');
  ctl.leg.recording = speech();
  setTimeout(() => ctl.abort.abort('hangup'), 10);
  const out = await executeRecord(verb('<Record timeout="0" recordingStatusCallback="/rec-status"/>', 'Record'), ctl);
  assert.deepEqual(out, { kind: 'hangup' });
  assert.equal(ctl.notified[0]?.params.Digits, 'hangup');
  assert.equal(ctl.notified[0]?.url, 'https://app.example.com/vm');
});
