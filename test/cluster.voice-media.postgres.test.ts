/**
 * Media between voice nodes: two Switchboard servers share one PostgreSQL database, and calls whose media
 * runs on different nodes are joined by a media leg between the nodes (voice/nodes/media-link.ts). A caller
 * queued on node A and an agent on node B doing <Dial><Queue> hear each other's tones; a conference on
 * node A with a participant on node B: each hears the other's tone and not its own; ending either side
 * ends the other, with the statuses and callbacks of one node. Calls are virtual phones (real RTP, the
 * phone reports the dominant frequencies it heard).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { hears, phoneCalls, type Heard } from './support/virtual-phones.js';
import { admin, databaseUrl } from './support/postgres.js';

const DB = `sb_voicemedia_${process.pid}`;
const dbUrl = databaseUrl(DB);
const SID = `AC${'f'.repeat(32)}`;
const TOKEN = 'voice-media-token-0123456789abcdef';

let a: TestServer;
let b: TestServer;
let app: FakeApp;
let shop = '';
let agentLine = '';
let confLine = '';

before(async () => {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  const config = { databaseUrl: dbUrl, accountSid: SID, authToken: TOKEN, leaseMs: 3000 };
  a = await startTestServer(config);
  b = await startTestServer(config);
  app = await new FakeApp().start();
  shop = (await a.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
  agentLine = (await a.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/agent` })).phoneNumber;
  confLine = (await a.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/conf` })).phoneNumber;
  app.respond((r) => {
    const vr = new twilio.twiml.VoiceResponse();
    if (r.path === '/voice') vr.enqueue({ action: '/enq-done' }, 'across');
    else if (r.path === '/agent') vr.dial({ action: '/agent-done', timeout: 20 }).queue({ url: '/whisper' }, 'across');
    else if (r.path === '/whisper') vr.say('Connecting you.');
    else if (r.path === '/conf') {
      vr.dial({ action: '/conf-done' }).conference(
        {
          beep: 'false',
          statusCallback: '/conf-status',
          statusCallbackEvent: ['start', 'end', 'join', 'leave'],
          participantLabel: `p-${r.params.From?.slice(-1)}`,
        },
        'Across Room',
      );
    } else if (r.path === '/enq-done' || r.path === '/agent-done' || r.path === '/conf-done') vr.hangup();
    else if (r.path === '/conf-status') return { body: '' };
    else return undefined;
    return { body: vr.toString() };
  });
});

after(async () => {
  await a?.close();
  await b?.close();
  await app?.stop();
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

/** A virtual phone calls `to` through `s`: the inbound call runs on that node. */
async function dial(s: TestServer, phone: string, to: string, form: Record<string, string> = {}): Promise<string> {
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Calls`, { method: 'POST', form: { To: to, ...form } });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return (JSON.parse(text) as { call_sid: string }).call_sid;
}
async function heardBy(phone: string, sid: string): Promise<Heard | undefined> {
  return eventually(async () => {
    const call = (await phoneCalls(a, phone)).find((c) => c.call_sid === sid);
    return call?.events.find((e) => e.type === 'heard');
  }, 30_000);
}
const nodeOf = async (s: TestServer) =>
  (await a.sb.store.db.selectFrom('call_nodes').select('id').where('control_url', '=', s.url).executeTakeFirstOrThrow()).id;
const nodeOfCall = async (sid: string) => (await a.sb.store.db.selectFrom('calls').select('node_id').where('sid', '=', sid).executeTakeFirstOrThrow()).node_id;
const waitAction = (path: string, callSid: string, ms = 30_000) => app.waitFor((r) => r.path === path && r.params.CallSid === callSid, ms);
const final = (sid: string) =>
  eventually(async () => {
    const c = await b.client.calls(sid).fetch();
    return ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(c.status) ? c : undefined;
  }, 30_000);

test('a caller queued on node A and an agent on node B: the agent takes it, both hear each other; the agent hanging up lets the caller go on', async () => {
  const caller = '+15550400001';
  const agent = '+15550400002';
  const c = await dial(a, caller, shop, { Audio: 'tone:700' });
  const queue = await eventually(async () => (await b.client.queues.list()).find((q) => q.friendlyName === 'across' && q.currentSize === 1));
  const ag = await dial(b, agent, agentLine, { Audio: 'tone:1200', HangupAfter: '7' });
  assert.equal(await nodeOfCall(c), await nodeOf(a));
  assert.equal(await nodeOfCall(ag), await nodeOf(b));

  const whisper = await waitAction('/whisper', c);
  assert.equal(whisper.params.QueueSid, queue.sid);
  assert.equal(whisper.params.DequeingCallSid, ag);
  const done = await waitAction('/enq-done', c);
  assert.equal(done.params.QueueResult, 'bridged');
  assert.equal(done.params.QueueSid, queue.sid);
  const agentDone = await waitAction('/agent-done', ag);
  assert.equal(agentDone.params.DialCallStatus, 'completed');
  assert.equal(agentDone.params.DialCallSid, c);
  assert.ok(Number(agentDone.params.DialCallDuration) >= 3, `DialCallDuration ${agentDone.params.DialCallDuration}`);
  assert.equal((await final(c)).status, 'completed');
  assert.equal((await final(ag)).status, 'completed');

  const heardCaller = await heardBy(caller, c);
  const heardAgent = await heardBy(agent, ag);
  assert.ok(hears(heardCaller, 1200), `the caller on A hears the agent on B: ${JSON.stringify(heardCaller)}`);
  assert.ok(hears(heardAgent, 700), `the agent on B hears the caller on A: ${JSON.stringify(heardAgent)}`);
  assert.ok(!hears(heardCaller, 700), `the caller does not hear itself: ${JSON.stringify(heardCaller)}`);
  assert.equal((await b.client.queues(queue.sid).fetch()).currentSize, 0);
});

test('a caller on node B hanging up ends the bridge with an agent on node A: the agent goes on at its Dial action', async () => {
  const caller = '+15550400011';
  const agent = '+15550400012';
  const c = await dial(b, caller, shop, { Audio: 'tone:800', HangupAfter: '7' });
  await eventually(async () => (await a.client.queues.list()).find((q) => q.friendlyName === 'across' && q.currentSize === 1));
  const ag = await dial(a, agent, agentLine, { Audio: 'tone:1500' });
  const agentDone = await waitAction('/agent-done', ag);
  assert.equal(agentDone.params.DialCallStatus, 'completed');
  assert.equal(agentDone.params.DialCallSid, c);
  assert.equal((await final(c)).status, 'completed');
  assert.equal((await final(ag)).status, 'completed');
  const heardAgent = await heardBy(agent, ag);
  assert.ok(hears(heardAgent, 800), `the agent on A hears the caller on B: ${JSON.stringify(heardAgent)}`);
  const heardCaller = await heardBy(caller, c);
  assert.ok(hears(heardCaller, 1500), `the caller on B hears the agent on A: ${JSON.stringify(heardCaller)}`);
});

test('a conference on node A with a participant on node B: each hears the other and not itself; a kick sent to node B is carried to A and ends B’s Dial', async () => {
  const one = '+15550400021';
  const two = '+15550400022';
  const p1 = await dial(a, one, confLine, { Audio: 'tone:600' });
  const conf = await eventually(async () => (await a.client.conferences.list({ friendlyName: 'Across Room' }))[0]);
  const row = await a.sb.store.db.selectFrom('conferences').select('node_id').where('sid', '=', conf.sid).executeTakeFirstOrThrow();
  assert.equal(row.node_id, await nodeOf(a), 'the conference records its node');
  const p2 = await dial(b, two, confLine, { Audio: 'tone:1000' });
  assert.equal(await nodeOfCall(p2), await nodeOf(b));
  const parts = await eventually(async () => {
    const list = await b.client.conferences(conf.sid).participants.list();
    return list.length === 2 ? list : undefined;
  });
  assert.deepEqual(new Set(parts.map((p) => p.callSid)), new Set([p1, p2]));
  // The second participant starts the conference a moment after its row is written.
  await eventually(async () => ((await b.client.conferences(conf.sid).fetch()).status === 'in-progress' ? true : undefined));
  await new Promise((r) => setTimeout(r, 4000)); // the two hear each other a while

  // Kicked through node B, which does not run the conference (the change is carried to A): the
  // participant's call on B goes on at its Dial action.
  await b.client.conferences(conf.sid).participants(p2).remove();
  const done2 = await waitAction('/conf-done', p2);
  assert.equal(done2.params.DialCallStatus, 'completed');
  assert.equal((await final(p2)).status, 'completed');
  // The last one hangs up: the conference ends.
  await a.client.calls(p1).update({ status: 'completed' });
  const ended = await eventually(async () => {
    const c = await b.client.conferences(conf.sid).fetch();
    return c.status === 'completed' ? c : undefined;
  });
  assert.equal(ended.reasonConferenceEnded, 'last-participant-left');

  const heard1 = await heardBy(one, p1);
  const heard2 = await heardBy(two, p2);
  assert.ok(hears(heard1, 1000), `the participant on A hears the one on B: ${JSON.stringify(heard1)}`);
  assert.ok(!hears(heard1, 600), `and not itself: ${JSON.stringify(heard1)}`);
  assert.ok(hears(heard2, 600), `the participant on B hears the one on A: ${JSON.stringify(heard2)}`);
  assert.ok(!hears(heard2, 1000), `and not itself: ${JSON.stringify(heard2)}`);
  // Status callbacks are delivered by jobs: wait for the last one.
  await app.waitFor((r) => r.path === '/conf-status' && r.params.ConferenceSid === conf.sid && r.params.StatusCallbackEvent === 'conference-end', 30_000);
  const events = app.received.filter((r) => r.path === '/conf-status' && r.params.ConferenceSid === conf.sid).map((r) => r.params);
  assert.deepEqual(
    events
      .filter((e) => e.StatusCallbackEvent === 'participant-join')
      .sort((x, y) => Number(x.SequenceNumber) - Number(y.SequenceNumber))
      .map((e) => e.CallSid),
    [p1, p2],
  );
  assert.ok(events.some((e) => e.StatusCallbackEvent === 'participant-leave' && e.CallSid === p2));
});

test('a participant on node B hanging up leaves the conference on node A; node A’s participant stays', async () => {
  const one = '+15550400031';
  const two = '+15550400032';
  const p1 = await dial(a, one, confLine, { Audio: 'tone:650' });
  const conf = await eventually(async () => (await a.client.conferences.list({ friendlyName: 'Across Room', status: 'init' }))[0]);
  const p2 = await dial(b, two, confLine, { Audio: 'tone:1100', HangupAfter: '5' });
  const left = await app.waitFor(
    (r) => r.path === '/conf-status' && r.params.ConferenceSid === conf.sid && r.params.StatusCallbackEvent === 'participant-leave' && r.params.CallSid === p2,
    30_000,
  );
  assert.equal(left.params.ConferenceSid, conf.sid);
  assert.equal((await final(p2)).status, 'completed');
  const still = await a.client.conferences(conf.sid).participants.list();
  assert.deepEqual(
    still.map((p) => p.callSid),
    [p1],
  );
  await a.client.calls(p1).update({ status: 'completed' });
  await eventually(async () => ((await a.client.conferences(conf.sid).fetch()).status === 'completed' ? true : undefined));
  const heard1 = await heardBy(one, p1);
  assert.ok(hears(heard1, 1100), `the participant on A heard the one on B: ${JSON.stringify(heard1)}`);
});
