import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Endpointer, type EndpointEvent } from './endpointer.js';

function frame(level: number): Int16Array {
  const f = new Int16Array(160);
  for (let i = 0; i < 160; i++) f[i] = i % 2 === 0 ? level : -level;
  return f;
}

function run(frames: Array<[level: number, count: number]>, endSilenceMs = 500, maxSpeechMs = 10_000): EndpointEvent[] {
  const events: EndpointEvent[] = [];
  const e = new Endpointer({ endSilenceMs, maxSpeechMs }, (ev) => events.push(ev));
  for (const [level, count] of frames) for (let i = 0; i < count; i++) e.push(frame(level));
  return events;
}

test('speech starts after 80 ms of loud frames and ends after the configured silence, with pre-roll kept', () => {
  const events = run([
    [20, 50],
    [3000, 40],
    [20, 30],
  ]);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['start', 'end'],
  );
  const end = events[1];
  assert.ok(end?.kind === 'end' && end.reason === 'silence');
  // 300 ms pre-roll + 800 ms of speech + 300 ms of the trailing silence kept.
  assert.equal(end.kind === 'end' ? end.pcm.length : 0, 2400 + 6400 + 2400);
});

test('a click (under 80 ms) is not speech; quiet lines never start', () => {
  assert.deepEqual(
    run([
      [3000, 3],
      [20, 100],
    ]),
    [],
  );
});

test('line noise raises the threshold: speech must stand above the noise floor', () => {
  // Noise at 600 (above the fixed minimum) for a second becomes the floor; speech at 900 is not enough, 5000 is.
  assert.deepEqual(
    run([
      [600, 50],
      [900, 20],
    ]),
    [],
  );
  assert.equal(
    run([
      [600, 50],
      [5000, 20],
    ])[0]?.kind,
    'start',
  );
});

test('maxSpeechTime ends a long utterance', () => {
  const events = run([[3000, 200]], 500, 1000);
  assert.equal(events[1]?.kind === 'end' ? events[1].reason : null, 'max');
});
