import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/test-support/clock.js';
import type { DashboardRepository, QueueDepth } from '../store/repositories/dashboard.js';
import { dashboardView, type CarrierHealth } from './dashboard.js';
import { DashboardSampler, type Schedule } from './dashboard-sampler.js';
import { MinuteRing } from './minute-ring.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 20);
const minute = (ms: number) => Math.floor(ms / MIN);

/** A sampler over readings the test sets, with a timer the test fires by hand. */
function rig(o: { maxQueues?: number } = {}) {
  const clock = new ManualClock(T0);
  const state = { queues: [] as QueueDepth[], carriers: [] as CarrierHealth[], fail: false };
  const errors: unknown[] = [];
  const timers: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  const schedule: Schedule = (fn, ms) => {
    const t = { fn, ms, cancelled: false };
    timers.push(t);
    return () => {
      t.cancelled = true;
    };
  };
  const sampler = new DashboardSampler({
    clock,
    queues: async () => {
      if (state.fail) throw new Error('database gone');
      return state.queues.map((q) => ({ ...q }));
    },
    carriers: () => state.carriers.map((c) => ({ ...c })),
    onError: (e) => errors.push(e),
    schedule,
    ...o,
  });
  /** Lets the sample's promise chain settle (the fake query resolves at once). */
  const settle = () => new Promise((r) => setImmediate(r));
  return { clock, state, errors, timers, sampler, settle };
}

const q = (accountSid: string, sid: string, size: number, oldest: number | null = null): QueueDepth => ({ sid, accountSid, name: sid, size, oldest });

test('the sampler samples at start, then at each minute: per account queue depths and waits, carriers up/down', async () => {
  const r = rig();
  r.state.queues = [q('AC1', 'QU1', 2, T0 - 30_000), q('AC2', 'QU2', 5)];
  r.state.carriers = [{ name: 'main', up: true }];
  r.sampler.start();
  await r.settle();
  assert.equal(r.timers.length, 1, 'the next sample is scheduled');
  // Just past the next minute's start: 40 s to 12:01:00, plus a second.
  assert.equal(r.timers[0]!.ms, 41_000);

  r.clock.advance(41_000);
  r.state.queues = [q('AC1', 'QU1', 3, T0 - 30_000), q('AC2', 'QU2', 4)];
  r.state.carriers = [{ name: 'main', up: false }];
  r.timers[0]!.fn();
  await r.settle();
  assert.equal(r.timers.length, 2);
  assert.equal(r.timers[1]!.ms, 60_000, 'from 12:01:01 to a second past 12:02');

  const first = minute(T0) - 1;
  assert.deepEqual(r.sampler.queueDepths('AC1', 'QU1', first, 4), [null, 2, 3, null]);
  assert.deepEqual(r.sampler.queueWaits('AC1', 'QU1', first, 4), [null, 30, 71, null]);
  assert.deepEqual(r.sampler.queueDepths('AC2', 'QU2', first, 4), [null, 5, 4, null]);
  // Accounts are isolated: another account's queue reads as nothing, even by its SID.
  assert.deepEqual(r.sampler.queueDepths('AC1', 'QU2', first, 4), [null, null, null, null]);
  assert.deepEqual(r.sampler.carrierUp('main', first, 4), [null, 1, 0, null]);
  assert.equal(r.sampler.since, minute(T0) * MIN);
  await r.sampler.stop();
  assert.deepEqual(r.errors, []);
});

