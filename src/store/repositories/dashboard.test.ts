import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { migrate, openStore, type Store } from '../db.js';
import type { CallsTable } from '../schema.js';
import { T0 } from '../test-support/rows.js';
import { DashboardRepository } from './dashboard.js';

let s: Store;
let repo: DashboardRepository;

before(async () => {
  s = openStore(':memory:');
  await migrate(s);
  repo = new DashboardRepository(s.db);
});
after(() => s.close());

function call(sid: string, accountSid: string, status: string): CallsTable {
  return {
    sid,
    account_sid: accountSid,
    parent_call_sid: null,
    direction: 'inbound',
    from_number: '+15550000001',
    to_number: '+15550000002',
    phone_number_sid: null,
    status,
    endpoint: 'virtual',
    start_time: T0,
    end_time: null,
    duration: null,
    forwarded_from: null,
    caller_name: null,
    url: null,
    method: 'POST',
    fallback_url: null,
    fallback_method: 'POST',
    twiml: null,
    application_sid: null,
    status_callback: null,
    status_callback_method: 'POST',
    status_callback_events: '[]',
    callback_seq: -1,
    timeout: 60,
    time_limit: 14400,
    send_digits: null,
    record: 0,
    answered_by: null,
    node_id: null,
    lease_until: null,
    date_created: T0,
    date_updated: T0,
  };
}

async function queue(sid: string, accountSid: string, name: string): Promise<void> {
  await s.db.insertInto('queues').values({ sid, account_sid: accountSid, friendly_name: name, max_size: 100, date_created: T0, date_updated: T0 }).execute();
}

async function member(n: number, queueSid: string, accountSid: string, status: string, joined: number): Promise<void> {
  const callSid = `CA${String(n).padStart(32, '0')}`;
  await s.db
    .insertInto('calls')
    .values(call(callSid, accountSid, status))
    .execute();
  await s.db
    .insertInto('queue_members')
    .values({ sid: `QM${String(n).padStart(32, '0')}`, call_sid: callSid, queue_sid: queueSid, account_sid: accountSid, node_id: 'n1', date_created: joined })
    .execute();
}

test("queue depths count live members only, per account; the sampler's read covers every account in a bounded order", async () => {
  await queue('QU1', 'AC1', 'support');
  await queue('QU2', 'AC1', 'billing');
  await queue('QU3', 'AC2', 'other');
  await member(1, 'QU1', 'AC1', 'in-progress', T0 + 1000);
  await member(2, 'QU1', 'AC1', 'ringing', T0 + 5000);
  // A call that ended without leaving (its node died): not waiting any more.
  await member(3, 'QU1', 'AC1', 'completed', T0);
  await member(4, 'QU3', 'AC2', 'in-progress', T0 + 2000);

  assert.deepEqual(await repo.queueDepths('AC1'), [
    { sid: 'QU2', accountSid: 'AC1', name: 'billing', size: 0, oldest: null },
    { sid: 'QU1', accountSid: 'AC1', name: 'support', size: 2, oldest: T0 + 1000 },
  ]);
  assert.deepEqual(await repo.queueDepths('AC2'), [{ sid: 'QU3', accountSid: 'AC2', name: 'other', size: 1, oldest: T0 + 2000 }]);

  const all = await repo.allQueueDepths(10);
  assert.deepEqual(
    all.map((q) => [q.accountSid, q.sid, q.size]),
    [
      ['AC1', 'QU1', 2],
      ['AC1', 'QU2', 0],
      ['AC2', 'QU3', 1],
    ],
  );
  assert.deepEqual(
    (await repo.allQueueDepths(2)).map((q) => q.sid),
    ['QU1', 'QU2'],
  );
});
