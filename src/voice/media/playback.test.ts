import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlaybackQueue } from './playback.js';
import { Recorder } from './recorder.js';
import { ALAW_TO_LINEAR, LINEAR_TO_ALAW, LINEAR_TO_ULAW, ULAW_TO_LINEAR, encodePcm } from './g711.js';

const ramp = (n: number, from = 0) => Int16Array.from({ length: n }, (_, i) => (from + i) * 100);

test('fills frames across item boundaries and pads the end with silence', async () => {
  const q = new PlaybackQueue();
  const a = q.enqueue(ramp(100));
  const b = q.enqueue(ramp(100, 100));
  const out = new Uint8Array(172);
  assert.equal(q.fill('PCMU', out, 12, 160), true);
  assert.equal(await a, 'finished');
  assert.equal(out[12], LINEAR_TO_ULAW[0]);
  assert.equal(out[12 + 150], LINEAR_TO_ULAW[(150 * 100) & 0xffff]);
  assert.equal(q.fill('PCMU', out, 12, 160), true);
  assert.equal(await b, 'finished');
  assert.deepEqual([...out.subarray(12 + 40, 172)], new Array(120).fill(0xff), 'mu-law silence after the end');
  assert.equal(q.fill('PCMA', out, 12, 160), false);
  assert.ok(
    out.subarray(12).every((x) => x === 0xd5),
    'A-law silence when idle',
  );
});

test('loops a fixed number of times, or forever until stopped', async () => {
  const q = new PlaybackQueue();
  const twice = q.enqueue(ramp(120), { loop: 2 });
  const out = new Uint8Array(160);
  q.fill('PCMU', out, 0, 160);
  assert.equal(q.playing, true);
  q.fill('PCMU', out, 0, 160);
  assert.equal(await twice, 'finished');
  const forever = q.enqueue(ramp(50), { loop: 0 });
  for (let i = 0; i < 50; i++) assert.equal(q.fill('PCMU', out, 0, 160), true);
  q.stop();
  assert.equal(await forever, 'stopped');
});

test('digits interrupt only the leading interruptible items', async () => {
  const q = new PlaybackQueue();
  const any = q.enqueue(ramp(1000), { interruptOnDigit: true });
  const onlyStar = q.enqueue(ramp(1000), { interruptOnDigit: '*' });
  const plain = q.enqueue(ramp(1000));
  assert.equal(q.interrupt('5'), true);
  assert.equal(await any, 'interrupted');
  assert.equal(q.interrupt('5'), false, '5 does not stop the *-only item');
  assert.equal(q.interrupt('*'), true);
  assert.equal(await onlyStar, 'interrupted');
  assert.equal(q.interrupt('*'), false);
  q.stop();
  assert.equal(await plain, 'stopped');
});

test('pre-encoded audio is copied in its own law and transcoded into the other', () => {
  const pcm = ramp(160, -80);
  const ulaw = encodePcm('PCMU', pcm);
  const q = new PlaybackQueue();
  void q.enqueue({ encoding: 'PCMU', data: ulaw });
  void q.enqueue({ encoding: 'PCMU', data: ulaw });
  const out = new Uint8Array(160);
  q.fill('PCMU', out, 0, 160);
  assert.deepEqual([...out], [...ulaw]);
  q.fill('PCMA', out, 0, 160);
  for (let i = 0; i < 160; i++) {
    const viaLinear = LINEAR_TO_ALAW[(ULAW_TO_LINEAR[ulaw[i] ?? 0] ?? 0) & 0xffff];
    assert.equal(out[i], viaLinear);
    assert.ok(Math.abs((ALAW_TO_LINEAR[out[i] ?? 0] ?? 0) - (pcm[i] ?? 0)) < 600);
  }
});

test('an empty buffer finishes at once', async () => {
  assert.equal(await new PlaybackQueue().enqueue(new Int16Array(0)), 'finished');
});

test('the recorder fills timestamp gaps with silence, drops late packets and stops at its limit', () => {
  const r = new Recorder(1000);
  const frame = new Int16Array(160).fill(1000);
  r.push(frame, 160, 0);
  r.push(frame, 160, 320); // one packet lost
  r.push(frame, 160, 160); // the late one arrives: dropped
  const pcm = r.toPcm();
  assert.equal(pcm.length, 480);
  assert.equal(pcm[100], 1000);
  assert.equal(pcm[200], 0);
  assert.equal(pcm[400], 1000);
  for (let i = 0; i < 20; i++) r.push(frame, 160);
  assert.equal(r.samples, 1000);
  assert.equal(r.full, true);
  const wrap = new Recorder();
  wrap.push(frame, 160, 0xffffff60);
  wrap.push(frame, 160, 0); // timestamp wrapped around 2^32
  assert.equal(wrap.samples, 320);
});

test('the recorder spans chunk boundaries', () => {
  const r = new Recorder();
  const frame = Int16Array.from({ length: 160 }, (_, i) => i);
  for (let i = 0; i < 120; i++) r.push(frame, 160);
  const pcm = r.toPcm();
  assert.equal(pcm.length, 19200);
  assert.equal(pcm[8000 + 5], (8000 + 5) % 160);
  assert.equal(r.durationMs, 2400);
});

test('the recorder goes on when the sender restarts its timestamps far back, instead of dropping the rest', () => {
  const r = new Recorder();
  const frame = new Int16Array(160).fill(1000);
  r.push(frame, 160, 500_000);
  r.push(frame, 160, 500_160);
  r.push(frame, 160, 400_000); // a new timeline (re-INVITE, another stream): not a late packet
  r.push(frame, 160, 400_160);
  assert.equal(r.samples, 640);
});