test('an hour is kept and no more; queues and carriers that disappear drop out; skipped minutes read as none', async () => {
  const r = rig({ maxQueues: 3 });
  r.state.queues = [q('AC1', 'QU1', 1), q('AC1', 'QU2', 1)];
  r.state.carriers = [
    { name: 'main', up: true },
    { name: 'old', up: true },
  ];
  for (let i = 0; i < 90; i++) {
    r.state.queues[0]!.size = i;
    await r.sampler.sampleOnce();
    r.clock.advance(MIN);
    if (i === 50) {
      // QU2 deleted, the carrier removed; a third queue appears.
      r.state.queues = [q('AC1', 'QU1', i), q('AC1', 'QU3', 7)];
      r.state.carriers = [{ name: 'main', up: true }];
    }
  }
  const last = minute(T0) + 89;
  const hour = r.sampler.queueDepths('AC1', 'QU1', last - 59, 60);
  assert.deepEqual(
    hour,
    Array.from({ length: 60 }, (_, i) => 30 + i),
    'the last 60 minutes, oldest first',
  );
  assert.deepEqual(r.sampler.queueDepths('AC1', 'QU1', last - 89, 30), new Array(30).fill(null), 'older minutes are gone');
  assert.deepEqual(r.sampler.queueDepths('AC1', 'QU2', last - 59, 60), new Array(60).fill(null), 'a deleted queue drops out');
  assert.deepEqual(r.sampler.carrierUp('old', last - 59, 60), new Array(60).fill(null), 'a removed carrier drops out');
  assert.deepEqual(r.sampler.kept, { queues: 2, carriers: 1 });
  const third = r.sampler.queueDepths('AC1', 'QU3', last - 59, 60);
  assert.equal(third.filter((v) => v === 7).length, 39, 'a new queue has history from its first sample');

  // The bound: more queues than maxQueues keeps maxQueues.
  r.state.queues = Array.from({ length: 10 }, (_, i) => q('AC1', `QX${i}`, 1));
  await r.sampler.sampleOnce();
  assert.equal(r.sampler.kept.queues, 3);

  // A minute with no sample (a stalled node) reads as none, not as the value from an hour before.
  r.clock.advance(2 * MIN);
  await r.sampler.sampleOnce();
  const now = minute(r.clock.now());
  assert.deepEqual(r.sampler.queueDepths('AC1', 'QX0', now - 2, 3), [1, null, 1]);
});

test('a failed query is reported and costs only the queues of that minute; stop ends the timer', async () => {
  const r = rig();
  r.state.carriers = [{ name: 'main', up: true }];
  r.state.fail = true;
  r.sampler.start();
  await r.settle();
  assert.equal(r.errors.length, 1);
  assert.deepEqual(r.sampler.carrierUp('main', minute(T0), 1), [1], 'carriers are still recorded');
  assert.equal(r.timers.length, 1, 'sampling goes on after an error');

  r.state.fail = false;
  r.clock.advance(41_000);
  r.timers[0]!.fn();
  // Stopped while that sample is in flight: it finishes, and nothing is scheduled after it.
  await r.sampler.stop();
  await r.settle();
  assert.equal(r.timers.length, 1);
  assert.equal(r.timers.filter((t) => !t.cancelled).length, 1, 'the fired timer was not rescheduled');

  r.sampler.start();
  await r.settle();
  assert.equal(r.timers.length, 2);
  await r.sampler.stop();
  assert.equal(r.timers[1]!.cancelled, true, 'stop cancels the pending timer');
});

test('the ring replaces a minute sampled twice and ignores a sample older than the latest', () => {
  const ring = new MinuteRing(60, 1, 10);
  ring.record(T0, new Map([['a', { owner: 'AC1', reading: [1] }]]));
  ring.record(T0 + 10_000, new Map([['a', { owner: 'AC1', reading: [2] }]]));
  ring.record(T0 - MIN, new Map([['a', { owner: 'AC1', reading: [9] }]]));
  assert.deepEqual(ring.values('a', 'AC1', minute(T0) - 1, 2), [null, 2]);
  // The same key under another owner starts a new series (a SID is never shared, but the ring does not trust that).
  ring.record(T0 + MIN, new Map([['a', { owner: 'AC2', reading: [3] }]]));
  assert.deepEqual(ring.values('a', 'AC1', minute(T0), 2), [null, null]);
  assert.deepEqual(ring.values('a', 'AC2', minute(T0), 2), [null, 3]);
});

test('the dashboard charts the sampled minutes and the reading now for the minute in progress', async () => {
  const r = rig();
  r.state.queues = [q('AC1', 'QU1', 4, T0 - 10_000)];
  r.state.carriers = [{ name: 'main', up: false }];
  await r.sampler.sampleOnce();
  r.clock.advance(2 * MIN);
  const repo = {
    messagesByStatus: async () => [],
    callsByStatus: async () => [],
    alertsByCode: async () => [],
    callSpans: async () => [],
    queueDepths: async () => [q('AC1', 'QU1', 1, r.clock.now() - 5_000)],
  } as unknown as DashboardRepository;
  const v = await dashboardView(repo, () => [{ name: 'main', up: true }], r.sampler, 'AC1', r.clock.now());
  assert.deepEqual(v.queues[0]!.size_per_minute.slice(57), [4, null, 1]);
  assert.deepEqual(v.queues[0]!.longest_wait_per_minute.slice(57), [10, null, 5]);
  assert.deepEqual(v.carriers[0]!.up_per_minute.slice(57), [0, null, 1]);
  assert.equal(v.history_since, minute(T0) * MIN);
});
