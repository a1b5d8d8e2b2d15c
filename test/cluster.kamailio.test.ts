/**
 * Voice on three nodes behind Kamailio (deploy/kamailio/kamailio.cfg, Debian's kamailio on loopback ports):
 * three `switchboard start` processes share one PostgreSQL database, each with its own SIP port; Kamailio's
 * dispatcher spreads SIPp's calls over them, probes them with OPTIONS and record-routes the dialogs.
 * Checked: 300 calls through Kamailio all succeed and land on every node; a live call is hung up with new
 * TwiML sent to the REST API of a node that does not run it (the caller gets the BYE through Kamailio); a
 * node SIGKILLed with calls up: new calls keep succeeding through the other two, and its calls end
 * (completed, with their status callbacks) once its lease lapses.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { freePort, freePortRange, spawnPeer, tempDir, within } from '../src/voice/sip/test-support/peers.js';
import { FakeApp, eventually } from './support/app.js';
import { Cli } from './support/cli.js';
import { Kamailio } from './support/kamailio.js';
import { toolMissing } from './support/tools.js';
import { UAC_VIA_PROXY, UAC_VIA_PROXY_WAITS } from './support/sipp-scenarios.js';
import { admin, databaseUrl } from './support/postgres.js';

const SIPP = '/usr/bin/sipp';
const skip = toolMissing('sipp') || toolMissing('kamailio');
const CALLS = Number(process.env.SWITCHBOARD_KAMAILIO_CALLS ?? 300);

const DB = `sb_kamailio_${process.pid}`;
const dbUrl = databaseUrl(DB);
const SID = `AC${'f'.repeat(32)}`;
const TOKEN = 'kamailio-cluster-token-0123456789abcdef';
const auth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;

const dir = tempDir('sb-kamailio');
const app = new FakeApp();
const nodes: Array<{ cli: Cli; url: string; sipPort: number; id: string }> = [];
let kamailio: Kamailio;
let sql: pg.Client;
const numbers: Record<'load' | 'hold' | 'long', string> = { load: '', hold: '', long: '' };

async function api(url: string, path: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${url}/2010-04-01/Accounts/${SID}${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

before(async () => {
  if (skip) return;
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  await app.start();
  app.respond((r) => {
    if (r.path === '/load') return { body: '<Response><Pause length="20"/></Response>' };
    if (r.path === '/hold') return { body: '<Response><Say>Please hold.</Say><Pause length="60"/></Response>' };
    if (r.path === '/long') return { body: '<Response><Pause length="60"/></Response>' };
    return undefined;
  });
  for (let i = 0; i < 3; i++) {
    const sipPort = await freePort();
    const cli = new Cli(
      [
        'start',
        '--port',
        '0',
        '--database-url',
        dbUrl,
        '--sip-port',
        String(sipPort),
        '--sip-host',
        '127.0.0.1',
        // Every INVITE comes from Kamailio: the per-source INVITE rate limit is not for it.
        '--sip-trusted-sources',
        '127.0.0.1',
        '--media-workers',
        '1',
        '--lease-ms',
        '3000',
      ],
      { SWITCHBOARD_ACCOUNT_SID: SID, SWITCHBOARD_AUTH_TOKEN: TOKEN, SWITCHBOARD_LOG_LEVEL: 'warn' },
    );
    // One after another: the first applies the migrations.
    const { url } = await cli.banner();
    nodes.push({ cli, url, sipPort, id: '' });
  }
  sql = new pg.Client({ connectionString: dbUrl });
  await sql.connect();
  await eventually(async () => {
    const r = await sql.query<{ id: string; control_url: string }>('SELECT id, control_url FROM call_nodes');
    for (const n of nodes) n.id = r.rows.find((row) => row.control_url === n.url)?.id ?? '';
    return nodes.every((n) => n.id) ? true : undefined;
  }, 10_000);
  for (const key of Object.keys(numbers) as Array<keyof typeof numbers>) {
    const res = await api(nodes[0]!.url, '/IncomingPhoneNumbers.json', {
      AreaCode: '415',
      VoiceUrl: `${app.base}/${key}`,
      StatusCallback: `${app.base}/status`,
    });
    assert.equal(res.status, 201, await res.clone().text());
    numbers[key] = ((await res.json()) as { phone_number: string }).phone_number;
  }
  kamailio = await new Kamailio(
    dir.path,
    await freePort(),
    nodes.map((n) => n.sipPort),
  ).start();
});

after(async () => {
  if (skip) return;
  await kamailio?.stop();
  for (const n of nodes) n.cli.kill();
  await sql?.end();
  await app.stop();
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  dir.remove();
});

function scenario(name: string, xml: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, xml);
  return path;
}

/** SIPp calling `number` through Kamailio. */
async function sipp(xml: string, number: string, args: string[]) {
  const mp = await freePortRange(4);
  return spawnPeer(
    SIPP,
    [
      '-sf',
      scenario(`${xml.length}.xml`, xml),
      `127.0.0.1:${kamailio.port}`,
      '-s',
      number,
      '-i',
      '127.0.0.1',
      '-p',
      String(await freePort()),
      '-mp',
      String(mp),
      '-nostdin',
      ...args,
    ],
    dir.path,
  );
}

