/**
 * The batch reads and writes delivery reports use (`findMany`, `findManyWithMessage`, `transitionEach`),
 * on SQLite (src/store/repositories/receipt-reads.test.ts) and PostgreSQL
 * (test/core.receipt-reads.postgres.test.ts), which take different paths: one statement per batch on
 * PostgreSQL, the compiled one-row statements on SQLite.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Store } from '../db.js';
import { MessagePartsRepository } from '../repositories/message-parts.js';
import { MessagesRepository } from '../repositories/messages.js';
import { accountRow, messageRow, sid, T0 } from './rows.js';

export function receiptReadsContract(open: () => Promise<Store>): void {
  let store: Store;
  let messages: MessagesRepository;
  let parts: MessagePartsRepository;
  const sids = [1, 2, 3, 4].map((n) => sid('SM', n));

  before(async () => {
    store = await open();
    messages = new MessagesRepository(store.db, store.dialect);
    parts = new MessagePartsRepository(store.db, store.dialect);
    await store.db.insertInto('accounts').values(accountRow()).execute();
    for (const s of sids) await messages.insert(messageRow({ sid: s, status: 'sent', carrier: 'smsc' }));
    await parts.insert(
      sids.map((s, i) => ({
        carrier: 'smsc',
        carrier_id: `id-${i + 1}`,
        message_sid: s,
        seq: 1,
        total: i === 3 ? 2 : 1,
        status: 'sent',
        error_code: null,
        date_updated: T0,
      })),
    );
  });
  after(() => store.close());

  test('findMany returns the messages that exist, by SID', async () => {
    const found = await messages.findMany([sids[0]!, sid('SM', 99), sids[2]!]);
    assert.deepEqual([...found.keys()].sort(), [sids[0], sids[2]]);
    assert.equal(found.get(sids[2]!)?.status, 'sent');
  });

  test("findManyWithMessage returns each known id's message and its part count, for that carrier only", async () => {
    const found = await parts.findManyWithMessage('smsc', ['id-1', 'id-4', 'id-9']);
    assert.deepEqual([...found.keys()].sort(), ['id-1', 'id-4']);
    assert.equal(found.get('id-1')?.message.sid, sids[0]);
    assert.equal(found.get('id-4')?.total, 2);
    assert.equal((await parts.findManyWithMessage('other', ['id-1'])).size, 0);
  });

  test('transitionEach applies each change where the status allows it, and says which moved', async () => {
    await messages.update(sids[2]!, { status: 'delivered' });
    const moved = await messages.transitionEach(
      [
        { sid: sids[0]!, changes: { status: 'delivered', date_updated: T0 + 1 } },
        { sid: sids[1]!, changes: { status: 'undelivered', error_code: 30003, date_updated: T0 + 1 } },
        { sid: sids[2]!, changes: { status: 'undelivered', error_code: 30003, date_updated: T0 + 1 } },
      ],
      ['sent'],
    );
    assert.deepEqual([...moved].sort(), [sids[0], sids[1]]);
    const after = await messages.findMany(sids);
    assert.deepEqual(
      sids.map((s) => [after.get(s)?.status, after.get(s)?.error_code]),
      [
        ['delivered', null],
        ['undelivered', 30003],
        ['delivered', null],
        ['sent', null],
      ],
    );
  });
}
