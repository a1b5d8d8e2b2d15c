import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DashboardRepository } from '../store/repositories/dashboard.js';
import { dashboardView } from './dashboard.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 1, 12, 30, 15);
const m = (ago: number) => Math.floor(NOW / MIN) - ago;

test('the dashboard buckets by minute, computes the delivery rate and the calls up in each minute', async () => {
  const repo = {
    messagesByStatus: async () => [
      { minute: m(0), key: 'delivered', count: 3 },
      { minute: m(0), key: 'failed', count: 1 },
      { minute: m(2), key: 'queued', count: 5 },
      // Outside the hour: ignored.
      { minute: m(60), key: 'delivered', count: 9 },
    ],
    callsByStatus: async () => [{ minute: m(1), key: 'completed', count: 2 }],
    alertsByCode: async () => [{ minute: m(0), key: '11200', count: 4 }],
    callSpans: async () => [
      { start: NOW - 3 * MIN, end: NOW - 1.5 * MIN },
      { start: NOW - 10_000, end: null },
    ],
    queueDepths: async () => [{ sid: 'QU1', accountSid: 'AC1', name: 'support', size: 2, oldest: NOW - 90_000 }],
  } as unknown as DashboardRepository;
  const v = await dashboardView(repo, () => [{ name: 'sim', up: true }], undefined, 'AC1', NOW);
  assert.equal(v.minutes.length, 60);
  assert.equal(v.minutes[59], m(0) * MIN);
  assert.equal(v.messages['delivered']?.[59], 3);
  assert.equal(v.messages['queued']?.[57], 5);
  assert.equal(v.messages_total, 9);
  assert.equal(v.delivery_rate[59], 0.75);
  assert.equal(v.delivery_rate[57], null, 'no delivered, undelivered or failed in that minute');
  assert.equal(v.alerts['11200']?.[59], 4);
  assert.equal(v.calls_total, 2);
  assert.deepEqual(v.concurrent_calls.slice(55), [0, 1, 1, 0, 1]);
  // Without a sampler only the minute in progress has a reading: the one now.
  const none = new Array(59).fill(null);
  assert.deepEqual(v.queues, [
    { sid: 'QU1', friendly_name: 'support', size: 2, longest_wait: 90, size_per_minute: [...none, 2], longest_wait_per_minute: [...none, 90] },
  ]);
  assert.deepEqual(v.carriers, [{ name: 'sim', up: true, up_per_minute: [...none, 1] }]);
  assert.equal(v.history_since, null);
});