async function perNode(number: string, since = 0): Promise<Map<string, number>> {
  const r = await sql.query<{ node_id: string; n: string }>(
    'SELECT node_id, count(*) AS n FROM calls WHERE to_number = $1 AND date_created >= $2 GROUP BY node_id',
    [number, since],
  );
  return new Map(r.rows.map((row) => [row.node_id, Number(row.n)]));
}

test(`${CALLS} calls through Kamailio all succeed and are spread over the three nodes`, { skip }, async () => {
  const peer = await sipp(UAC_VIA_PROXY, numbers.load, ['-m', String(CALLS), '-r', '20', '-l', '120', '-d', '1500', '-timeout', '120s', '-timeout_error']);
  const code = await within(peer.exited, 150_000, 'sipp');
  assert.equal(code, 0, peer.output());
  const spread = await perNode(numbers.load);
  assert.equal(
    [...spread.values()].reduce((a, b) => a + b, 0),
    CALLS,
    JSON.stringify([...spread]),
  );
  for (const n of nodes)
    assert.ok((spread.get(n.id) ?? 0) >= CALLS / 5, `node ${n.id} took ${spread.get(n.id) ?? 0} of ${CALLS}: ${JSON.stringify([...spread])}`);
  // Every call ended completed, each with its one completed callback.
  await eventually(async () => {
    const r = await sql.query<{ n: string }>("SELECT count(*) AS n FROM calls WHERE to_number = $1 AND status = 'completed'", [numbers.load]);
    return Number(r.rows[0]!.n) === CALLS ? true : undefined;
  }, 30_000).catch(async (err: Error) => {
    const r = await sql.query('SELECT status, node_id, count(*) AS n FROM calls WHERE to_number = $1 GROUP BY 1, 2', [numbers.load]);
    const alerts = await sql.query(
      "SELECT a.error_code, a.alert_text FROM alerts a JOIN calls c ON c.sid = a.resource_sid WHERE c.to_number = $1 AND c.status <> 'completed'",
      [numbers.load],
    );
    throw new Error(`${err.message}: ${JSON.stringify(r.rows)} ${JSON.stringify(alerts.rows)}\n${nodes.map((n) => n.cli.stdout.slice(-1500)).join('\n')}`);
  });
  await eventually(async () => (app.received.filter((r) => r.path === '/status' && r.params.To === numbers.load).length >= CALLS ? true : undefined), 30_000);
});

