// Creates that arrive together are stored together: one unit of the group commit, one reservation per sender
// (in order, a full backlog refusing only what does not fit) and one insert; a batch the store refuses is
// written again message by message, so only the bad row fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../core/errors.js';
import { MemoryGroup, MemoryMessages } from '../store/test-support/memory.js';
import { messageRow, sid, T0 } from '../store/test-support/rows.js';
import { CreateBatcher } from './create-batch.js';
import { RecordingJobs } from './test-support/fakes.js';

const A = '+14155550100';
const B = '+14155550111';

function setup() {
  const messages = new MemoryMessages();
  const group = new MemoryGroup([messages]);
  const queue = new RecordingJobs();
  const reservations: Array<[string, number[]]> = [];
  const reserve = messages.reserveSlots.bind(messages);
  messages.reserveSlots = (sender, now, costs, backlog) => {
    reservations.push([sender, [...costs]]);
    return reserve(sender, now, costs, backlog);
  };
  const batcher = new CreateBatcher({ messages, group, queue, maxBacklogMs: 2500 });
  const row = (n: number, from: string) => messageRow({ sid: sid('SM', n), status: 'queued', from_number: from, date_created: T0, run_at: T0 });
  return { messages, group, queue, reservations, batcher, row };
}

test('creates of one turn: one unit, one reservation per sender in arrival order, a full backlog refuses only the last', async () => {
  const { messages, group, queue, reservations, batcher, row } = setup();
  const rows = [row(1, A), row(2, B), row(3, A), row(4, A), row(5, A)];
  const results = await Promise.allSettled(rows.map((r) => batcher.write({ row: r, costMs: 1000 })));
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
  );
  const refusal = (results[4] as PromiseRejectedResult).reason;
  assert.ok(refusal instanceof ApiError && refusal.code === 21611, String(refusal));
  assert.deepEqual(group.keys, [A], 'one unit, keyed by the first sender it locks');
  assert.deepEqual(reservations, [
    [A, [1000, 1000, 1000, 1000]],
    [B, [1000]],
  ]);
  assert.deepEqual(
    rows.map((r) => r.run_at),
    [T0, T0, T0 + 1000, T0 + 2000, T0],
  );
  assert.deepEqual([...messages.rows.keys()].sort(), [1, 2, 3, 4].map((n) => sid('SM', n)).sort());
  assert.equal(messages.schedule.get(A), T0 + 3000, 'the refused message took no slot');
  assert.equal(queue.announced.length, 1);
});

test('a batch the store refuses is written again message by message: only the bad row fails', async () => {
  const { messages, batcher, row } = setup();
  messages.add(row(2, B));
  const rows = [row(1, A), row(2, A), row(3, A)];
  const results = await Promise.allSettled(rows.map((r) => batcher.write({ row: r, costMs: 500 })));
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.match(String((results[1] as PromiseRejectedResult).reason), /duplicate message/);
  assert.equal(messages.get(sid('SM', 3)).run_at, T0 + 500);
  assert.equal(messages.schedule.get(A), T0 + 1000, 'the refused row gave its slot back');
});
