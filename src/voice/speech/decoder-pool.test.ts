import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecoderPool } from './decoder-pool.js';
import type { DecoderProcess } from './decoder-process.js';

/** A stand-in for a decoder process: counts its utterances against a budget, can die. */
class FakeProcess {
  decoded = 0;
  dead = false;
  killed = false;
  constructor(readonly budget: number) {}
  get usable(): boolean {
    return !this.dead && !this.killed && this.decoded < this.budget;
  }
  get spent(): boolean {
    return this.decoded >= this.budget;
  }
  kill(): void {
    this.killed = true;
  }
}

function pool(max: number, budget: number): { pool: DecoderPool; made: FakeProcess[] } {
  const made: FakeProcess[] = [];
  const p = new DecoderPool(
    () => {
      const f = new FakeProcess(budget);
      made.push(f);
      return f as unknown as DecoderProcess;
    },
    max,
    10,
  );
  return { pool: p, made };
}

const use = (f: DecoderProcess): Promise<FakeProcess> => {
  const fake = f as unknown as FakeProcess;
  fake.decoded++;
  return new Promise((resolve) => setTimeout(() => resolve(fake), 5));
};

test('recognitions reuse one warm process; at most `max` run at once', async () => {
  const { pool: p, made } = pool(2, 100);
  p.warm();
  assert.equal(made.length, 1);
  await p.run(use);
  await p.run(use);
  assert.equal(made.length, 1, 'the warm process took both, one after the other');
  await Promise.all(Array.from({ length: 6 }, () => p.run(use)));
  assert.equal(made.length, 2, 'never more than two processes');
  assert.equal(p.size, 2);
});

test('a process that used its budget is replaced at once by a warm one; a dead one only when needed', async () => {
  const { pool: p, made } = pool(1, 2);
  await p.run(use);
  await p.run(use);
  assert.equal(made.length, 2, 'spent after two: a replacement was started');
  assert.ok(made[0]?.killed);
  assert.equal(p.size, 1);
  (made[1] as FakeProcess).dead = true;
  await p.run(use);
  assert.equal(made.length, 3, 'the dead one was retired and another started for this recognition');
  assert.equal(made[2]?.decoded, 1);
});

test('close kills every process and warm() starts none afterwards', async () => {
  const { pool: p, made } = pool(2, 100);
  await Promise.all([p.run(use), p.run(use)]);
  p.close();
  assert.ok(made.every((f) => f.killed));
  assert.equal(p.size, 0);
  p.warm();
  assert.equal(made.length, 2);
});
