/**
 * Call queues end to end: the Queues and Members resources through the official SDK (responses checked
 * against Twilio's OpenAPI spec), and <Enqueue>, <Dial><Queue> and <Leave> with virtual phones as real
 * parties (RTP both ways): callers wait in order hearing Switchboard's hold music (checked by frequency),
 * an agent takes the front caller and the two hear each other's tones, the Members API dequeues the next
 * into new TwiML, and the action's QueueResult says what happened each time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';

const API = 'twilio_api_v2010.json';
let s: TestServer;
let app: FakeApp;

before(async () => {
  s = await startTestServer();
  app = await new FakeApp().start();
});
after(async () => {
  await s.close();
  await app.stop();
});

const raw = async <T>(path: string, init?: Parameters<TestServer['fetch']>[1]): Promise<{ status: number; body: T }> => {
  const res = await s.fetch(path, init);
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
};
describe('Queues resource', () => {
  test('create, list, fetch, update and delete; duplicates, limits and other accounts get errors', async () => {
    const q = await s.client.queues.create({ friendlyName: 'billing' });
    assert.match(q.sid, /^QU[0-9a-f]{32}$/);
    assert.equal(q.maxSize, 1000);
    assert.equal(q.currentSize, 0);
    assert.equal(q.averageWaitTime, 0);
    const created = await raw<Record<string, unknown>>(`/2010-04-01/Accounts/${s.accountSid}/Queues/${q.sid}.json`);
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.queue', created.body, { nulls: 'declared' }), []);

    await assert.rejects(s.client.queues.create({ friendlyName: 'billing' }), (e: { code: number; status: number }) => e.code === 20001 && e.status === 400);
    await assert.rejects(s.client.queues.create({ friendlyName: 'big', maxSize: 5001 }), (e: { code: number }) => e.code === 20001);
    await assert.rejects(s.client.queues.create({ friendlyName: 'x'.repeat(65) }), (e: { code: number }) => e.code === 20002);
    const res = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Queues.json`, { method: 'POST', form: {} });
    assert.equal(((await res.json()) as { code: number }).code, 20001);

    const updated = await s.client.queues(q.sid).update({ friendlyName: 'billing-2', maxSize: 5000 });
    assert.equal(updated.friendlyName, 'billing-2');
    assert.equal(updated.maxSize, 5000);
    const other = await s.client.queues.create({ friendlyName: 'other' });
    await assert.rejects(s.client.queues(other.sid).update({ friendlyName: 'billing-2' }), (e: { code: number }) => e.code === 20001);

    const list = await raw<{ queues: unknown[] }>(`/2010-04-01/Accounts/${s.accountSid}/Queues.json?PageSize=1`);
    assert.equal(list.status, 200);
    assert.equal(list.body.queues.length, 1);
    const names = (await s.client.queues.list()).map((x) => x.friendlyName);
    assert.ok(names.includes('billing-2') && names.includes('other'));

    const members = await raw<{ queue_members: unknown[] }>(`/2010-04-01/Accounts/${s.accountSid}/Queues/${q.sid}/Members.json`);
    assert.deepEqual(members.body.queue_members, []);
    await assert.rejects(s.client.queues(q.sid).members('Front').fetch(), (e: { status: number }) => e.status === 404);

    const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    const tenant = s.clientFor(sub.sid, sub.authToken);
    await assert.rejects(tenant.queues(q.sid).fetch(), (e: { status: number; code: number }) => e.status === 404 && e.code === 20404);

    await s.client.queues(q.sid).remove();
    await assert.rejects(s.client.queues(q.sid).fetch(), (e: { status: number }) => e.status === 404);
  });
});
