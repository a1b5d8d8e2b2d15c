/**
 * A node dies in the middle of calls that meet across nodes: two `switchboard start` processes share one
 * PostgreSQL database; a conference runs on node X with a participant whose call runs on node Y, and a
 * caller queued on X is bridged to an agent on Y. X is SIGKILLed: it cannot say goodbye, so Y ends its
 * halves of the media legs once X's heartbeat lapses (one lease), and Y's calls go on at their Dial action
 * (DialCallStatus=completed); X's own calls are ended by Y's recovery with their status callbacks.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import twilio from 'twilio';
import { FakeApp, eventually } from './support/app.js';
import { Cli } from './support/cli.js';
import { admin, databaseUrl } from './support/postgres.js';

const DB = `sb_voicedeath_${process.pid}`;
const dbUrl = databaseUrl(DB);
const SID = `AC${'c'.repeat(32)}`;
const TOKEN = 'voice-death-token-0123456789abcdef';
const auth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;

const app = new FakeApp();
const nodes: Array<{ cli: Cli; url: string }> = [];
let sql: pg.Client;
const lines = { conf: '', shop: '', agent: '' };

async function post(url: string, path: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

/** A virtual phone calls `to` through the node at `url` (the call runs there). */
async function dial(url: string, phone: string, to: string, form: Record<string, string>): Promise<string> {
  const res = await post(url, `/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Calls`, { To: to, ...form });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return (JSON.parse(text) as { call_sid: string }).call_sid;
}

const callNode = async (sid: string) => (await sql.query<{ node_id: string }>('SELECT node_id FROM calls WHERE sid = $1', [sid])).rows[0]?.node_id;
const callStatus = async (sid: string) => (await sql.query<{ status: string }>('SELECT status FROM calls WHERE sid = $1', [sid])).rows[0]?.status;

before(async () => {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  await app.start();
  app.respond((r) => {
    const vr = new twilio.twiml.VoiceResponse();
    if (r.path === '/conf') vr.dial({ action: '/conf-done' }).conference({ beep: 'false' }, 'Doomed Room');
    else if (r.path === '/voice') vr.enqueue({ action: '/enq-done' }, 'doomed');
    else if (r.path === '/agent') vr.dial({ action: '/agent-done', timeout: 20 }).queue('doomed');
    else if (r.path === '/conf-done' || r.path === '/agent-done' || r.path === '/enq-done') vr.hangup();
    else if (r.path === '/status') return { body: '' };
    else return undefined;
    return { body: vr.toString() };
  });
  for (let i = 0; i < 2; i++) {
    const cli = new Cli(['start', '--port', '0', '--database-url', dbUrl, '--media-workers', '1', '--lease-ms', '3000'], {
      SWITCHBOARD_ACCOUNT_SID: SID,
      SWITCHBOARD_AUTH_TOKEN: TOKEN,
      SWITCHBOARD_LOG_LEVEL: 'warn',
      SWITCHBOARD_SIP_PORT: '-1',
    });
    const { url } = await cli.banner();
    nodes.push({ cli, url });
  }
  sql = new pg.Client({ connectionString: dbUrl });
  await sql.connect();
  await eventually(async () => ((await sql.query('SELECT id FROM call_nodes')).rows.length === 2 ? true : undefined), 10_000);
  for (const key of Object.keys(lines) as Array<keyof typeof lines>) {
    const voice = key === 'shop' ? 'voice' : key;
    const res = await post(nodes[0]!.url, `/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, {
      AreaCode: '415',
      VoiceUrl: `${app.base}/${voice}`,
      StatusCallback: `${app.base}/status`,
    });
    assert.equal(res.status, 201, await res.clone().text());
    lines[key] = ((await res.json()) as { phone_number: string }).phone_number;
  }
});

after(async () => {
  for (const n of nodes) n.cli.kill();
  await sql?.end();
  await app.stop();
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

test('node X is SIGKILLed: node Y ends the conference participant and the agent that met X’s calls, with their Dial actions', async () => {
  const [x, y] = [nodes[0]!, nodes[1]!];
  // A conference on X, a participant on Y.
  const p1 = await dial(x.url, '+15550600001', lines.conf, { Audio: 'tone:600', HangupAfter: '120' });
  const conf = await eventually(
    async () => (await sql.query<{ sid: string }>(`SELECT sid FROM conferences WHERE friendly_name = 'Doomed Room'`)).rows[0],
    10_000,
  );
  const p2 = await dial(y.url, '+15550600002', lines.conf, { Audio: 'tone:1000', HangupAfter: '120' });
  await eventually(
    async () => ((await sql.query('SELECT call_sid FROM conference_participants WHERE conference_sid = $1', [conf.sid])).rows.length === 2 ? true : undefined),
    15_000,
  );
  // A caller queued on X, bridged to an agent on Y.
  const caller = await dial(x.url, '+15550600003', lines.shop, { Audio: 'tone:700', HangupAfter: '120' });
  await eventually(async () => ((await sql.query('SELECT call_sid FROM queue_members')).rows.length === 1 ? true : undefined), 15_000);
  const agent = await dial(y.url, '+15550600004', lines.agent, { Audio: 'tone:1200', HangupAfter: '120' });
  await eventually(async () => ((await sql.query('SELECT call_sid FROM queue_members')).rows.length === 0 ? true : undefined), 15_000);
  const nodeX = await callNode(p1);
  assert.equal(await callNode(caller), nodeX);
  assert.notEqual(await callNode(p2), nodeX);
  assert.notEqual(await callNode(agent), nodeX);
  await new Promise((r) => setTimeout(r, 2000)); // in the conference and bridged a while

  x.cli.signal('SIGKILL');
  const confDone = await app.waitFor((r) => r.path === '/conf-done' && r.params.CallSid === p2, 30_000);
  assert.equal(confDone.params.DialCallStatus, 'completed');
  const agentDone = await app.waitFor((r) => r.path === '/agent-done' && r.params.CallSid === agent, 30_000);
  assert.equal(agentDone.params.DialCallStatus, 'completed');
  assert.equal(agentDone.params.DialCallSid, caller);
  // Y's calls went on at their action (<Hangup/>); X's calls are ended by Y's recovery, with callbacks.
  for (const sid of [p2, agent, p1, caller]) await eventually(async () => ((await callStatus(sid)) === 'completed' ? true : undefined), 30_000);
  for (const sid of [p1, caller]) {
    const cb = await app.waitFor((r) => r.path === '/status' && r.params.CallSid === sid && r.params.CallStatus === 'completed', 30_000);
    assert.equal(cb.params.CallStatus, 'completed');
  }
});
