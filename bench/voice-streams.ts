// The streams step of `npm run bench:voice` (bench/voice.ts calls benchStreams; runs unless --parts is given
// without `streams`). Options: --stream-levels 50,100,300 --stream-hold 10 --stream-runs 3 --media-workers N --section voice
//
// N concurrent bidirectional Media Streams: SIPp places N calls to a number whose TwiML is
// <Connect><Stream> to a local `ws` echo app (every media message sent straight back, as the public echo
// samples do). The calls' SDP points at a UDP "caller" in this process that answers each RTP packet it gets
// from a call with one of its own, so each call carries 50 frames a second into the app and back. Each
// frame the caller sends is tagged (a counter in its payload, which the app and the server carry unchanged),
// so a frame is lost when its tag never comes back, and its round trip (caller -> server -> app -> server's
// paced playout -> caller) is measured. Send lateness is the server's media tick lateness histogram
// (/metrics, a bucket bound). Every step is bounded: the level list, the hold time, and timeouts.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { mediaMetrics, startVoiceServer } from './voice-server.js';
import { flag, machine, machineCpuSeconds, median, percentile, processCpuSeconds, writeSection } from './lib.js';

const LEVELS = flag('stream-levels', '50,100,300').split(',').map(Number);
const HOLD_SECONDS = Number(flag('stream-hold', '10'));
/** Runs per level; the table shows medians (the machine may be shared with other work). */
const RUNS = Math.max(1, Number(flag('stream-runs', '3')));
const MEDIA_WORKERS = flag('media-workers', '');
const SECTION = flag('section', 'voice') === 'voice' ? 'voice-streams' : `${flag('section', 'voice')}-streams`;
const SIPP = '/usr/bin/sipp';
/** Marks a tagged frame: 4 bytes, then the frame's counter (u32), then mu-law silence. */
const TAG = 0x53425447;

const sid = `AC${randomBytes(16).toString('hex')}`;
const token = randomBytes(16).toString('hex');
const auth = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;

/** Whether this step runs: by default yes; with --parts, only when it names `streams`. */
export function streamsWanted(): boolean {
  const parts = flag('parts', '');
  return parts === '' || parts.split(',').includes('streams');
}

/** The bucket bound holding fraction `p` of the ticks between two snapshots, in ms. */
function latenessBetween(a: Map<number, number>, b: Map<number, number>, p: number): number {
  const total = (b.get(Number.POSITIVE_INFINITY) ?? 0) - (a.get(Number.POSITIVE_INFINITY) ?? 0);
  for (const le of [...b.keys()].sort((x, y) => x - y)) if ((b.get(le) ?? 0) - (a.get(le) ?? 0) >= total * p) return le * 1000;
  return Number.POSITIVE_INFINITY;
}

interface Run {
  streams: number;
  ok: number;
  failed: number;
  lost: number;
  sent: number;
  rtpLost: number;
  packets: number;
  p50: number;
  p99: number;
  skipped: number;
  rtt50: number;
  rtt99: number;
  app50: number;
  app99: number;
  udpDrops: number;
  /** CPU during the hold: Switchboard's and this process's in % of one core, the machine's in % of all cores. */
  cpu: { server: number; harness: number; machine: number };
  load: number;
  held: boolean;
}

interface CallState {
  /** Our RTP toward the call. */
  seq: number;
  ts: number;
  ssrc: number;
  /** The call's RTP to us: first and last sequence numbers and packets seen while measuring. */
  first: number;
  last: number;
  count: number;
}

