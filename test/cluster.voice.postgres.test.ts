/**
 * Voice on several nodes, in one process: two Switchboard servers share one PostgreSQL database. New calls
 * from either node's API spread over both; a live call is controlled through the node that does not run it
 * (redirect, Media Streams, hang up), answered as Twilio answers once it has ended; a call whose node died
 * is ended by the node a request reaches, and a node that is alive but silent gets 20503. The internal
 * control endpoint refuses requests that are not signed with the node's key.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { behave, phoneCalls } from './support/virtual-phones.js';
import { admin, databaseUrl } from './support/postgres.js';

const DB = `sb_voicecluster_${process.pid}`;
const dbUrl = databaseUrl(DB);
const SID = `AC${'e'.repeat(32)}`;
const TOKEN = 'voice-cluster-token-0123456789abcdef';

let a: TestServer;
let b: TestServer;
let app: FakeApp;
let shop = '';
const forks: string[] = [];
const wsHttp = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: wsHttp });
let wsBase = '';

before(async () => {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  const config = { databaseUrl: dbUrl, accountSid: SID, authToken: TOKEN, leaseMs: 3000 };
  a = await startTestServer(config);
  b = await startTestServer(config);
  app = await new FakeApp().start();
  wss.on('connection', (ws, req) => ws.on('message', (d) => forks.push(`${req.url} ${JSON.parse(d.toString()).event}`)));
  await new Promise<void>((r) => wsHttp.listen(0, '127.0.0.1', r));
  wsBase = `ws://127.0.0.1:${(wsHttp.address() as AddressInfo).port}`;
  shop = (await a.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice` })).phoneNumber;
});

after(async () => {
  await a?.close();
  await b?.close();
  await app?.stop();
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
  await new Promise((r) => wsHttp.close(r));
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

const rows = async (sids: string[]) => a.sb.store.db.selectFrom('calls').select(['sid', 'node_id', 'status']).where('sid', 'in', sids).execute();
const nodeOf = async (s: TestServer) =>
  (await a.sb.store.db.selectFrom('call_nodes').select('id').where('control_url', '=', s.url).executeTakeFirstOrThrow()).id;
const inProgress = (s: TestServer, sid: string) =>
  eventually(async () => ((await s.client.calls(sid).fetch()).status === 'in-progress' ? true : undefined), 10_000);

test('calls.create on one node: the calls are placed by both nodes in turn', async () => {
  const sids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const c = await a.client.calls.create({ to: `+1555867${String(1000 + i)}`, from: shop, twiml: '<Response><Pause length="1"/></Response>' });
    assert.equal(c.status, 'queued');
    sids.push(c.sid);
  }
  const placed = await rows(sids);
  const byNode = new Map<string, number>();
  for (const r of placed) byNode.set(r.node_id ?? 'ended', (byNode.get(r.node_id ?? 'ended') ?? 0) + 1);
  assert.deepEqual([...byNode.values()].sort(), [3, 3], JSON.stringify([...byNode]));
  await Promise.all(sids.map((sid) => eventually(async () => ((await b.client.calls(sid).fetch()).status === 'completed' ? true : undefined), 30_000)));
});

test('a live call run by node B is redirected, streamed and hung up through node A; once ended, A answers as Twilio', async () => {
  const nodeB = await nodeOf(b);
  // Place calls until one runs on B (the turn alternates, so the first or the second).
  let sid = '';
  let phone = '';
  for (let i = 0; i < 4 && !sid; i++) {
    phone = `+1555868${String(1000 + i)}`;
    const c = await a.client.calls.create({ to: phone, from: shop, twiml: '<Response><Pause length="30"/></Response>', statusCallback: `${app.base}/status` });
    const [row] = await rows([c.sid]);
    if (row?.node_id === nodeB) sid = c.sid;
    else await a.client.calls(c.sid).update({ status: 'completed' });
  }
  assert.ok(sid, 'a call placed by node B');
  await inProgress(a, sid);
  assert.equal(b.sb.voice.liveCalls() >= 1, true);

  // Media Streams through A: started and stopped on B, where the media is.
  const started = await a.fetch(`/2010-04-01/Accounts/${SID}/Calls/${sid}/Streams.json`, { method: 'POST', form: { Url: `${wsBase}/fork`, Name: 'tap' } });
  assert.equal(started.status, 200, await started.clone().text());
  assert.equal(((await started.json()) as { status: string }).status, 'in-progress');
  await eventually(async () => (forks.includes('/fork media') ? true : undefined), 10_000);
  const stopped = await a.fetch(`/2010-04-01/Accounts/${SID}/Calls/${sid}/Streams/tap.json`, { method: 'POST', form: { Status: 'stopped' } });
  assert.equal(stopped.status, 200, await stopped.clone().text());
  assert.equal(((await stopped.json()) as { status: string }).status, 'stopped');

  // New TwiML through A takes effect on B at once: the phone hears it.
  const redirected = await a.client.calls(sid).update({ twiml: '<Response><Say>Moved across nodes.</Say><Pause length="30"/></Response>' });
  assert.equal(redirected.status, 'in-progress');
  await eventually(async () => (await phoneCalls(a, phone)).find((c) => c.call_sid === sid)?.events.find((e) => e.text === 'Moved across nodes.'), 10_000);

  // Hung up through A: the answer is the ended call, the completed callback goes out once.
  const ended = await a.client.calls(sid).update({ status: 'completed' });
  assert.equal(ended.status, 'completed');
  await app.waitFor((r) => r.path === '/status' && r.params.CallSid === sid && r.params.CallStatus === 'completed');
  // Ended: a redirect is 21220 from either node, Status=completed returns the call, a stream is 21220.
  for (const s of [a, b]) {
    await assert.rejects(
      s.client.calls(sid).update({ url: `${app.base}/late` }),
      (e: { code: number; status: number }) => e.code === 21220 && e.status === 400,
    );
    assert.equal((await s.client.calls(sid).update({ status: 'completed' })).status, 'completed');
    const r = await s.fetch(`/2010-04-01/Accounts/${SID}/Calls/${sid}/Streams.json`, { method: 'POST', form: { Url: `${wsBase}/late` } });
    assert.equal(((await r.json()) as { code: number }).code, 21220);
  }
  assert.equal(app.received.filter((r) => r.path === '/status' && r.params.CallSid === sid).length, 1);
});

test('a recording of a call run by node B is started, paused, fetched and stopped through node A', async () => {
  const nodeB = await nodeOf(b);
  let sid = '';
  for (let i = 0; i < 4 && !sid; i++) {
    const phone = `+1555869${String(1000 + i)}`;
    // Whichever node places the call, its phone plays a tone (so the recording is not silent).
    for (const s of [a, b]) await behave(s, phone, { Audio: 'tone:700' });
    const c = await a.client.calls.create({ to: phone, from: shop, twiml: '<Response><Pause length="30"/></Response>' });
    const [row] = await rows([c.sid]);
    if (row?.node_id === nodeB) sid = c.sid;
    else await a.client.calls(c.sid).update({ status: 'completed' });
  }
  assert.ok(sid, 'a call placed by node B');
  await inProgress(a, sid);
  const rec = await a.client.calls(sid).recordings.create({ recordingStatusCallback: `${app.base}/rec-status` });
  assert.equal(rec.status, 'in-progress');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await a.client.calls(sid).recordings(rec.sid).update({ status: 'paused', pauseBehavior: 'skip' })).status, 'paused');
  const live = await a.client.calls(sid).recordings('Twilio.CURRENT').fetch();
  assert.equal(live.sid, rec.sid);
  assert.equal(live.status, 'paused');
  assert.equal((await a.client.calls(sid).recordings(rec.sid).update({ status: 'stopped' })).status, 'stopped');
  const done = await app.waitFor((r) => r.path === '/rec-status' && r.params.RecordingSid === rec.sid, 10_000);
  assert.equal(done.params.RecordingStatus, 'completed');
  assert.equal(done.params.RecordingSource, 'StartCallRecordingAPI');
  // Stored on B, served by A from the shared database.
  assert.equal((await a.client.calls(sid).recordings(rec.sid).fetch()).status, 'completed');
  const wav = await a.fetch(`/2010-04-01/Accounts/${SID}/Recordings/${rec.sid}.wav`);
  assert.equal(wav.status, 200);
  assert.ok((await wav.arrayBuffer()).byteLength > 44 + 8000, 'about a second and a half of audio');
  await a.client.calls(sid).update({ status: 'completed' });
});

test('a caller waiting in a queue on node B is dequeued through node A into new TwiML', async () => {
  const nodeB = await nodeOf(b);
  app.respond((r) => (r.path === '/dequeued' ? { body: '<Response><Say>You are through.</Say><Hangup/></Response>' } : undefined));
  let sid = '';
  for (let i = 0; i < 4 && !sid; i++) {
    const c = await a.client.calls.create({
      to: `+1555869${String(1000 + i)}`,
      from: shop,
      twiml: '<Response><Enqueue>support</Enqueue></Response>',
    });
    const [row] = await rows([c.sid]);
    if (row?.node_id === nodeB) sid = c.sid;
    else await a.client.calls(c.sid).update({ status: 'completed' });
  }
  assert.ok(sid, 'a caller on node B');
  const queue = await eventually(async () => {
    const q = (await a.client.queues.list()).find((x) => x.friendlyName === 'support');
    return q && (await a.client.queues(q.sid).members.list()).some((m) => m.callSid === sid) ? q : undefined;
  }, 30_000).catch(async (err: Error) => {
    const members = await a.sb.store.db.selectFrom('queue_members').selectAll().execute();
    throw new Error(`${err.message}: ${JSON.stringify(await rows([sid]))} ${JSON.stringify(members)}`);
  });
  const member = await a.client
    .queues(queue.sid)
    .members(sid)
    .update({ url: `${app.base}/dequeued` });
  assert.equal(member.callSid, sid);
  const hook = await app.waitFor((r) => r.path === '/dequeued' && r.params.CallSid === sid, 10_000);
  assert.equal(hook.params.CallStatus, 'in-progress');
  await eventually(async () => ((await a.client.calls(sid).fetch()).status === 'completed' ? true : undefined), 10_000);
  app.respond(() => undefined);
});

/** A live call row as a node that is gone left it. */
async function ghostCall(sid: string, node: string, leaseUntil: number): Promise<void> {
  const now = Date.now();
  await a.sb.store.db
    .insertInto('calls')
    .values({
      sid,
      account_sid: SID,
      parent_call_sid: null,
      direction: 'outbound-api',
      from_number: shop,
      to_number: '+15558679999',
      phone_number_sid: null,
      status: 'in-progress',
      endpoint: 'virtual',
      start_time: now - 10_000,
      end_time: null,
      duration: null,
      forwarded_from: null,
      caller_name: null,
      url: null,
      method: 'POST',
      fallback_url: null,
      fallback_method: 'POST',
      twiml: '<Response/>',
      application_sid: null,
      status_callback: `${app.base}/ghost`,
      status_callback_method: 'POST',
      status_callback_events: '["completed"]',
      callback_seq: -1,
      timeout: 60,
      time_limit: 14400,
      send_digits: null,
      record: 0,
      node_id: node,
      lease_until: leaseUntil,
      date_created: now - 11_000,
      date_updated: now - 10_000,
    })
    .execute();
}

