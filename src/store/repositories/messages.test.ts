import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { migrate } from '../db.js';
import type { Cursor } from '../paging.js';
import type { Database } from '../schema.js';
import { messageRow, sid } from '../test-support/rows.js';
import { type MessageFilter, type MessageRow, MessagesRepository } from './messages.js';

// The plans SQLite picks for message lists once ANALYZE has run. 5,000 messages of one account over 30 days
// (ten senders, many recipients) are enough for its STAT4 samples to price a skip-scan of a list index below
// the ordered scan of the same index for some cursors: the plan that sorted every older message at 1 M.
const N = 5000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const STEP = Math.floor((30 * DAY) / N);
const ACCOUNT = sid('AC', 1);

const sqlite = new SQLite(':memory:');
let issued: { sql: string; parameters: readonly unknown[] } | undefined;
const db = new Kysely<Database>({
  dialect: new SqliteDialect({ database: sqlite }),
  log: (event) => {
    if (event.level === 'query') issued = event.query;
  },
});
const repo = new MessagesRepository(db, 'sqlite');

function message(i: number): MessageRow {
  const t = T0 + i * STEP;
  return messageRow({
    sid: `SM${t.toString(16).padStart(12, '0')}${i.toString(16).padStart(20, '0')}`,
    account_sid: ACCOUNT,
    from_number: `+1800555000${i % 10}`,
    to_number: `+1415${String((i * 7919) % 1000).padStart(7, '0')}`,
    status: 'delivered',
    run_at: null,
    date_created: t,
    date_updated: t,
    date_sent: t + 20,
  });
}

before(async () => {
  await migrate({ db, dialect: 'sqlite', close: async () => {} });
  for (let i = 0; i < N; i += 500) {
    await db
      .insertInto('messages')
      .values(Array.from({ length: 500 }, (_, j) => message(i + j)))
      .execute();
  }
  await sql`analyze`.execute(db);
});
after(() => db.destroy());

/** EXPLAIN QUERY PLAN of the statement `list` issues, with its values bound (STAT4 plans for the values). */
async function planOf(filter: MessageFilter, cursor: Cursor | undefined): Promise<string> {
  await repo.list(ACCOUNT, filter, { pageSize: 50, cursor });
  const q = issued!;
  const rows = sqlite.prepare(`explain query plan ${q.sql}`).all(...q.parameters) as { detail: string }[];
  return rows.map((r) => r.detail).join('; ');
}

test('message lists after ANALYZE scan their index in list order at every cursor, without a skip-scan or a sort', async () => {
  const day = (m: MessageRow): [number, number] => [m.date_created - (m.date_created % DAY), m.date_created - (m.date_created % DAY) + DAY];
  const days = (m: MessageRow) => ({ dateSentAfter: m.date_created - 3 * DAY, dateSentBefore: m.date_created + DAY });
  // Each filter with the index whose order the list should follow.
  const filters: [string, (m: MessageRow) => MessageFilter, RegExp][] = [
    ['DateSent', (m) => ({ dateSentOn: day(m) }), /INDEX messages_account \(/],
    ['DateSent> DateSent<', days, /INDEX messages_account \(/],
    ['DateSent<', (m) => ({ dateSentBefore: m.date_created + 5 * STEP }), /INDEX messages_account \(/],
    ['From, DateSent> DateSent<', (m) => ({ from: m.from_number, ...days(m) }), /INDEX messages_account_from_created/],
    ['To, DateSent> DateSent<', (m) => ({ to: m.to_number, ...days(m) }), /INDEX messages_account_to_created/],
  ];
  const wrong: string[] = [];
  let checked = 0;
  for (let i = 0; i < N; i += 25) {
    const m = message(i);
    const cursor: Cursor = { dateCreated: m.date_created, sid: m.sid, direction: 'next' };
    for (const [name, filterOf, index] of filters) {
      for (const c of [undefined, cursor]) {
        const plan = await planOf(filterOf(m), c);
        checked++;
        if (!index.test(plan) || /ANY\(|TEMP B-TREE/.test(plan)) wrong.push(`${name}, ${c ? `after message ${i}` : 'first page'}: ${plan}`);
      }
    }
  }
  assert.equal(wrong.length, 0, `${wrong.length} of ${checked} plans:\n${wrong.slice(0, 5).join('\n')}`);
});

test('a DateSent page holds the messages after its cursor, newest first', async () => {
  const on = T0 + 10 * DAY;
  const expected = Array.from({ length: N }, (_, i) => message(i))
    .filter((m) => m.date_sent! >= on && m.date_sent! < on + DAY)
    .reverse();
  const first = await repo.list(ACCOUNT, { dateSentOn: [on, on + DAY] }, { pageSize: 50 });
  assert.deepEqual(
    first.items.map((m) => m.sid),
    expected.slice(0, 50).map((m) => m.sid),
  );
  const last = first.items.at(-1)!;
  const second = await repo.list(
    ACCOUNT,
    { dateSentOn: [on, on + DAY] },
    { pageSize: 50, cursor: { dateCreated: last.date_created, sid: last.sid, direction: 'next' } },
  );
  assert.deepEqual(
    second.items.map((m) => m.sid),
    expected.slice(50, 100).map((m) => m.sid),
  );
  assert.equal(second.hasPrev, true);
});
