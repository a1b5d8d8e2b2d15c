import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Slots } from './pool.js';
import { SpeechError } from './recognizer.js';

/** A task that runs until `finish` is called, noting when it started. */
function held(log: string[], name: string): { task: () => Promise<string>; finish: () => void } {
  let finish = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const code = (e: unknown): string | undefined => (e instanceof SpeechError ? e.code : undefined);

test('at most `max` tasks run; the others start in order as slots free; beyond maxQueued: busy', async () => {
  const slots = new Slots(1, 1);
  const log: string[] = [];
  const a = held(log, 'a');
  const b = held(log, 'b');
  const first = slots.run(a.task);
  const second = slots.run(b.task);
  await assert.rejects(
    slots.run(async () => 'c'),
    (e) => code(e) === 'busy',
  );
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['a'], 'b waits for the one slot');
  a.finish();
  assert.equal(await first, 'a');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['a', 'b']);
  b.finish();
  assert.equal(await second, 'b');
  assert.equal(slots.active, 0);
});

test('a waiter whose signal aborts leaves the queue at once and never runs; the slot goes to the next', async () => {
  const slots = new Slots(1, 5);
  const log: string[] = [];
  const a = held(log, 'a');
  const first = slots.run(a.task);
  const cancel = new AbortController();
  const dropped = slots.run(async () => {
    log.push('dropped');
    return 'dropped';
  }, cancel.signal);
  const next = slots.run(async () => {
    log.push('next');
    return 'next';
  });
  assert.equal(slots.queued, 2);
  cancel.abort();
  await assert.rejects(dropped, (e) => code(e) === 'aborted');
  assert.equal(slots.queued, 1);
  a.finish();
  assert.deepEqual(await Promise.all([first, next]), ['a', 'next']);
  assert.deepEqual(log, ['a', 'next']);
  assert.equal(slots.active, 0);
  await assert.rejects(
    slots.run(async () => 'late', cancel.signal),
    (e) => code(e) === 'aborted',
    'an already aborted signal never queues',
  );
});
