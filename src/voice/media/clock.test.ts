import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaClock } from './clock.js';
import type { ClockClient } from './clock.js';

function counter(): ClockClient & { ticks: number; skipped: number } {
  const c = {
    ticks: 0,
    skipped: 0,
    tick: () => {
      c.ticks++;
    },
    skip: (n: number) => {
      c.skipped += n;
    },
  };
  return c;
}

/** A clock on a fake monotonic time; `run()` is what the real timer calls. */
function fakeClock(maxCatchUp = 10) {
  let now = 1000;
  const clock = new MediaClock({ now: () => now, maxCatchUp });
  return {
    clock,
    advance: (ms: number) => {
      now += ms;
      clock.run();
    },
  };
}

test('ticks are counted against the start time, so late wake-ups catch up without drift', (t) => {
  const { clock, advance } = fakeClock();
  const a = counter();
  clock.add(a);
  t.after(() => clock.remove(a));
  advance(19);
  assert.equal(a.ticks, 0);
  advance(1);
  assert.equal(a.ticks, 1);
  advance(47); // woke late: 67 ms elapsed -> 3 ticks due in total
  assert.equal(a.ticks, 3);
  for (let i = 0; i < 1000; i++) advance(20.3); // jittery wake-ups
  assert.equal(a.ticks, Math.floor((67 + 1000 * 20.3) / 20));
});

test('one clock drives every client in the same tick', (t) => {
  const { clock, advance } = fakeClock();
  const clients = Array.from({ length: 100 }, counter);
  for (const c of clients) clock.add(c);
  t.after(() => {
    for (const c of clients) clock.remove(c);
  });
  assert.equal(clock.size, 100);
  advance(200);
  assert.ok(clients.every((c) => c.ticks === 10));
});

test('after a long stall the backlog beyond maxCatchUp is skipped, and clients are told', (t) => {
  const { clock, advance } = fakeClock(5);
  const a = counter();
  clock.add(a);
  t.after(() => clock.remove(a));
  advance(1000); // 50 ticks due
  assert.equal(a.ticks, 5);
  assert.equal(a.skipped, 45);
  assert.equal(clock.skippedTicks, 45);
  advance(20);
  assert.equal(a.ticks, 6);
});

test('clients can leave during a tick, a throwing client does not stop the others, and the timer stops when empty', () => {
  const { clock, advance } = fakeClock();
  const b = counter();
  const leaver: ClockClient = { tick: () => clock.remove(leaver) };
  const thrower: ClockClient = {
    tick: () => {
      throw new Error('boom');
    },
  };
  clock.add(leaver);
  clock.add(thrower);
  clock.add(b);
  advance(40);
  assert.equal(b.ticks, 2);
  assert.equal(clock.size, 2);
  clock.remove(thrower);
  clock.remove(b);
  assert.equal(clock.size, 0);
});

test('phases: clients tick in groups offset by interval/phases, each still every 20 ms; a stall skips per phase', () => {
  let now = 1000;
  const clock = new MediaClock({ now: () => now, phases: 4, maxCatchUp: 2 });
  const clients = Array.from({ length: 8 }, counter);
  for (const c of clients) clock.add(c);
  const served: number[] = [];
  clock.onTick = (_ms, n) => served.push(n);
  const step = (ms: number) => {
    now += ms;
    clock.run();
  };
  step(5);
  assert.deepEqual(
    clients.map((c) => c.ticks),
    [1, 0, 0, 0, 1, 0, 0, 0],
  ); // phase 0: clients 0 and 4
  step(5);
  step(5);
  step(5);
  assert.ok(clients.every((c) => c.ticks === 1));
  assert.deepEqual(served, [2, 2, 2, 2]);
  for (let i = 0; i < 400; i++) step(5);
  assert.ok(clients.every((c) => c.ticks === 101));
  step(1000); // 200 steps due, 8 (2 ticks x 4 phases) run, 192 dropped: 48 per phase
  assert.ok(clients.every((c) => c.ticks === 103 && c.skipped === 48));
  assert.equal(clock.skippedTicks, 192);
  for (const c of clients) clock.remove(c);
  assert.equal(clock.size, 0);
});
