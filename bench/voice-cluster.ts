// npm run bench:voice -- --nodes 3 --via-kamailio [--rates 10,20,40,80 --seconds 5 --levels 60,150,300 --hold 10]
// Voice on several nodes behind Kamailio (deploy/kamailio/kamailio.cfg, Debian's kamailio on loopback): N
// `switchboard start` processes share one PostgreSQL database (SWITCHBOARD_BENCH_PG_URL, default the local
// test server), SIPp calls a number through Kamailio, whose dispatcher spreads the calls round-robin. Part 1:
// the highest call rate held with zero failed calls (each step `--seconds` of calls lasting 1 s), with how many
// calls each node took. Part 2: concurrent calls (ramped at up to 50 calls/s, held `--hold` s): whether all
// came up with no failure, and how many each node carried (its switchboard_calls_active). Without
// --via-kamailio SIPp calls the nodes in turn directly (one SIPp per node), for comparison.
// Writes docs/benchmarks.md, section voice-cluster.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Kamailio } from '../test/support/kamailio.js';
import { UAC_VIA_PROXY } from '../test/support/sipp-scenarios.js';
import { freePort, freePortRange } from '../src/voice/sip/test-support/peers.js';
import { flag, machine, ROOT, writeSection } from './lib.js';

const NODES = Number(flag('nodes', '3'));
const VIA_KAMAILIO = process.argv.includes('--via-kamailio');
const RATES = flag('rates', '10,20,40,80').split(',').map(Number);
const STEP_SECONDS = Number(flag('seconds', '5'));
const LEVELS = flag('levels', '60,150,300').split(',').map(Number);
const HOLD_SECONDS = Number(flag('hold', '10'));
const SIPP = '/usr/bin/sipp';
const PG_ADMIN = process.env.SWITCHBOARD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB = `sb_bench_cluster_${process.pid}`;

const sid = `AC${randomBytes(16).toString('hex')}`;
const token = randomBytes(16).toString('hex');
const auth = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
const dir = mkdtempSync(join(tmpdir(), 'sb-bench-cluster-'));

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

interface Node {
  url: string;
  sipPort: number;
  id: string;
  stop(): Promise<void>;
}

