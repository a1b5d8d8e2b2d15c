// A sender's send slots (MPS pacing): one statement for a known sender with room, the slow path for a new
// sender or a full backlog, and whole milliseconds that the double's rounding does not push up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrate } from '../db.js';
import type { Database } from '../schema.js';
import { MessagesRepository } from './messages.js';

const T = Date.UTC(2026, 11, 7, 9, 0, 0, 123);

async function slotStore() {
  const statements: string[] = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
    log: (e) => void (e.level === 'query' && statements.push(e.query.sql)),
  });
  const store = { db, dialect: 'sqlite' as const, close: () => db.destroy() };
  await migrate(store);
  return { store, statements, repo: new MessagesRepository(db, 'sqlite') };
}

test('several slots of one sender: one statement when all fit, else one at a time until the backlog is full', async () => {
  const { store, statements, repo } = await slotStore();
  const reserve = (now: number, costs: number[], backlog = 60_000) =>
    store.db.transaction().execute((trx) => repo.reserveSlots('+14155550100', now, costs, backlog, trx));
  try {
    assert.deepEqual(await reserve(T, [100]), [T], 'a new sender');
    statements.length = 0;
    assert.deepEqual(await reserve(T, [1000 / 3, 1000 / 3, 1000 / 3, 200]), [T + 100, T + 434, T + 767, T + 1100]);
    assert.equal(statements.filter((q) => q.includes('sender_schedule')).length, 1, 'one statement for all four');
    // The schedule ends at T + 1300: with a 1500 ms backlog, of three 200 ms slots only two fit.
    assert.deepEqual(await reserve(T, [200, 200, 200], 1500), [T + 1300, T + 1500, undefined]);
    assert.deepEqual(await reserve(T, [1], 1500), [undefined]);
  } finally {
    await store.close();
  }
});

test('slots follow one another by the cost, start at now after a pause, and a full backlog takes none', async () => {
  const { store, statements, repo } = await slotStore();
  const reserve = (now: number, cost: number, backlog = 60_000) =>
    store.db.transaction().execute((trx) => repo.reserveSlot('+14155550100', now, cost, backlog, trx));
  try {
    const third = 1000 / 3;
    const slots = [];
    for (let i = 0; i < 4; i++) slots.push(await reserve(T, third));
    assert.deepEqual(slots, [T, T + 334, T + 667, T + 1000]);
    statements.length = 0;
    await reserve(T, 0);
    assert.equal(statements.filter((q) => q.includes('sender_schedule')).length, 1, 'a known sender with room: one statement');
    // The schedule now ends at T + 1333.3: 1333 ms out is past a 500 ms backlog, and the refusal takes nothing.
    assert.equal(await reserve(T, third, 500), undefined);
    assert.equal(await reserve(T + 900, third, 500), T + 1334);
    // A sender idle past its schedule starts at now.
    assert.equal(await reserve(T + 10_000, 50), T + 10_000);
    assert.equal(await reserve(T + 10_000, 50), T + 10_050);
    const row = await store.db.selectFrom('sender_schedule').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.next_free_at, T + 10_100);
  } finally {
    await store.close();
  }
});