test('a call whose node died is ended by the node a request reaches; a live node that does not answer gives 20503', async () => {
  const now = Date.now();
  // Dead: its node's heartbeat is older than a lease, though the call's own lease has not run out yet.
  await a.sb.store.db
    .insertInto('call_nodes')
    .values({
      id: 'gone',
      control_url: 'http://127.0.0.1:9',
      control_key: 'k',
      sip_address: null,
      accepting: 1,
      live_calls: 1,
      max_calls: 0,
      started_at: now - 60_000,
      heartbeat_at: now - 10_000,
    })
    .execute();
  const dead = `CA${'1'.repeat(32)}`;
  await ghostCall(dead, 'gone', now + 2_500);
  await assert.rejects(a.client.calls(dead).update({ twiml: '<Response><Say>Hello?</Say></Response>' }), (e: { code: number }) => e.code === 21220);
  const row = await a.client.calls(dead).fetch();
  assert.equal(row.status, 'completed');
  const cb = await app.waitFor((r) => r.path === '/ghost' && r.params.CallSid === dead);
  assert.equal(cb.params.CallStatus, 'completed');

  // Alive (fresh heartbeat) but nothing listens at its address: 20503, and the call is left alone.
  await a.sb.store.db
    .insertInto('call_nodes')
    .values({
      id: 'silent',
      control_url: 'http://127.0.0.1:9',
      control_key: 'k',
      sip_address: null,
      accepting: 0,
      live_calls: 1,
      max_calls: 0,
      started_at: now,
      heartbeat_at: Date.now() + 5_000,
    })
    .execute();
  const silent = `CA${'2'.repeat(32)}`;
  await ghostCall(silent, 'silent', Date.now() + 60_000);
  const r = await a.fetch(`/2010-04-01/Accounts/${SID}/Calls/${silent}.json`, { method: 'POST', form: { Twiml: '<Response><Hangup/></Response>' } });
  assert.equal(r.status, 503);
  assert.equal(((await r.json()) as { code: number }).code, 20503);
  assert.equal((await a.client.calls(silent).fetch()).status, 'in-progress');
  await a.sb.store.db.deleteFrom('calls').where('sid', '=', silent).execute();
});

