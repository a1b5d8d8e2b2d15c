// npm run bench:voice [-- --rates 25,50,100,200 --seconds 4 --levels 100,250,500,750 --hold 12
//   --churn-held 1000 --churn-rate 100 --churn-seconds 10 --bridge-levels 50,100,250 --bridge-hold 10 --bridge-runs 3 --bridge-phases 4
//   --conference-levels 20x5,100x5,1x250 --conference-hold 10 --conference-runs 1
//   --media-workers N --media-priority N --media-realtime N --drivers-realtime N --parts rate,levels,churn,bridge,conference --section voice]
// SIPp (Debian sip-tester) places inbound calls to a Switchboard number whose TwiML says a sentence and
// pauses. Part 1: the highest call rate held with zero failed calls (bounded step search, a fixed number of
// calls per step). Part 2: the most concurrent calls with media while our RTP send lateness stays under
// 5 ms p99 (the media clock's histogram, read from /metrics) and a UDP sink receiving every call's RTP
// counts no lost packet. Part 3 (churn): while `--churn-held` calls are held with media, `--churn-rate` new
// calls a second are set up for `--churn-seconds`; the held calls' media must not suffer (send lateness p99
// under 5 ms, jitter p99 at their sink under 10 ms, no lost packet, no skipped tick) and no new call may fail.
// The new calls send their RTP to a second sink, so the first one sees only the held calls.
// Part 4 (bridge, bench/voice-bridge.ts): N concurrent <Dial> bridges, two legs each, RTP relayed both ways
// between this process's own senders and receivers: packets lost and relay latency p50/p99.
// Part 5 (conference, bench/voice-conference.ts): C conferences of N participants (levels CxN), each
// participant a UDP socket of this process sending a PCMU tone every 20 ms and receiving the mix: mix frames
// lost, the engine's tick lateness p99, arrival spacing at the receivers, CPU.
// Writes docs/benchmarks.md (section voice, or --section; the bridge and conference parts their own
// sections, SECTION-bridge and SECTION-conference).
// BENCH_PROFILE=<dir> writes CPU profiles of the Switchboard process's threads there (--cpu-prof).
// BENCH_SERVER_NODE_FLAGS='--flag ...' starts the Switchboard process with those Node and V8 flags (a GC setting to compare).
// With --nodes N [--via-kamailio]: several nodes on PostgreSQL behind Kamailio instead (bench/voice-cluster.ts).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getPriority, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, machine, writeSection } from './lib.js';
import { DriverThread } from './driver-thread.js';
import type { FromSink, ToSink } from './rtp-sink-worker.js';
import { bridgedCalls } from './voice-bridge.js';
import { conferences, parseLevels } from './voice-conference.js';
import { mediaMetrics, startVoiceServer } from './voice-server.js';

const RATES = flag('rates', '25,50,100,200').split(',').map(Number);
const STEP_SECONDS = Number(flag('seconds', '4'));
const LEVELS = flag('levels', '100,250,500').split(',').map(Number);
const HOLD_SECONDS = Number(flag('hold', '12'));
const CHURN_HELD = Number(flag('churn-held', '1000'));
const CHURN_RATE = Number(flag('churn-rate', '100'));
const CHURN_SECONDS = Number(flag('churn-seconds', '10'));
/** Media engine threads of the server under test; '' leaves its default (the cores but one). */
const MEDIA_WORKERS = flag('media-workers', '');
const PARTS = new Set(flag('parts', 'rate,levels,churn,bridge,conference').split(','));
const BRIDGE_LEVELS = flag('bridge-levels', '50,100,250').split(',').map(Number);
const BRIDGE_HOLD = Number(flag('bridge-hold', '10'));
// Send grid of the bridge drivers: 4 steps of 5 ms (bursts) or 20 of 1 ms (spread, like independent phones).
const BRIDGE_PHASES = Number(flag('bridge-phases', '4'));
const BRIDGE_RUNS = Number(flag('bridge-runs', '3'));
const CONFERENCE_LEVELS = parseLevels(flag('conference-levels', '20x5,100x5,1x250'));
const CONFERENCE_HOLD = Number(flag('conference-hold', '10'));
const CONFERENCE_RUNS = Number(flag('conference-runs', '1'));
const SECTION = flag('section', 'voice');
const SIPP = '/usr/bin/sipp';
const SENTENCE = 'Thank you for calling. All of our agents are busy. Please stay on the line.';