async function startNode(dbUrl: string, sipPort: number): Promise<Node> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "const { main } = await import('./src/cli.ts'); main(process.argv.slice(1));",
      'start',
      '--port',
      '0',
      '--database-url',
      dbUrl,
      '--sip-port',
      String(sipPort),
      '--deterministic',
      '--log-level',
      'warn',
      '--sip-trusted-sources',
      '127.0.0.1',
      '--max-calls-per-account',
      '0',
      '--max-calls-per-node',
      '0',
    ],
    { cwd: ROOT, env: { ...process.env, SWITCHBOARD_ACCOUNT_SID: sid, SWITCHBOARD_AUTH_TOKEN: token }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`switchboard did not start:\n${err}`)), 90_000);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-5000);
      const m = err.match(/running at (http:\/\/\S+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`switchboard exited ${code}:\n${err}`)));
  });
  return {
    url,
    sipPort,
    id: '',
    stop: () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs SIPp to completion; successful and failed calls from its statistics file. */
function runSipp(args: string[], timeoutMs: number): Promise<{ ok: number; failed: number }> {
  const stats = join(dir, `stats-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
  return new Promise((resolve) => {
    const child = spawn(
      SIPP,
      [...args, '-i', '127.0.0.1', '-nostdin', '-trace_stat', '-stf', stats, '-fd', '1', '-timeout', `${Math.ceil(timeoutMs / 1000)}s`, '-timeout_error'],
      { cwd: dir, stdio: 'ignore' },
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 10_000);
    child.on('exit', () => {
      clearTimeout(killer);
      try {
        const lines = readFileSync(stats, 'utf8').trim().split('\n');
        const head = lines[0]!.split(';');
        const last = lines[lines.length - 1]!.split(';');
        resolve({ ok: Number(last[head.indexOf('SuccessfulCall(C)')]), failed: Number(last[head.indexOf('FailedCall(C)')]) });
      } catch {
        resolve({ ok: 0, failed: -1 });
      }
    });
  });
}

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', `command -v ${SIPP} && test -x /usr/sbin/kamailio`]).status !== 0) throw new Error('needs sipp (sip-tester) and kamailio');
  const load = loadavg()[0]!.toFixed(1);
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  const dbUrl = (() => {
    const u = new URL(PG_ADMIN);
    u.pathname = `/${DB}`;
    return u.toString();
  })();
  const twiml = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response><Say>Thank you for calling.</Say><Pause length="600"/></Response>'));
  });
  await new Promise<void>((r) => twiml.listen(0, '127.0.0.1', r));
  const nodes: Node[] = [];
  let kamailio: Kamailio | null = null;
  const sql = new pg.Client({ connectionString: dbUrl });
  try {
    for (let i = 0; i < NODES; i++) nodes.push(await startNode(dbUrl, await freePort()));
    await sql.connect();
    for (;;) {
      const r = await sql.query<{ id: string; control_url: string }>('SELECT id, control_url FROM call_nodes');
      for (const n of nodes) n.id = r.rows.find((row) => row.control_url === n.url)?.id ?? '';
      if (nodes.every((n) => n.id)) break;
      await new Promise((r2) => setTimeout(r2, 200));
    }
    const res = await fetch(`${nodes[0]!.url}/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ AreaCode: '415', VoiceUrl: `http://127.0.0.1:${(twiml.address() as AddressInfo).port}/voice` }),
    });
    const number = ((await res.json()) as { phone_number: string }).phone_number;
    if (VIA_KAMAILIO)
      kamailio = await new Kamailio(
        dir,
        await freePort(),
        nodes.map((n) => n.sipPort),
        { probeInterval: 2 },
      ).start();
    const scenarioPath = join(dir, 'uac.xml');
    writeFileSync(scenarioPath, UAC_VIA_PROXY);

    /** Calls through Kamailio, or split over the nodes directly (one SIPp each). */
    const call = async (total: number, rate: number, holdMs: number, timeoutMs: number) => {
      const targets = kamailio ? [kamailio.port] : nodes.map((n) => n.sipPort);
      const runs = await Promise.all(
        targets.map(async (port) =>
          runSipp(
            [
              '-sf',
              scenarioPath,
              `127.0.0.1:${port}`,
              '-s',
              number,
              '-p',
              String(await freePort()),
              '-mp',
              String(await freePortRange(4)),
              '-m',
              String(Math.ceil(total / targets.length)),
              '-r',
              String(Math.max(1, Math.round(rate / targets.length))),
              '-l',
              String(total),
              '-d',
              String(holdMs),
            ],
            timeoutMs,
          ),
        ),
      );
      return { ok: runs.reduce((a, r) => a + r.ok, 0), failed: runs.some((r) => r.failed < 0) ? -1 : runs.reduce((a, r) => a + r.failed, 0) };
    };
    const spreadSince = async (since: number): Promise<string> => {
      const r = await sql.query<{ node_id: string; n: string }>('SELECT node_id, count(*) AS n FROM calls WHERE date_created >= $1 GROUP BY 1', [since]);
      return nodes.map((n, i) => `${String.fromCharCode(65 + i)} ${r.rows.find((row) => row.node_id === n.id)?.n ?? 0}`).join(', ');
    };

    const rateRows: string[][] = [];
    let bestRate = 0;
    for (const rate of RATES) {
      const since = Date.now();
      const total = rate * STEP_SECONDS;
      const r = await call(total, rate, 1000, STEP_SECONDS * 1000 + 60_000);
      const clean = r.failed === 0 && r.ok === total;
      if (clean) bestRate = rate;
      rateRows.push([`${rate} calls/s x ${STEP_SECONDS} s`, `${r.ok} ok, ${r.failed} failed`, await spreadSince(since), clean ? 'held' : 'not held']);
      console.log(rateRows[rateRows.length - 1]!.join(' | '));
      await new Promise((r2) => setTimeout(r2, 3000));
      if (!clean) break;
    }

    const levelRows: string[][] = [];
    let bestLevel = 0;
    for (const level of LEVELS) {
      const since = Date.now();
      const ramp = Math.min(50, level);
      const run = call(level, ramp, (Math.ceil(level / ramp) + HOLD_SECONDS) * 1000, (Math.ceil(level / ramp) + HOLD_SECONDS) * 1000 + 60_000);
      // Sampled once all should be up: every node's live calls from its /metrics.
      await new Promise((r2) => setTimeout(r2, (Math.ceil(level / ramp) + HOLD_SECONDS / 2) * 1000));
      const active = await Promise.all(
        nodes.map(async (n) => Number(/^switchboard_calls_active (\S+)/m.exec(await (await fetch(`${n.url}/metrics`)).text())?.[1] ?? 0)),
      );
      const r = await run;
      const up = active.reduce((a, b) => a + b, 0);
      const clean = r.failed === 0 && r.ok === level;
      if (clean) bestLevel = level;
      levelRows.push([
        String(level),
        `${r.ok} ok, ${r.failed} failed`,
        `${up} (${active.map((a, i) => `${String.fromCharCode(65 + i)} ${a}`).join(', ')})`,
        await spreadSince(since),
        clean ? 'held' : 'not held',
      ]);
      console.log(levelRows[levelRows.length - 1]!.join(' | '));
      await new Promise((r2) => setTimeout(r2, 3000));
      if (!clean) break;
    }

    const how = kamailio ? 'through Kamailio (dispatcher round-robin, OPTIONS probing every 2 s)' : 'SIPp calling each node directly (no balancer)';
    const args = process.argv.slice(2).join(' ');
    const summary = `${NODES} nodes, ${how}: highest call rate held with zero failed calls **${bestRate} calls/s**; most concurrent calls held with zero failures **${bestLevel}**.`;
    console.log(summary);
    writeSection(
      'voice-cluster',
      `### Voice on several nodes (${NODES} nodes, ${kamailio ? 'via Kamailio' : 'direct'})\n\n\`npm run bench:voice -- ${args}\` on ${machine()}; load average ${load} when it started (over 2 per core means other work shared the machine: the figures are then a floor).\n${NODES} \`switchboard start\` processes (PostgreSQL, default media threads) and Kamailio, SIPp, PostgreSQL and the TwiML server all share this machine's cores: the figures are for the whole set on one box, not per node, and every node competes with the others for the same CPUs. Each call fetches TwiML (\`<Say>\` then \`<Pause>\`), is answered and gets RTP from its node; SIPp hangs up after 1 s (rate) or after the hold (levels). The spread columns count the calls each node (A, B, C...) took.\n\n${summary}\n\n| step | SIPp result | calls per node | verdict |\n| --- | --- | --- | --- |\n${rateRows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n\n| concurrent calls | SIPp result | live calls while held (per node) | calls per node | verdict |\n| --- | --- | --- | --- | --- |\n${levelRows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`,
    );
  } finally {
    await kamailio?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await sql.end().catch(() => undefined);
    twiml.close();
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