test('the internal control endpoint refuses unsigned, badly signed and replayed requests', async () => {
  const path = '/switchboard/internal/v1/Control';
  const form = new URLSearchParams({
    Op: 'calls.update',
    Args: JSON.stringify({ accountSid: SID, sid: `CA${'3'.repeat(32)}`, input: { status: 'completed' } }),
  });
  const plain = await fetch(b.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  assert.equal(plain.status, 401);
  const bad = await fetch(b.url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-switchboard-node': 'x',
      'x-switchboard-node-signature': `t=${Date.now()},v1=${'0'.repeat(64)}`,
    },
    body: form,
  });
  assert.equal(bad.status, 401);
  // Account credentials are not what this endpoint takes either.
  const basic = await b.fetch(path, { method: 'POST', form: Object.fromEntries(form) });
  assert.equal(basic.status, 401);
  // Signed with B's key (read from the shared database): runs, once.
  const { sign } = await import('../src/voice/nodes/control.js');
  const key = (await a.sb.store.db.selectFrom('call_nodes').select('control_key').where('control_url', '=', b.url).executeTakeFirstOrThrow()).control_key;
  const t = Date.now();
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-switchboard-node': 'test',
    'x-switchboard-node-signature': `t=${t},v1=${sign(key, t, 'test', form.get('Op')!, form.get('Args')!)}`,
  };
  const signed = await fetch(b.url + path, { method: 'POST', headers, body: form });
  assert.equal(signed.status, 404, 'ran: the call does not exist');
  assert.equal(((await signed.json()) as { error: { code: number } }).error.code, 20404);
  const replayed = await fetch(b.url + path, { method: 'POST', headers, body: form });
  assert.equal(replayed.status, 401);
});
