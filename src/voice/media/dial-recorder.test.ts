import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelOf, DialRecorder, interleave, mixdown } from './dial-recorder.js';
import { trimSilence } from '../dial/recording.js';

test('interleave, channelOf and mixdown are inverse views of two channels', () => {
  const l = Int16Array.from([1, 2, 3]);
  const r = Int16Array.from([10, 20]);
  const st = interleave(l, r);
  assert.deepEqual([...st], [1, 10, 2, 20, 3, 0]);
  assert.deepEqual([...channelOf(st, 0)], [1, 2, 3]);
  assert.deepEqual([...channelOf(st, 1)], [10, 20, 0]);
  assert.deepEqual([...mixdown(Int16Array.from([30000, 30000, -30000, -30000, 5, 6]))], [32767, -32768, 11]);
});

test('a channel that joins late is padded to the clock, so both stay aligned', async () => {
  const rec = new DialRecorder(10);
  const frame = new Int16Array(160).fill(1000);
  rec.push(0, frame, 160);
  await new Promise((r) => setTimeout(r, 300));
  rec.push(1, frame, 160); // the dialled party answers 300 ms in
  const right = channelOf(rec.take(), 1);
  const firstSound = right.findIndex((v) => v !== 0);
  assert.ok(firstSound >= 8 * 250, `the second channel starts about 300 ms in (${firstSound / 8} ms)`);
});

test('trimSilence cuts both ends of interleaved audio on frame boundaries, keeping 200 ms', () => {
  const mono = new Int16Array(8000 * 3);
  for (let i = 8000; i < 16000; i++) mono[i] = i % 2 ? 4000 : -4000;
  const out = trimSilence(interleave(mono, new Int16Array(mono.length)), 2);
  assert.equal(out.length % 2, 0);
  assert.ok(Math.abs(out.length / 2 - (8000 + 2 * 1600)) <= 160, `${out.length / 2} samples per channel`);
  assert.equal(trimSilence(new Int16Array(1600), 1).length, 0);
});