const sid = `AC${randomBytes(16).toString('hex')}`;
const token = randomBytes(16).toString('hex');
const auth = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
const dir = mkdtempSync(join(tmpdir(), 'sb-bench-voice-'));

async function api(base: string, path: string, form?: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(
    base + path,
    form
      ? { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) }
      : { headers: { authorization: auth } },
  );
  return (await res.json()) as Record<string, unknown>;
}

const workersText = (): string =>
  MEDIA_WORKERS === ''
    ? 'media engine threads: the default, the cores but one'
    : MEDIA_WORKERS === '0'
      ? 'media on the main thread (--media-workers 0)'
      : `--media-workers ${MEDIA_WORKERS}`;

const ms = (v: number): string => (Number.isFinite(v) ? `${v} ms` : '> 100 ms');
/** A latency from a histogram whose last bucket holds everything from 100 ms up. */
const capped = (v: number): string => (v >= 100 ? '>= 100 ms' : `${v.toFixed(1)} ms`);

/** p99 upper bound from two cumulative histogram snapshots: the smallest bucket holding 99% of the ticks. */
function p99Between(a: Map<number, number>, b: Map<number, number>): { p99Ms: number; ticks: number } {
  const total = (b.get(Infinity) ?? 0) - (a.get(Infinity) ?? 0);
  for (const le of [...b.keys()].sort((x, y) => x - y)) {
    if (b.get(le)! - (a.get(le) ?? 0) >= total * 0.99) return { p99Ms: le * 1000, ticks: total };
  }
  return { p99Ms: Infinity, ticks: total };
}

/** One UDP port all calls send their RTP to, counted on its own thread (rtp-sink-worker.ts). */
async function sink() {
  const thread = new DriverThread<ToSink, FromSink>(new URL('./rtp-sink-worker.ts', import.meta.url));
  const opened = await thread.ask<Extract<FromSink, { t: 'opened' }>>({ t: 'open' });
  return {
    port: opened.port,
    reset: () => thread.ask({ t: 'reset' }),
    report: () => thread.ask<Extract<FromSink, { t: 'report' }>>({ t: 'report' }),
    close: () => thread.stop(),
  };
}

/** SIPp's built-in uac scenario, with the SDP pointing at the sink so our RTP can be counted. */
function scenario(sinkPort: number, name = 'uac-sink.xml'): string {
  const xml = spawnSync(SIPP, ['-sd', 'uac'], { encoding: 'utf8' })
    .stdout.replace('c=IN IP[media_ip_type] [media_ip]', 'c=IN IP4 127.0.0.1')
    .replace('m=audio [media_port]', `m=audio ${sinkPort}`);
  const path = join(dir, name);
  writeFileSync(path, xml);
  return path;
}

/** Runs SIPp to completion; returns successful and failed calls from its statistics file. */
function runSipp(args: string[], timeoutMs: number): Promise<{ ok: number; failed: number; code: number | null }> {
  const stats = join(dir, `stats-${Date.now()}.csv`);
  return new Promise((resolve) => {
    const child = spawn(
      SIPP,
      [...args, '-i', '127.0.0.1', '-nostdin', '-trace_stat', '-stf', stats, '-fd', '1', '-timeout', `${Math.ceil(timeoutMs / 1000)}s`, '-timeout_error'],
      { cwd: dir, stdio: 'ignore' },
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 10_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      let ok = 0,
        failed = 0;
      try {
        const lines = readFileSync(stats, 'utf8').trim().split('\n');
        const head = lines[0]!.split(';');
        const last = lines[lines.length - 1]!.split(';');
        ok = Number(last[head.indexOf('SuccessfulCall(C)')]);
        failed = Number(last[head.indexOf('FailedCall(C)')]);
      } catch {
        failed = -1;
      }
      resolve({ ok, failed, code });
    });
  });
}