/** The callers' side: one UDP socket every call's SDP points at; it answers each packet with a tagged frame. */
async function callers() {
  const sock = createSocket({ type: 'udp4', recvBufferSize: 16 * 1024 * 1024, sendBufferSize: 16 * 1024 * 1024 });
  const calls = new Map<number, CallState>();
  /** Tag -> when it was sent (performance.now()), for frames sent while measuring. */
  const pending = new Map<number, number>();
  const rtts: number[] = [];
  /** Caller -> app: when the app got each measured frame, from its send. */
  const toApp: number[] = [];
  let nextTag = 1;
  let measuring = false;
  let answering = true;
  let sent = 0;
  sock.on('message', (msg, rinfo) => {
    if (msg.length < 12 + 8) return;
    let c = calls.get(rinfo.port);
    if (!c) {
      c = { seq: 0, ts: 0, ssrc: (Math.random() * 0xffffffff) >>> 0, first: -1, last: -1, count: 0 };
      calls.set(rinfo.port, c);
    }
    const seq = msg.readUInt16BE(2);
    if (measuring) {
      if (c.first < 0) c.first = c.last = seq;
      else if (((seq - c.last) & 0xffff) < 0x8000) c.last = seq;
      c.count++;
    }
    if (msg.readUInt32BE(12) === TAG) {
      const at = pending.get(msg.readUInt32BE(16));
      if (at !== undefined) {
        rtts.push(performance.now() - at);
        pending.delete(msg.readUInt32BE(16));
      }
    }
    if (!answering) return;
    const out = Buffer.alloc(12 + 160, 0xff);
    out[0] = 0x80;
    out[1] = 0;
    out.writeUInt16BE(c.seq, 2);
    out.writeUInt32BE(c.ts >>> 0, 4);
    out.writeUInt32BE(c.ssrc, 8);
    c.seq = (c.seq + 1) & 0xffff;
    c.ts += 160;
    const tag = nextTag++;
    out.writeUInt32BE(TAG, 12);
    out.writeUInt32BE(tag, 16);
    if (measuring) {
      pending.set(tag, performance.now());
      sent++;
    }
    sock.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return {
    port: sock.address().port,
    measure(on: boolean) {
      if (on) {
        for (const c of calls.values()) c.first = c.last = -1;
        for (const c of calls.values()) c.count = 0;
        pending.clear();
        rtts.length = 0;
        toApp.length = 0;
        sent = 0;
        answering = true;
      }
      measuring = on;
    },
    /** The app got a frame whose payload starts with `head` (its first bytes). */
    heard(head: Buffer) {
      if (!measuring || head.length < 8 || head.readUInt32BE(0) !== TAG) return;
      const at = pending.get(head.readUInt32BE(4));
      if (at !== undefined) toApp.push(performance.now() - at);
    },
    /** Stops answering (new frames) so the frames in flight can come back. */
    quiet() {
      answering = false;
    },
    report() {
      let rtpLost = 0;
      let packets = 0;
      for (const c of calls.values()) {
        if (c.first < 0) continue;
        packets += c.count;
        rtpLost += Math.max(0, ((c.last - c.first) & 0xffff) + 1 - c.count);
      }
      return {
        sent,
        lost: pending.size,
        rtpLost,
        packets,
        rttP50: percentile(rtts, 50),
        rttP99: percentile(rtts, 99),
        appP50: percentile(toApp, 50),
        appP99: percentile(toApp, 99),
      };
    },
    reset() {
      calls.clear();
      pending.clear();
      answering = true;
      measuring = false;
    },
    close: () => sock.close(),
  };
}

/** The echo app, written as the public samples are: parse each message, send media straight back. */
async function echoApp(heard: (head: Buffer) => void) {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  let open = 0;
  let started = 0;
  wss.on('connection', (ws) => {
    open++;
    let streamSid = '';
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { event: string; streamSid?: string; media?: { payload: string } };
      if (msg.event === 'start') {
        streamSid = msg.streamSid ?? '';
        started++;
      } else if (msg.event === 'media' && msg.media) {
        heard(Buffer.from(msg.media.payload.slice(0, 12), 'base64'));
        ws.send(JSON.stringify({ event: 'media', streamSid, media: { payload: msg.media.payload } }));
      }
    });
    ws.on('close', () => void open--);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/echo`,
    open: () => open,
    started: () => started,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
      await new Promise((r) => http.close(r));
    },
  };
}

function runSipp(dir: string, args: string[], timeoutMs: number): Promise<{ ok: number; failed: number }> {
  const stats = join(dir, `stats-${Date.now()}.csv`);
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
        const head = (lines[0] ?? '').split(';');
        const last = (lines[lines.length - 1] ?? '').split(';');
        resolve({ ok: Number(last[head.indexOf('SuccessfulCall(C)')]), failed: Number(last[head.indexOf('FailedCall(C)')]) });
      } catch {
        resolve({ ok: 0, failed: -1 });
      }
    });
  });
}

/** The kernel's count of UDP datagrams dropped for a full receive buffer (whole machine): harness drops show here. */
function udpRcvbufErrors(): number {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    const head = (lines[0] ?? '').split(/\s+/);
    const values = (lines[1] ?? '').split(/\s+/);
    return Number(values[head.indexOf('RcvbufErrors')] ?? 0);
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (v: number): string => (Number.isFinite(v) ? `${v} ms` : '> 100 ms');

export async function benchStreams(): Promise<void> {
  if (!streamsWanted()) return;
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-streams-'));
  const rx = await callers();
  const app = await echoApp((head) => rx.heard(head));
  const twiml = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end(`<Response><Connect><Stream url="${app.url}"/></Connect></Response>`));
  });
  twiml.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => twiml.listen(0, '127.0.0.1', r));
  const sipPort = 20000 + Math.floor(Math.random() * 20000);
  const server = await startVoiceServer({ dir, sipPort, sid, token, mediaWorkers: MEDIA_WORKERS });
  const rows: string[][] = [];
  let best = 0;
  let prev = 0;
  try {
    const res = await fetch(`${server.url}/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ AreaCode: '415', VoiceUrl: `http://127.0.0.1:${(twiml.address() as AddressInfo).port}/voice` }),
    });
    const number = String(((await res.json()) as { phone_number: string }).phone_number);
    // SIPp's built-in uac scenario with its SDP pointing at our callers' socket.
    const xml = spawnSync(SIPP, ['-sd', 'uac'], { encoding: 'utf8' })
      .stdout.replace('c=IN IP[media_ip_type] [media_ip]', 'c=IN IP4 127.0.0.1')
      .replace('m=audio [media_port]', `m=audio ${rx.port}`);
    const uac = join(dir, 'uac-streams.xml');
    writeFileSync(uac, xml);
    const target = `127.0.0.1:${sipPort}`;
    /** One run at `level` streams. */
    const once = async (level: number): Promise<Run> => {
      const idleBy = Date.now() + 60_000;
      while (Date.now() < idleBy && ((await mediaMetrics(server.url)).active > 0 || app.open() > 0)) await sleep(500);
      rx.reset();
      const rampRate = Math.min(50, level);
      const ramp = Math.ceil(level / rampRate);
      const sipp = runSipp(
        dir,
        ['-sf', uac, target, '-s', number, '-r', String(rampRate), '-m', String(level), '-d', String((ramp + HOLD_SECONDS + 8) * 1000), '-l', String(level)],
        (ramp + HOLD_SECONDS + 60) * 1000,
      );
      const startedBefore = app.started();
      const upBy = Date.now() + (ramp + 20) * 1000;
      while (Date.now() < upBy && ((await mediaMetrics(server.url)).active < level || app.started() - startedBefore < level)) await sleep(250);
      await sleep(1000);
      const streams = app.open();
      const load = loadavg()[0] ?? 0;
      rx.measure(true);
      const dropsBefore = udpRcvbufErrors();
      const before = await mediaMetrics(server.url);
      const cpu0 = { server: processCpuSeconds(server.child.pid ?? 0), harness: process.cpuUsage(), machine: machineCpuSeconds(), at: performance.now() };
      await sleep(HOLD_SECONDS * 1000);
      const wall = (performance.now() - cpu0.at) / 1000;
      const harnessUsed = process.cpuUsage(cpu0.harness);
      const machineNow = machineCpuSeconds();
      const cpu = {
        server: (100 * (processCpuSeconds(server.child.pid ?? 0) - cpu0.server)) / wall,
        harness: (100 * (harnessUsed.user + harnessUsed.system)) / 1e6 / wall,
        machine: (100 * (machineNow.busy - cpu0.machine.busy)) / (machineNow.total - cpu0.machine.total),
      };
      const after = await mediaMetrics(server.url);
      rx.quiet();
      await sleep(1500); // the frames in flight come back
      rx.measure(false);
      const udpDrops = udpRcvbufErrors() - dropsBefore;
      const r = rx.report();
      const call = await sipp;
      const p99 = latenessBetween(before.buckets, after.buckets, 0.99);
      const skipped = after.skipped - before.skipped;
      const run: Run = {
        streams,
        ok: call.ok,
        failed: call.failed,
        lost: r.lost,
        sent: r.sent,
        rtpLost: r.rtpLost,
        packets: r.packets,
        p50: latenessBetween(before.buckets, after.buckets, 0.5),
        p99,
        skipped,
        rtt50: r.rttP50,
        rtt99: r.rttP99,
        app50: r.appP50,
        app99: r.appP99,
        udpDrops,
        cpu,
        load,
        held: streams >= level && call.failed === 0 && r.lost === 0 && r.rtpLost === 0 && p99 <= 5 && skipped === 0,
      };
      console.log(`${level} streams, run: ${JSON.stringify(run)}`);
      return run;
    };
    for (const level of LEVELS) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await once(level));
      const med = (f: (r: Run) => number): number => median(runs.map(f));
      const heldRuns = runs.filter((r) => r.held).length;
      rows.push([
        `${level}`,
        `${med((r) => r.streams)} streams, ${med((r) => r.ok)} calls ok, ${med((r) => r.failed)} failed`,
        `${med((r) => r.lost)} of ${med((r) => r.sent)}`,
        `${med((r) => r.rtpLost)} of ${med((r) => r.packets)} (${med((r) => r.udpDrops)} dropped by full receive buffers)`,
        `${fmt(med((r) => r.p50))} / ${fmt(med((r) => r.p99))} (${med((r) => r.skipped)} ticks skipped)`,
        `${med((r) => r.app50).toFixed(1)} / ${med((r) => r.app99).toFixed(1)} ms`,
        `${med((r) => r.rtt50).toFixed(1)} / ${med((r) => r.rtt99).toFixed(1)} ms`,
        `${med((r) => r.cpu.server).toFixed(0)}% / ${med((r) => r.cpu.harness).toFixed(0)}% / ${med((r) => r.cpu.machine).toFixed(0)}%`,
        runs.map((r) => r.load.toFixed(1)).join(', '),
        `${heldRuns} of ${runs.length}`,
      ]);
      console.log(rows[rows.length - 1]?.join(' | '));
      if (heldRuns * 2 > runs.length && best === prev) best = level;
      prev = level;
    }
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    twiml.close();
    rx.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const workers = MEDIA_WORKERS === '' ? 'media engine threads: the default, the cores but one' : `--media-workers ${MEDIA_WORKERS}`;
  const table = [
    '| streams | result | frames lost, caller -> app -> caller | RTP lost toward the caller (of which UDP receive-buffer drops, whole machine) | send lateness p50 / p99 (tick end) | caller -> app p50 / p99 | round trip p50 / p99 | CPU in the hold: Switchboard / harness (of one core) / machine (of all) | load average (1 min) as each run starts | runs held |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  const summary = `Most concurrent bidirectional streams held (in most of ${RUNS} runs, and every smaller level too) with no lost frame and send lateness under 5 ms p99: **${best}** (target 300). Figures are medians of ${RUNS} runs per level.`;
  console.log(summary);
  const args = process.argv.slice(2).join(' ');
  writeSection(
    SECTION,
    `### Voice: concurrent bidirectional Media Streams (${workers})\n\n\`npm run bench:voice${args ? ` -- ${args}` : ''}\` on ${machine()}.\nOne Switchboard process (SQLite, ${workers}), SIPp placing the calls (ramped at up to 50 calls/s, then held ${HOLD_SECONDS} s), and in the benchmark process a local \`ws\` echo app and a UDP "caller" that answers every RTP packet of a call with a tagged frame of its own: each frame goes caller -> Switchboard -> app (a \`media\` message) -> Switchboard (queued, paced by the media clock) -> caller. A frame is lost when its tag does not come back within 1.5 s of the end of the hold. Caller -> app is how long a frame takes from the caller's socket to the app's \`media\` message (what an agent's hearing waits for). The round trip adds the playout queue: the app's echo is paced at 20 ms a frame, and each time an echo arrives after its frame's slot, silence goes out instead and the queue keeps one more frame for good (an echo sends exactly what it receives, so it never drains): the round trip shows the loop's history of late echoes more than Switchboard's delay. Send lateness is Switchboard's \`switchboard_media_tick_lateness_seconds\` histogram (a bucket bound). The harness (SIPp, the caller and the echo app) runs on the same cores as Switchboard: the CPU column shows each one's share during the hold, and the machine's (which includes any other work on it). The load average is the whole machine's: it may be shared with other work, so figures vary between runs.\n\n${summary}\n\n${table}`,
  );
}
