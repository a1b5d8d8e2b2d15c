import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/test-support/clock.js';
import { migrate, openStore, type Store } from '../store/db.js';
import { RetentionRepository } from '../store/repositories/retention.js';
import { messageRow, sid, T0 } from '../store/test-support/rows.js';
import { parseRetention, type RetentionPolicy } from './policy.js';
import { RetentionPruner } from './pruner.js';

const DAY = 86_400_000;
const OFF: RetentionPolicy = { webhookLog: null, alerts: null, messageBodies: null, media: null, recordings: null };

async function store(): Promise<Store> {
  const s = openStore(':memory:');
  await migrate(s);
  return s;
}

function webhookRequest(n: number, at: number) {
  return {
    sid: sid('WR', n),
    account_sid: sid('AC', 1),
    resource_sid: sid('SM', n),
    purpose: 'sms-status',
    method: 'POST',
    url: 'http://127.0.0.1/cb',
    request_headers: '{}',
    request_body: 'MessageStatus=sent',
    response_status: 200,
    response_headers: '{}',
    response_body: '',
    latency_ms: 1,
    error_code: null,
    error_message: null,
    attempt: 1,
    date_created: at,
  };
}

const count = async (s: Store, table: 'webhook_requests' | 'alerts' | 'message_media' | 'recordings') =>
  Number(
    (
      await s.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('retention durations: units, off, and mistakes', () => {
  assert.equal(parseRetention('7d'), 7 * DAY);
  assert.equal(parseRetention('12h'), 12 * 3_600_000);
  assert.equal(parseRetention('30m'), 30 * 60_000);
  assert.equal(parseRetention('off'), null);
  assert.equal(parseRetention('0'), null);
  assert.throws(() => parseRetention('7'), /duration such as 7d/);
  assert.throws(() => parseRetention('-1d'), /duration such as 7d/);
  assert.throws(() => parseRetention('30s'), /at least 1m/);
});

test('the webhook log is pruned by age in batches, newest records kept, with a clock moved by the test', async () => {
  const s = await store();
  const clock = new ManualClock(T0);
  // 25 records a day old and 5 from "now": a 12-hour retention removes exactly the 25.
  const rows = [
    ...Array.from({ length: 25 }, (_, i) => webhookRequest(i + 1, T0 - DAY + i)),
    ...Array.from({ length: 5 }, (_, i) => webhookRequest(100 + i, T0 + i)),
  ];
  await s.db.insertInto('webhook_requests').values(rows).execute();
  const statements: number[] = [];
  const repo = new RetentionRepository(s.db, s.dialect);
  const counting = {
    deleteOlder: async (...a: Parameters<RetentionRepository['deleteOlder']>) => {
      const n = await repo.deleteOlder(...a);
      statements.push(n);
      return n;
    },
    redactMessageBodies: repo.redactMessageBodies.bind(repo),
  };
  const pruned: [string, number][] = [];
  const pruner = new RetentionPruner(counting, { ...OFF, webhookLog: 12 * 3_600_000 }, clock, {
    batch: 10,
    pauseMs: 0,
    onError: (err) => assert.fail(String(err)),
    onPruned: (kind, n) => pruned.push([kind, n]),
  });
  assert.deepEqual(await pruner.runOnce(), { webhookLog: 25 });
  // Batches of 10: 10, 10, 5 (a short batch ends the kind's turn).
  assert.deepEqual(statements, [10, 10, 5]);
  assert.deepEqual(pruned, [['webhookLog', 25]]);
  assert.equal(await count(s, 'webhook_requests'), 5);
  // Nothing else is old yet; a day later the other five go too.
  assert.deepEqual(await pruner.runOnce(), { webhookLog: 0 });
  clock.advance(DAY);
  assert.deepEqual(await pruner.runOnce(), { webhookLog: 5 });
  assert.equal(await count(s, 'webhook_requests'), 0);
  await s.close();
});

test('a round stops after maxBatches statements; the backlog goes in the next rounds', async () => {
  const s = await store();
  const clock = new ManualClock(T0);
  await s.db
    .insertInto('webhook_requests')
    .values(Array.from({ length: 30 }, (_, i) => webhookRequest(i + 1, T0 - DAY)))
    .execute();
  const pruner = new RetentionPruner(new RetentionRepository(s.db, s.dialect), { ...OFF, webhookLog: 3_600_000 }, clock, {
    batch: 10,
    maxBatches: 2,
    pauseMs: 0,
    onError: (err) => assert.fail(String(err)),
  });
  assert.deepEqual(await pruner.runOnce(), { webhookLog: 20 });
  assert.deepEqual(await pruner.runOnce(), { webhookLog: 10 });
  await s.close();
});

test('each kind has its own retention; bodies are emptied only after the send pipeline is done with them', async () => {
  const s = await store();
  const clock = new ManualClock(T0 + 40 * DAY);
  const old = T0;
  await s.db.insertInto('webhook_requests').values(webhookRequest(1, old)).execute();
  await s.db
    .insertInto('alerts')
    .values({
      sid: sid('NO', 1),
      account_sid: sid('AC', 1),
      resource_sid: null,
      error_code: 11200,
      log_level: 'error',
      alert_text: 'HTTP retrieval failure',
      request_url: null,
      request_method: null,
      webhook_request_sid: null,
      date_created: old,
    })
    .execute();
  await s.db
    .insertInto('messages')
    .values([
      messageRow({ sid: sid('SM', 1), status: 'delivered', run_at: null, date_created: old }),
      // Scheduled long ago for later: still in the pipeline, so its body must stay until it is sent.
      messageRow({ sid: sid('SM', 2), status: 'scheduled', run_at: T0 + 50 * DAY, date_created: old }),
      messageRow({ sid: sid('SM', 3), status: 'delivered', run_at: null, date_created: clock.now() }),
    ])
    .execute();
  await s.db
    .insertInto('message_media')
    .values({
      sid: sid('ME', 1),
      account_sid: sid('AC', 1),
      message_sid: sid('MM', 1),
      content_type: 'image/png',
      size: 1,
      data: Buffer.from([1]),
      date_created: old,
      date_updated: old,
    })
    .execute();
  const recording = (n: number, status: string) => ({
    sid: sid('RE', n),
    account_sid: sid('AC', 1),
    call_sid: sid('CA', 1),
    source: 'DialVerb',
    status,
    channels: 1,
    duration: 1,
    start_time: old,
    error_code: null,
    audio: Buffer.from([0xff]),
    date_created: old,
    date_updated: old,
  });
  await s.db
    .insertInto('recordings')
    .values([recording(1, 'completed'), recording(2, 'in-progress')])
    .execute();

  // Only message bodies and recordings have a retention: the rest stays, however old.
  const pruner = new RetentionPruner(new RetentionRepository(s.db, s.dialect), { ...OFF, messageBodies: 30 * DAY, recordings: 30 * DAY }, clock, {
    pauseMs: 0,
    onError: (err) => assert.fail(String(err)),
  });
  assert.deepEqual(await pruner.runOnce(), { messageBodies: 1, recordings: 1 });
  const bodies = await s.db.selectFrom('messages').select(['sid', 'body', 'date_updated']).orderBy('sid').execute();
  assert.deepEqual(bodies, [
    { sid: sid('SM', 1), body: '', date_updated: clock.now() },
    { sid: sid('SM', 2), body: 'hello', date_updated: T0 },
    { sid: sid('SM', 3), body: 'hello', date_updated: T0 },
  ]);
  assert.deepEqual(await s.db.selectFrom('recordings').select('sid').execute(), [{ sid: sid('RE', 2) }]);
  assert.equal(await count(s, 'webhook_requests'), 1);
  assert.equal(await count(s, 'alerts'), 1);
  assert.equal(await count(s, 'message_media'), 1);

  const all = new RetentionPruner(
    new RetentionRepository(s.db, s.dialect),
    { webhookLog: DAY, alerts: DAY, messageBodies: DAY, media: DAY, recordings: DAY },
    clock,
    {
      pauseMs: 0,
      onError: (err) => assert.fail(String(err)),
    },
  );
  assert.deepEqual(await all.runOnce(), { webhookLog: 1, alerts: 1, messageBodies: 0, media: 1, recordings: 0 });
  await s.close();
});

test('with every kind off the pruner sets no timer', () => {
  const pruner = new RetentionPruner(
    { deleteOlder: () => assert.fail('no statement'), redactMessageBodies: () => assert.fail('no statement') },
    OFF,
    new ManualClock(T0),
    { onError: () => undefined },
  );
  assert.equal(pruner.enabled, false);
  pruner.start();
});
