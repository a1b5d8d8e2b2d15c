// The durable callback policy on a fake clock: a status callback whose app answers 5xx is tried 4 times in
// all (Twilio gives up after a few), waiting retryBaseMs, then twice, then four times that; no delay is ever
// longer than a minute; a 4xx is not retried. The real queue, worker and dispatcher run against an in-memory
// store and a local HTTP server; only time is fake, so the test waits for nothing.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { EventBus } from '../core/events.js';
import { ManualClock } from '../core/test-support/clock.js';
import { JobQueue, type JobOutcome } from '../jobs/queue.js';
import { Worker } from '../jobs/worker.js';
import { migrate, openStore } from '../store/db.js';
import { JobsRepository } from '../store/repositories/jobs.js';
import { WebhookLogRepository } from '../store/repositories/webhook-log.js';
import { WEBHOOK_QUEUE, type WebhookCall, WebhookDispatcher } from './dispatcher.js';
import { WebhookLog } from './log.js';

const BASE_MS = 1000;
let server: Server;
let base = '';
const hits: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(req.url === '/gone' ? 410 : 503).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

async function rig() {
  const store = openStore(':memory:');
  await migrate(store);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const repo = new JobsRepository(store.db, store.dialect);
  const jobs = new JobQueue(repo, clock);
  const log = new WebhookLog(new WebhookLogRepository(store.db, store.dialect), new EventBus(), clock);
  const dispatcher = new WebhookDispatcher(log, async () => 'token', {
    timeoutMs: 2000,
    maxResponseBytes: 64 * 1024,
    userAgent: 'TwilioProxy/1.1',
    retryBaseMs: BASE_MS,
  });
  const outcomes: JobOutcome[] = [];
  const worker = new Worker(jobs, {
    queue: WEBHOOK_QUEUE,
    workerId: 'w',
    batch: 10,
    pollMs: 5,
    leaseMs: 60_000,
    handler: async (job) => {
      const outcome = await dispatcher.runJob(job.payload as WebhookCall, job.attempts);
      outcomes.push(outcome);
      return outcome;
    },
  });
  return { store, clock, repo, jobs, dispatcher, worker, outcomes };
}

const call = (path: string): WebhookCall => ({
  accountSid: `AC${'0'.repeat(32)}`,
  resourceSid: `SM${'1'.repeat(32)}`,
  purpose: 'sms-status',
  primary: { url: `${base}${path}`, method: 'POST' },
  params: { MessageStatus: 'delivered' },
});

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a failing status callback is tried 4 times, 1x, 2x, 4x the base apart, then dropped', async () => {
  const { store, clock, repo, jobs, dispatcher, worker, outcomes } = await rig();
  const path = '/status-503';
  await jobs.enqueue([dispatcher.job(call(path))]);
  worker.start();
  try {
    const tried = () => hits.filter((h) => h === path).length;
    for (let attempt = 1; attempt <= 4; attempt++) {
      await until(() => outcomes.length === attempt);
      assert.equal(tried(), attempt);
      const outcome = outcomes.at(-1)!;
      if (attempt < 4) {
        assert.deepEqual(outcome, { kind: 'retry', delayMs: BASE_MS * 2 ** (attempt - 1), error: 'HTTP 503' });
        // Not due a moment early: the job waits its whole delay on the fake clock.
        clock.advance(outcome.delayMs - 1);
        worker.kick();
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(tried(), attempt, `attempt ${attempt + 1} waits for its delay`);
        clock.advance(1);
        worker.kick();
      }
    }
    await until(async () => (await repo.count(WEBHOOK_QUEUE)) === 0);
    // An hour later, nothing more: the job is gone, not waiting.
    clock.advance(3_600_000);
    worker.kick();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(tried(), 4);
  } finally {
    await worker.stop();
    await store.close();
  }
});

test('the retry delay doubles up to a minute and no further; a durable callback job allows 4 attempts', async () => {
  const { store, dispatcher } = await rig();
  try {
    assert.equal(dispatcher.job(call('/x')).maxAttempts, 4);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 10; attempt++) {
      const outcome = await dispatcher.runJob(call('/status-503-direct'), attempt);
      assert.equal(outcome.kind, 'retry');
      if (outcome.kind === 'retry') delays.push(outcome.delayMs);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  } finally {
    await store.close();
  }
});

test('a 4xx answer is final: one attempt, no retry', async () => {
  const { store, dispatcher } = await rig();
  try {
    assert.deepEqual(await dispatcher.runJob(call('/gone'), 1), { kind: 'dead', error: 'HTTP 410' });
  } finally {
    await store.close();
  }
});
