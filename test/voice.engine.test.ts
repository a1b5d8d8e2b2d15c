/**
 * The media engine inside a running server (issue 23): calls' media runs on engine threads, and a thread
 * that dies ends only its own calls (BYE, status completed, alert 31005) while the others carry on and
 * the next call gets a new thread.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createSipEndpoint } from '../src/voice/sip/index.js';
import { dialWithMedia } from './support/media-call.js';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a media engine thread that dies ends only its own calls, with callbacks and an alert; the next call gets a new thread', async () => {
  const app = await new FakeApp((r) => (r.path === '/voice' ? { body: '<Response><Pause length="60"/></Response>' } : undefined)).start();
  cleanup.push(() => app.stop());
  const s: TestServer = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1', mediaWorkers: 2 });
  cleanup.push(() => s.close());
  const number = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice`, statusCallback: `${app.base}/status` }))
    .phoneNumber;
  const engine = s.sb.voice.mediaEngine;
  assert.ok(engine, 'media runs on engine threads by default');
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => ep.close());
  const target = `sip:${number}@127.0.0.1:${s.sb.voice.sipPorts().udp!}`;
  const one = await dialWithMedia(ep, target);
  const two = await dialWithMedia(ep, target);
  cleanup.push(async () => {
    await one.call.hangup();
    await two.call.hangup();
  });
  assert.equal(one.outcome.kind, 'answered');
  assert.equal(two.outcome.kind, 'answered');
  assert.deepEqual(engine.load().sort(), [1, 1]); // two calls, one per thread
  const ended: string[] = [];
  one.call.once('terminated', (reason) => ended.push(`one:${reason}`));
  two.call.once('terminated', (reason) => ended.push(`two:${reason}`));
  const live = async () => (await s.client.calls.list({ status: 'in-progress' })).length;
  await until('both calls in progress', async () => ((await live()) === 2 ? true : undefined));

  engine.crashThread(0);
  await until('one call hung up by us', () => (ended.length ? true : undefined));
  assert.equal(ended.length, 1);
  assert.match(ended[0]!, /remote-bye$/);
  const calls = await until('one call completed', async () => {
    const list = await s.client.calls.list();
    return list.filter((c) => c.status === 'completed').length === 1 ? list : undefined;
  });
  const dead = calls.find((c) => c.status === 'completed')!;
  assert.equal(calls.find((c) => c.sid !== dead.sid)?.status, 'in-progress');
  const alerts = (await (await s.fetch(`/switchboard/v1/Alerts?ResourceSid=${dead.sid}`)).json()) as { alerts: Array<{ error_code: string }> };
  assert.ok(
    alerts.alerts.some((a) => Number(a.error_code) === 31005),
    JSON.stringify(alerts),
  );
  await until('the completed status callback', () =>
    app.received.some((r) => r.path === '/status' && r.params.CallSid === dead.sid && r.params.CallStatus === 'completed') ? true : undefined,
  );

  const three = await dialWithMedia(ep, target);
  cleanup.push(() => three.call.hangup());
  assert.equal(three.outcome.kind, 'answered');
  assert.deepEqual(engine.load().sort(), [1, 1]); // the survivor's thread and a new one
  assert.equal(engine.crashes, 1);
});
