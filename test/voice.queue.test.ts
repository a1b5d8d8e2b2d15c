/**
 * Call queues end to end: the Queues and Members resources through the official SDK (responses checked
 * against Twilio's OpenAPI spec), and <Enqueue>, <Dial><Queue> and <Leave> with virtual phones as real
 * parties (RTP both ways): callers wait in order hearing Switchboard's hold music (checked by frequency),
 * an agent takes the front caller and the two hear each other's tones, the Members API dequeues the next
 * into new TwiML, and the action's QueueResult says what happened each time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';
import { hears, phoneCalls, type Heard } from './support/virtual-phones.js';

const API = 'twilio_api_v2010.json';
let s: TestServer;
let app: FakeApp;
let shop = '';
let agentLine = '';

before(async () => {
  s = await startTestServer();
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
  agentLine = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/agent` })).phoneNumber;
});
after(async () => {
  await s.close();
  await app.stop();
});

const raw = async <T>(path: string, init?: Parameters<TestServer['fetch']>[1]): Promise<{ status: number; body: T }> => {
  const res = await s.fetch(path, init);
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
};
async function dial(phone: string, to: string, form: Record<string, string> = {}): Promise<string> {
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Calls`, { method: 'POST', form: { To: to, ...form } });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return (JSON.parse(text) as { call_sid: string }).call_sid;
}
async function heardBy(phone: string, sid: string): Promise<Heard | undefined> {
  return eventually(async () => {
    const call = (await phoneCalls(s, phone)).find((c) => c.call_sid === sid);
    return call?.events.find((e) => e.type === 'heard');
  }, 30_000);
}
const final = (sid: string) =>
  eventually(async () => {
    const c = await s.client.calls(sid).fetch();
    return ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(c.status) ? c : undefined;
  }, 30_000);
const waitAction = (path: string, callSid: string, ms = 30_000) => app.waitFor((r) => r.path === path && r.params.CallSid === callSid, ms);

describe('Queues resource', () => {
  test('create, list, fetch, update and delete; duplicates, limits and other accounts get errors', async () => {
    const q = await s.client.queues.create({ friendlyName: 'billing' });
    assert.match(q.sid, /^QU[0-9a-f]{32}$/);
    assert.equal(q.maxSize, 1000);
    assert.equal(q.currentSize, 0);
    assert.equal(q.averageWaitTime, 0);
    const created = await raw<Record<string, unknown>>(`/2010-04-01/Accounts/${s.accountSid}/Queues/${q.sid}.json`);
    assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.queue', created.body), []);

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

describe('<Enqueue> and <Dial><Queue> with virtual phones', () => {
  test('two callers wait in order with hold music; an agent takes the front one, the Members API the next', async () => {
    const first = '+15550200001';
    const second = '+15550200002';
    const agent = '+15550200003';
    app.respond((r) => {
      const vr = new twilio.twiml.VoiceResponse();
      if (r.path === '/voice') vr.enqueue({ action: '/enq-done' }, 'support');
      else if (r.path === '/agent') vr.dial({ action: '/agent-done', timeout: 20 }).queue({ url: '/whisper' }, 'support');
      else if (r.path === '/whisper') vr.say('Connecting you.');
      else if (r.path === '/dequeued') vr.say('You were moved.');
      else if (r.path === '/enq-done' || r.path === '/agent-done') vr.hangup();
      else return undefined;
      return { body: vr.toString() };
    });
    const c1 = await dial(first, shop, { Audio: 'tone:700' });
    const queue = await eventually(async () => (await s.client.queues.list()).find((q) => q.friendlyName === 'support' && q.currentSize === 1));
    assert.equal(queue.maxSize, 1000, 'an <Enqueue> of an unknown name creates the queue');
    const c2 = await dial(second, shop, { Audio: 'tone:900' });
    await eventually(async () => ((await s.client.queues(queue.sid).fetch()).currentSize === 2 ? true : undefined));

    const members = await raw<{ queue_members: Array<Record<string, unknown>> }>(`/2010-04-01/Accounts/${s.accountSid}/Queues/${queue.sid}/Members.json`);
    assert.deepEqual(
      members.body.queue_members.map((m) => [m.call_sid, m.position]),
      [
        [c1, 1],
        [c2, 2],
      ],
    );
    for (const m of members.body.queue_members) assert.deepEqual(validateAgainstSpec(API, 'api.v2010.account.queue.member', m), []);
    assert.equal((await s.client.queues(queue.sid).members('Front').fetch()).callSid, c1);
    assert.equal((await s.client.queues(queue.sid).members(c2).fetch()).position, 2);
    await new Promise((r) => setTimeout(r, 2500)); // both wait a while, hearing the hold music

    const a = await dial(agent, agentLine, { Audio: 'tone:1200', HangupAfter: '8' });
    const whisper = await waitAction('/whisper', c1);
    assert.equal(whisper.params.QueueSid, queue.sid);
    assert.equal(whisper.params.DequeingCallSid, a);
    assert.ok(Number(whisper.params.QueueTime) >= 2, `QueueTime ${whisper.params.QueueTime}`);
    const done1 = await waitAction('/enq-done', c1);
    assert.equal(done1.params.QueueResult, 'bridged');
    assert.equal(done1.params.QueueSid, queue.sid);
    assert.ok(Number(done1.params.QueueTime) >= 2);
    const agentDone = await waitAction('/agent-done', a);
    assert.equal(agentDone.params.DialCallStatus, 'completed');
    assert.equal(agentDone.params.DialCallSid, c1);
    assert.ok(Number(agentDone.params.DialCallDuration) >= 3, `DialCallDuration ${agentDone.params.DialCallDuration}`);

    const heardFirst = await heardBy(first, c1);
    const heardAgent = await heardBy(agent, a);
    assert.ok(hears(heardFirst, 1200), `the caller hears the agent: ${JSON.stringify(heardFirst)}`);
    assert.ok(hears(heardAgent, 700), `the agent hears the caller: ${JSON.stringify(heardAgent)}`);
    assert.ok(!hears(heardAgent, 900), 'the agent does not hear the second caller');

    // The second caller is now at the front; the Members API moves it on.
    const front = await s.client.queues(queue.sid).members('Front').fetch();
    assert.equal(front.callSid, c2);
    assert.equal(front.position, 1);
    const moved = await s.client
      .queues(queue.sid)
      .members('Front')
      .update({ url: `${app.base}/dequeued`, method: 'POST' });
    assert.equal(moved.callSid, c2);
    await waitAction('/dequeued', c2);
    const done2 = await waitAction('/enq-done', c2);
    assert.equal(done2.params.QueueResult, 'redirected');
    await final(c2);
    const heardSecond = await heardBy(second, c2);
    assert.ok(hears(heardSecond, 262.5) || hears(heardSecond, 393.75), `the waiting caller hears the hold music: ${JSON.stringify(heardSecond)}`);
    assert.ok((heardSecond?.level_dbfs ?? -99) > -40, `the hold music is audible: ${heardSecond?.level_dbfs} dBFS`);
    assert.equal((await s.client.queues(queue.sid).fetch()).currentSize, 0);
  });

  test('waitUrl gets the queue figures and <Leave> moves on to the action; a full queue says queue-full', async () => {
    app.respond((r) => {
      const vr = new twilio.twiml.VoiceResponse();
      if (r.path === '/voice') vr.enqueue({ action: '/left', waitUrl: '/wait', waitUrlMethod: 'GET' }, 'small');
      else if (r.path === '/wait') {
        vr.say('Please hold.');
        vr.leave();
      } else if (r.path === '/left') vr.say(`Result ${r.params.QueueResult}`);
      else return undefined;
      return { body: vr.toString() };
    });
    const caller = '+15550200011';
    const c = await dial(caller, shop);
    const wait = await waitAction('/wait', c);
    assert.equal(wait.method, 'GET');
    assert.equal(wait.params.QueuePosition, '1');
    assert.match(wait.params.QueueSid!, /^QU[0-9a-f]{32}$/);
    assert.equal(wait.params.CurrentQueueSize, '1');
    assert.equal(wait.params.MaxQueueSize, '1000');
    assert.ok(wait.params.QueueTime !== undefined && wait.params.AvgQueueTime !== undefined);
    const left = await waitAction('/left', c);
    assert.equal(left.params.QueueResult, 'leave');
    assert.equal(left.params.QueueSid, wait.params.QueueSid);
    await final(c);

    // A queue of one: the second caller is turned away.
    const small = (await s.client.queues.list()).find((q) => q.friendlyName === 'small')!;
    await s.client.queues(small.sid).update({ maxSize: 1 });
    app.respond((r) => {
      const vr = new twilio.twiml.VoiceResponse();
      if (r.path === '/voice') vr.enqueue({ action: '/left', waitUrl: '/hold' }, 'small');
      else if (r.path === '/hold') vr.pause({ length: 2 });
      else if (r.path === '/left') vr.hangup();
      else return undefined;
      return { body: vr.toString() };
    });
    const one = await dial('+15550200012', shop);
    await waitAction('/hold', one);
    const two = await dial('+15550200013', shop);
    const full = await waitAction('/left', two);
    assert.equal(full.params.QueueResult, 'queue-full');
    assert.equal(full.params.QueueSid, undefined, 'QueueSid only when the call was enqueued');
    await s.client.calls(one).update({ status: 'completed' });
    const gone = await waitAction('/left', one);
    assert.equal(gone.params.QueueResult, 'hangup');
  });

  test('<Dial><Queue> on an empty queue gives up at the timeout; on an unknown queue it fails', async () => {
    app.respond((r) => {
      const vr = new twilio.twiml.VoiceResponse();
      if (r.path === '/agent') {
        vr.dial({ action: '/empty-done', timeout: 2 }).queue('nobody-here');
      } else if (r.path === '/empty-done') vr.hangup();
      else return undefined;
      return { body: vr.toString() };
    });
    await s.client.queues.create({ friendlyName: 'nobody-here' });
    const a = await dial('+15550200021', agentLine);
    const empty = await waitAction('/empty-done', a);
    assert.equal(empty.params.DialCallStatus, 'no-answer');
    app.respond((r) => {
      const vr = new twilio.twiml.VoiceResponse();
      if (r.path === '/agent') vr.dial({ action: '/empty-done' }).queue('does-not-exist');
      else if (r.path === '/empty-done') vr.hangup();
      else return undefined;
      return { body: vr.toString() };
    });
    const b = await dial('+15550200022', agentLine);
    assert.equal((await waitAction('/empty-done', b)).params.DialCallStatus, 'failed');
  });
});