async function main(): Promise<void> {
  const rx = await sink();
  const twiml = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end(`<Response><Say>${SENTENCE}</Say><Pause length="120"/></Response>`));
  });
  twiml.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => twiml.listen(0, '127.0.0.1', r));
  const voiceUrl = `http://127.0.0.1:${(twiml.address() as AddressInfo).port}/voice`;
  const sipPort = 20000 + Math.floor(Math.random() * 20000);
  const server = await startVoiceServer({ dir, sipPort, sid, token, mediaWorkers: MEDIA_WORKERS });
  const rows: string[][] = [];
  try {
    const number = String(
      (await api(server.url, `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`, { AreaCode: '415', VoiceUrl: voiceUrl })).phone_number,
    );
    const uac = scenario(rx.port);
    const target = `127.0.0.1:${sipPort}`;
    // Warm-up: TTS cache, JIT, SQLite pages (the SIPp parts only).
    if (PARTS.has('rate') || PARTS.has('levels') || PARTS.has('churn'))
      await runSipp(['-sf', uac, target, '-s', number, '-r', '10', '-m', '20', '-d', '1000'], 30_000);

    // Part 1: call rate.
    let bestRate = 0;
    for (const rate of PARTS.has('rate') ? RATES : []) {
      const calls = rate * STEP_SECONDS;
      await rx.reset();
      const before = await mediaMetrics(server.url);
      const r = await runSipp(
        ['-sf', uac, target, '-s', number, '-r', String(rate), '-m', String(calls), '-d', '1000', '-l', String(rate * 4)],
        60_000 + STEP_SECONDS * 1000,
      );
      const after = await mediaMetrics(server.url);
      const media = await rx.report();
      const clock = p99Between(before.buckets, after.buckets);
      const pass = r.failed === 0 && r.ok === calls;
      rows.push([
        `${rate} calls/s x ${calls} calls (1 s each)`,
        `${r.ok} ok, ${r.failed} failed`,
        `${media.jitterP99Ms.toFixed(1)} ms`,
        ms(clock.p99Ms),
        `${media.lost} of ${media.packets}`,
        pass ? 'held' : 'not held',
      ]);
      console.log(rows[rows.length - 1]!.join(' | '));
      if (!pass) break;
      bestRate = rate;
    }

    // Part 2: concurrent calls with media.
    let bestLevel = 0;
    const levelRows: string[][] = [];
    const idle = async (): Promise<void> => {
      // Start from an idle server: calls of the previous step must have ended.
      const idleBy = Date.now() + 60_000;
      while (Date.now() < idleBy && (await mediaMetrics(server.url)).active > 0) await new Promise((r) => setTimeout(r, 500));
    };
    for (const level of PARTS.has('levels') ? LEVELS : []) {
      await idle();
      const rampRate = Math.min(100, level);
      const ramp = Math.ceil(level / rampRate);
      await rx.reset();
      const sipp = runSipp(
        ['-sf', uac, target, '-s', number, '-r', String(rampRate), '-m', String(level), '-d', String((ramp + HOLD_SECONDS + 2) * 1000), '-l', String(level)],
        (ramp + HOLD_SECONDS + 40) * 1000,
      );
      // Measure only while every call is up and talking.
      const until = Date.now() + (ramp + 15) * 1000;
      while (Date.now() < until && (await mediaMetrics(server.url)).active < level) await new Promise((r) => setTimeout(r, 250));
      await new Promise((r) => setTimeout(r, 1000));
      const before = await mediaMetrics(server.url);
      await new Promise((r) => setTimeout(r, (HOLD_SECONDS - 2) * 1000));
      const after = await mediaMetrics(server.url);
      const r = await sipp;
      const media = await rx.report();
      const clock = p99Between(before.buckets, after.buckets);
      const skipped = after.skipped - before.skipped;
      const pass = r.failed === 0 && clock.p99Ms <= 5 && media.lost === 0 && skipped === 0 && before.active >= level;
      levelRows.push([
        `${level} calls`,
        `${r.ok} ok, ${r.failed} failed (${before.active} active)`,
        `${media.jitterP99Ms.toFixed(1)} ms`,
        `${media.lost} of ${media.packets}`,
        `${ms(clock.p99Ms)} (${clock.ticks} ticks, ${skipped} skipped)`,
        pass ? 'held' : 'not held',
      ]);
      console.log(levelRows[levelRows.length - 1]!.join(' | '));
      // Every level runs (the list is short) so the table shows how lateness grows past the limit.
      if (pass && levelRows.slice(0, -1).every((row) => row[5] === 'held')) bestLevel = level;
    }

    // Part 3: held calls' media while new calls are set up.
    const churnRows: string[][] = [];
    let churnHeld = false;
    if (PARTS.has('churn')) {
      await idle();
      const rx2 = await sink();
      const uacNew = scenario(rx2.port, 'uac-sink-new.xml');
      const rampRate = Math.min(100, CHURN_HELD);
      const ramp = Math.ceil(CHURN_HELD / rampRate);
      const held = runSipp(
        [
          '-sf',
          uac,
          target,
          '-s',
          number,
          '-r',
          String(rampRate),
          '-m',
          String(CHURN_HELD),
          '-d',
          String((ramp + CHURN_SECONDS + 25) * 1000),
          '-l',
          String(CHURN_HELD),
        ],
        (ramp + CHURN_SECONDS + 70) * 1000,
      );
      const until = Date.now() + (ramp + 15) * 1000;
      while (Date.now() < until && (await mediaMetrics(server.url)).active < CHURN_HELD) await new Promise((r) => setTimeout(r, 250));
      await new Promise((r) => setTimeout(r, 1000));
      await rx.reset();
      const before = await mediaMetrics(server.url);
      const total = CHURN_RATE * CHURN_SECONDS;
      const fresh = await runSipp(
        ['-sf', uacNew, target, '-s', number, '-r', String(CHURN_RATE), '-m', String(total), '-d', '1000', '-l', String(CHURN_RATE * 4)],
        60_000 + CHURN_SECONDS * 1000,
      );
      const after = await mediaMetrics(server.url);
      const media = await rx.report();
      await held;
      await rx2.close();
      const clock = p99Between(before.buckets, after.buckets);
      const skipped = after.skipped - before.skipped;
      churnHeld =
        fresh.failed === 0 &&
        fresh.ok === total &&
        clock.p99Ms <= 5 &&
        media.jitterP99Ms <= 10 &&
        media.lost === 0 &&
        skipped === 0 &&
        before.active >= CHURN_HELD;
      churnRows.push([
        `${CHURN_HELD} held, ${CHURN_RATE} new calls/s x ${CHURN_SECONDS} s`,
        `${fresh.ok} ok, ${fresh.failed} failed (${before.active} active before)`,
        `${media.jitterP99Ms.toFixed(1)} ms`,
        `${media.lost} of ${media.packets}`,
        `${ms(clock.p99Ms)} (${clock.ticks} ticks, ${skipped} skipped)`,
        churnHeld ? 'held' : 'not held',
      ]);
      console.log(churnRows[0]!.join(' | '));
    }

    // Part 4: bridged calls.
    if (PARTS.has('bridge')) {
      await idle();
      const bridgeRows = await bridgedCalls(
        {
          sipPort,
          buyNumber: async (url) =>
            String((await api(server.url, `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`, { AreaCode: '415', VoiceUrl: url })).phone_number),
          activeCalls: async () => (await mediaMetrics(server.url)).active,
          tickLateness: async () => {
            const before = (await mediaMetrics(server.url)).buckets;
            return async () => p99Between(before, (await mediaMetrics(server.url)).buckets).p99Ms;
          },
          serverPid: server.child.pid,
        },
        BRIDGE_LEVELS,
        BRIDGE_HOLD,
        BRIDGE_RUNS,
        BRIDGE_PHASES,
        (line) => console.log(line),
      );
      const best = bridgeRows.filter((r, i) => r.pass && bridgeRows.slice(0, i).every((x) => x.pass)).pop()?.calls ?? 0;
      const table = [
        '| bridged calls (legs) | set up | RTP packets lost (sent) | relay latency p50 | relay latency p99 | harness alone p99 | engine tick lateness p99 | CPU: Switchboard / benchmark (cores) | Switchboard CPU per relayed packet | verdict |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ...bridgeRows.map(
          (r) =>
            `| ${r.calls} (${2 * r.calls}) | ${r.setUp} | ${r.lost} (${r.sent}) | ${capped(r.p50Ms)} | ${capped(r.p99Ms)} | ${capped(r.baselineP99Ms)} | ${ms(r.tickP99Ms)} | ${r.serverCpu.toFixed(2)} / ${r.benchCpu.toFixed(2)} | ${r.usPerPacket.toFixed(1)} us | ${r.pass ? 'held' : 'not held'} |`,
        ),
      ].join('\n');
      const summary = `Most concurrent bridged calls held with no RTP packet lost and relay latency p99 under 5 ms: **${best}** (target 250).`;
      console.log(summary);
      const args = process.argv.slice(2).join(' ');
      writeSection(
        `${SECTION}-bridge`,
        `### Voice: bridged calls (<Dial>; ${MEDIA_WORKERS === '' ? 'engine threads: the default, the cores but one' : `--media-workers ${MEDIA_WORKERS}`}; nice ${getPriority()})\n\n\`npm run bench:voice${args ? ` -- ${args}` : ''}\` on ${machine()}.\nOne Switchboard process (SQLite, ${MEDIA_WORKERS === '' ? 'media engine threads: the default, the cores but one' : `--media-workers ${MEDIA_WORKERS}`}). The benchmark's own SIP endpoint (Switchboard's SIP stack, in the benchmark process) calls a number whose TwiML is \`<Dial><Sip>\` back to the same endpoint, which answers: each call is two legs bridged inside Switchboard's media engine. Calls are set up at 50 a second; two seconds after the last answer, every leg's UDP socket in the benchmark sends one PCMU packet every 20 ms (${BRIDGE_PHASES === 4 ? 'in four 5 ms phases: a quarter of the legs send together, in bursts' : `on a grid of ${BRIDGE_PHASES} steps of ${20 / BRIDGE_PHASES} ms, as packets of independent phones arrive spread over the 20 ms`}) for ${BRIDGE_HOLD} s, stamped with its send time; Switchboard relays each to the other leg. Each level runs ${BRIDGE_RUNS} times: the figures are medians of the runs (packets lost and sent: totals), because the machine is shared with other work (load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(
            ', ',
          )} when this section was written). Lost: packets sent minus packets received a second after the last send. Relay latency: from send to receive in the benchmark process, so it includes both loopback hops and the benchmark's own event-loop delays (it errs high); "harness alone" is the same sockets and pattern sending directly to each other, without Switchboard. The run stops at the first level that loses packets.\n\n${summary}\n\n${table}`,
      );
    }

    // Part 5: conferences.
    if (PARTS.has('conference')) {
      await idle();
      const confRows = await conferences(
        {
          sipPort,
          buyNumber: async (url) =>
            String((await api(server.url, `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`, { AreaCode: '415', VoiceUrl: url })).phone_number),
          activeCalls: async () => (await mediaMetrics(server.url)).active,
          participantsIn: async (prefix) => {
            const list = await api(server.url, `/2010-04-01/Accounts/${sid}/Conferences.json?Status=in-progress&PageSize=1000`);
            const mine = ((list.conferences ?? []) as Array<{ sid: string; friendly_name: string }>).filter((c) => c.friendly_name.startsWith(prefix));
            let participants = 0;
            for (const c of mine) {
              const ps = await api(server.url, `/2010-04-01/Accounts/${sid}/Conferences/${c.sid}/Participants.json?PageSize=1000`);
              participants += ((ps.participants ?? []) as unknown[]).length;
            }
            return { conferences: mine.length, participants };
          },
          tickLateness: async () => {
            const before = await mediaMetrics(server.url);
            return async () => {
              const after = await mediaMetrics(server.url);
              return { p99Ms: p99Between(before.buckets, after.buckets).p99Ms, skipped: after.skipped - before.skipped };
            };
          },
          serverPid: server.child.pid,
        },
        CONFERENCE_LEVELS,
        CONFERENCE_HOLD,
        CONFERENCE_RUNS,
        (line) => console.log(line),
      );
      const table = [
        '| conferences x participants | in the conferences | mix frames received (expected) | mix frames lost | frames with sound | engine tick lateness p99 (skipped ticks) | arrival spacing p99 at the receivers | CPU: Switchboard / benchmark (cores) | verdict |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ...confRows.map(
          (r) =>
            `| ${r.conferences} x ${r.size} | ${r.joined} of ${r.conferences * r.size} | ${r.received} (${r.expected}) | ${r.lost} | ${((100 * r.audible) / Math.max(1, r.received)).toFixed(1)}% | ${ms(r.tickP99Ms)} (${r.skipped}) | ${capped(r.spacingP99Ms)} | ${r.serverCpu.toFixed(2)} / ${r.benchCpu.toFixed(2)} | ${r.pass ? 'held' : 'not held'} |`,
        ),
      ].join('\n');
      const load = loadavg()
        .map((l) => l.toFixed(1))
        .join(', ');
      const summary = `Levels held with no mix frame lost and engine tick lateness p99 under 5 ms: **${
        confRows
          .filter((r) => r.pass)
          .map((r) => `${r.conferences}x${r.size}`)
          .join(', ') || 'none'
      }** (targets 100x5 and 1x250), on a machine with load average ${load}.`;
      console.log(summary);
      const args = process.argv.slice(2).join(' ');
      writeSection(
        `${SECTION}-conference`,
        `### Voice: conferences (<Dial><Conference>, the mixer in the media engine; ${workersText()}; nice ${getPriority()})\n\n\`npm run bench:voice${args ? ` -- ${args}` : ''}\` on ${machine()}.\nOne Switchboard process (SQLite, ${workersText()}). The benchmark's own SIP endpoint (Switchboard's SIP stack, in the benchmark process) calls a number whose TwiML is \`<Dial><Conference>\` (default attributes: beeps on, the first participant hears the hold music until the second one starts the conference); a level CxN is C conferences of N participants at once, set up at 50 calls a second. Once every participant is listed in the Participants API, each participant's UDP socket (two driver threads in the benchmark) sends a PCMU tone, its own frequency, every 20 ms (in four 5 ms phases) for ${CONFERENCE_HOLD} s and receives the mix Switchboard sends it. Mix frames expected: 50 a second per participant over the sending window; lost: sequence gaps plus frames missing from that count (one per participant either side of the window is not counted); "with sound": frames whose audio is not silence (the mix of the others' tones). Engine tick lateness: Switchboard's \`switchboard_media_tick_lateness_seconds\` histogram (a bucket bound; the mixers tick on the same clock as the sessions). Arrival spacing: |time between two consecutive mix frames - 20 ms| at the receiving socket, which includes the benchmark's own scheduling (it errs high). ${CONFERENCE_RUNS > 1 ? `Each level ran ${CONFERENCE_RUNS} times: medians (frames: totals).` : 'Each level ran once.'} Load average when this section was written: ${load}; the machine is shared, so a verdict here is not a claim that the target holds on a quiet machine.\n\n${summary}\n\n${table}`,
      );
    }

    const table1 = [
      '| step | SIPp result | RTP jitter p99 at the sink | tick lateness p99 | RTP lost at the sink | verdict |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
    const table2 = [
      '| concurrent calls | SIPp result | RTP jitter p99 at the sink (co-located, errs high) | RTP lost at the sink | send lateness p99 (tick end) | verdict |',
      '| --- | --- | --- | --- | --- | --- |',
      ...levelRows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
    const table3 = [
      '| held calls and churn | new calls (SIPp) | held calls: RTP jitter p99 at their sink | held calls: RTP lost | send lateness p99 (tick end) | verdict |',
      '| --- | --- | --- | --- | --- | --- |',
      ...churnRows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
    const workers =
      MEDIA_WORKERS === ''
        ? 'media engine threads: the default, the cores but one'
        : MEDIA_WORKERS === '0'
          ? 'media on the main thread (--media-workers 0)'
          : `--media-workers ${MEDIA_WORKERS}`;
    // Only the parts that ran: a churn-only run has no call-rate or concurrency verdict to give.
    const summary = [
      PARTS.has('rate') ? `Highest call rate held with zero failed calls: **${bestRate} calls/s** (target 200).` : '',
      PARTS.has('levels')
        ? `Most concurrent calls with media held with our RTP send lateness under 5 ms p99, no lost packet and no skipped tick: **${bestLevel}** (target 500).`
        : '',
      churnRows.length ? `Held calls' media while new calls are set up: **${churnHeld ? 'held' : 'not held'}**.` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const args = process.argv.slice(2).join(' ');
    if (PARTS.has('rate') || PARTS.has('levels') || PARTS.has('churn')) console.log(summary);
    if (PARTS.has('rate') || PARTS.has('levels') || PARTS.has('churn'))
      writeSection(
        SECTION,
        `### Voice: SIP call rate and concurrent media calls (${workers})\n\n\`npm run bench:voice${args ? ` -- ${args}` : ''}\` on ${machine()}.\nOne Switchboard process (SQLite, ${workers}; each engine thread runs its own media clock), SIPp as the caller, a UDP sink in the benchmark process receiving every call's RTP. Each call fetches TwiML over HTTP (\`<Say>\` a cached sentence, then \`<Pause>\`), is answered, and sends 50 RTP packets a second until SIPp hangs up. Jitter is RFC 3550's per-packet interarrival difference |D(i-1,i)| measured at the sink (which adds the sink's own scheduling noise, so it errs high); tick lateness is how late each 20 ms tick sent its *last* frame (Switchboard's \`switchboard_media_tick_lateness_seconds\` histogram, a bucket bound): it grows with the number of calls because one tick sends every call's frame in turn, while each call's own packets stay evenly spaced.\n\n${summary}${PARTS.has('rate') ? `\n\nCall rate (each step a fixed number of calls lasting 1 s):\n\n${table1}` : ''}${PARTS.has('levels') ? `\n\nConcurrent calls (ramped at up to 100 calls/s, then held ${HOLD_SECONDS} s; measured while all were up):\n\n${table2}` : ''}${churnRows.length ? `\n\nHeld calls while new ones are set up (held calls ramped at up to 100 calls/s; new calls last 1 s and send their RTP to a second sink):\n\n${table3}` : ''}`,
      );
  } finally {
    await server.stop();
    twiml.close();
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--nodes')) {
  // Several nodes behind Kamailio: its own script (bench/voice-cluster.ts), with its own temp folder.
  rmSync(dir, { recursive: true, force: true });
  await import('./voice-cluster.js');
} else {
  if ([...PARTS].some((p) => p !== 'streams')) await main();
  await (await import('./voice-streams.js')).benchStreams();
}