test('new TwiML sent to a node that does not run the call takes effect: the caller is hung up on through Kamailio', { skip }, async () => {
  const peer = await sipp(UAC_VIA_PROXY_WAITS, numbers.hold, ['-m', '1', '-timeout', '60s', '-timeout_error']);
  const live = await eventually(async () => {
    const r = await sql.query<{ sid: string; node_id: string }>("SELECT sid, node_id FROM calls WHERE to_number = $1 AND status = 'in-progress'", [
      numbers.hold,
    ]);
    return r.rows[0];
  }, 15_000);
  const other = nodes.find((n) => n.id !== live.node_id)!;
  const res = await api(other.url, `/Calls/${live.sid}.json`, { Twiml: '<Response><Say>Goodbye.</Say><Hangup/></Response>' });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(((await res.json()) as { status: string }).status, 'in-progress');
  assert.equal(await within(peer.exited, 30_000, 'sipp'), 0, peer.output());
  await eventually(async () => {
    const r = await sql.query<{ status: string }>('SELECT status FROM calls WHERE sid = $1', [live.sid]);
    return r.rows[0]?.status === 'completed' ? true : undefined;
  }, 10_000);
  // Once ended, any node answers a redirect as Twilio does.
  const late = await api(nodes.find((n) => n.id !== other.id)!.url, `/Calls/${live.sid}.json`, { Twiml: '<Response><Say>Too late.</Say></Response>' });
  assert.equal(late.status, 400);
  assert.equal(((await late.json()) as { code: number }).code, 21220);
});

test('a node SIGKILLed with calls up: new calls succeed through the others, its calls end with their callbacks', { skip }, async () => {
  // Six long calls, two on each node.
  const long = await sipp(UAC_VIA_PROXY, numbers.long, ['-m', '6', '-r', '10', '-d', '8000', '-timeout', '60s']);
  const up = await eventually(async () => {
    const r = await sql.query<{ sid: string; node_id: string }>("SELECT sid, node_id FROM calls WHERE to_number = $1 AND status = 'in-progress'", [
      numbers.long,
    ]);
    return r.rows.length === 6 ? r.rows : undefined;
  }, 20_000);
  const victim = nodes[2]!;
  const doomed = up.filter((r) => r.node_id === victim.id).map((r) => r.sid);
  assert.ok(doomed.length >= 1, JSON.stringify(up));
  victim.cli.signal('SIGKILL');
  await victim.cli.exited;
  const killedAt = Date.now();

  // New calls at once: those Kamailio still sends to the dead node time out there and go to the next node.
  const after = await sipp(UAC_VIA_PROXY, numbers.load, ['-m', '30', '-r', '10', '-d', '500', '-timeout', '60s', '-timeout_error']);
  assert.equal(await within(after.exited, 70_000, 'sipp'), 0, after.output());
  const spread = await perNode(numbers.load, killedAt);
  assert.equal(spread.get(victim.id) ?? 0, 0, JSON.stringify([...spread]));
  assert.equal(
    [...spread.values()].reduce((a, b) => a + b, 0),
    30,
  );
  for (const n of nodes.slice(0, 2)) assert.ok((spread.get(n.id) ?? 0) >= 5, JSON.stringify([...spread]));

  // The dead node's calls: completed after its lease (3 s) lapsed, each with its completed callback.
  for (const sid of doomed) {
    const cb = await app.waitFor((r) => r.path === '/status' && r.params.CallSid === sid, 20_000);
    assert.equal(cb.params.CallStatus, 'completed');
    const r = await sql.query<{ status: string }>('SELECT status FROM calls WHERE sid = $1', [sid]);
    assert.equal(r.rows[0]!.status, 'completed');
  }
  long.kill();
  // Kamailio's probes marked the dead node inactive; the others stay active.
  await eventually(async () => (kamailio.states().get(`sip:127.0.0.1:${victim.sipPort}`)?.startsWith('I') ? true : undefined), 15_000);
  for (const n of nodes.slice(0, 2)) assert.match(kamailio.states().get(`sip:127.0.0.1:${n.sipPort}`) ?? '', /^A/);
});
