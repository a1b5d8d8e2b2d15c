import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoopGuard } from './loop-guard.js';

const A = '+14155550100';
const B = '+14155550111';
const C = '+14155550122';

test("Twilio's 14107 rule: 30 messages a pair in quick succession pass, the 31st fails, and the pair stays blocked for 30 s", () => {
  const g = new LoopGuard();
  let t = 1_000_000;
  for (let i = 0; i < 30; i++) {
    // Both directions count for the pair: a ping-pong is one conversation.
    assert.equal(i % 2 ? g.allow(B, A, t) : g.allow(A, B, t), true, `message ${i + 1}`);
    t += 100;
  }
  assert.equal(g.allow(A, B, t), false, 'the 31st within 30 s of the previous one fails');
  assert.equal(g.allow(A, C, t), true, 'another pair is not affected');
  assert.equal(g.allow(B, A, t + 29_999), false, 'blocked for 30 s');
  assert.equal(g.allow(B, A, t + 30_000), true, 'then the pair starts again at 1');
});

test('a gap longer than 30 s starts the counter again', () => {
  const g = new LoopGuard({ limit: 3, windowMs: 1000 });
  assert.deepEqual(
    [0, 500, 1000, 2001, 2500, 3000, 3500].map((t) => g.allow(A, B, t)),
    [true, true, true, true, true, true, false],
  );
});
