// The media engine with real worker threads and no SIP: two calls' media on engine threads talk to each
// other over RTP, placement spreads calls, drop counters reach this thread through shared memory, and a
// thread that dies ends only its own calls and is replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { generateBeep, rms } from '../audio-utils.js';
import { encodeRtp } from '../rtp.js';
import { MediaEngine } from './pool.js';
import type { ThreadPriorityReport } from './thread-priority.js';
import type { RemoteRtpSession } from './remote-session.js';

const STRICT = { host: '127.0.0.1', strict: { probation: 4 } } as const;

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`${what} timed out`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function connected(engine: MediaEngine): Promise<[RemoteRtpSession, RemoteRtpSession]> {
  const a = await engine.open(STRICT);
  const b = await engine.open(STRICT);
  a.setRemote('127.0.0.1', b.port);
  b.setRemote('127.0.0.1', a.port);
  return [a, b];
}

test('audio played on one engine session is heard, tapped and recorded by another; digits cross too', async (t) => {
  const engine = new MediaEngine(2);
  t.after(() => engine.close());
  const [a, b] = await connected(engine);
  assert.deepEqual(engine.load().sort(), [1, 1]); // two calls, two threads
  const frames: number[] = [];
  let loud = 0;
  b.onAudio = (frame, n) => {
    frames.push(n);
    if (rms(frame.subarray(0, n)) > 2000) loud++;
  };
  b.startRecording(10);
  assert.equal(await a.play(generateBeep({ durationMs: 400 })), 'finished');
  await until(() => loud >= 15, 5000, 'tapped audio');
  const rec = await b.takeRecording();
  assert.ok(rec && rec.length >= 3200, `recorded ${rec?.length}`);
  assert.ok(rms(rec) > 1000);
  assert.ok(frames.every((n) => n === 160));
  const digits: string[] = [];
  b.on('digit', (d) => digits.push(d));
  await a.sendDigits('19#');
  await until(() => digits.length === 3, 5000, 'digits');
  assert.deepEqual(digits, ['1', '9', '#']);
  await Promise.all([a.close(), b.close()]);
  assert.deepEqual(engine.load(), [0, 0]);
});

test('a prompt interrupted by a digit, and playback stopped from this thread', async (t) => {
  const engine = new MediaEngine(1);
  t.after(() => engine.close());
  const [a, b] = await connected(engine);
  const long = generateBeep({ durationMs: 5000 });
  const interrupted = b.play(long, { interruptOnDigit: true });
  await new Promise((r) => setTimeout(r, 100));
  await a.sendDigits('5');
  assert.equal(await interrupted, 'interrupted');
  const stopped = a.play(long, { loop: 0 });
  a.stopPlayback();
  assert.equal(await stopped, 'stopped');
});

test('strict-RTP drops on engine threads reach this thread through shared memory', async (t) => {
  const engine = new MediaEngine(1);
  t.after(() => engine.close());
  const s = await engine.open(STRICT);
  s.setRemote('127.0.0.2', 9); // another IP than the stranger's: nothing it sends is ever learned
  const stranger = createSocket('udp4');
  await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', () => r()));
  t.after(() => stranger.close());
  const payload = new Uint8Array(160).fill(0xff);
  for (let i = 0; i < 5; i++)
    await new Promise<void>((r) =>
      stranger.send(encodeRtp({ payloadType: 0, sequence: i, timestamp: 160 * i, ssrc: 3, payload }), s.port, '127.0.0.1', () => r()),
    );
  await until(() => engine.drops.source >= 5, 5000, 'drop counters');
});

test('a thread that dies fails only its own calls; the next call gets a new thread', async (t) => {
  const crashes: number[] = [];
  const engine = new MediaEngine(2, { onCrash: (_e, calls) => crashes.push(calls) });
  t.after(() => engine.close());
  const [a, b] = await connected(engine);
  const failed: string[] = [];
  a.on('failed', () => failed.push('a'));
  b.on('failed', () => failed.push('b'));
  const pending = a.play(generateBeep({ durationMs: 5000 }));
  engine.crashThreadOf(a);
  assert.equal(await pending, 'stopped');
  await until(() => crashes.length === 1, 5000, 'crash');
  assert.deepEqual(failed, ['a']);
  assert.deepEqual(crashes, [1]);
  assert.equal(engine.crashes, 1);
  // b keeps working on its thread, and a new call is placed on a fresh one.
  const c = await engine.open(STRICT);
  c.setRemote('127.0.0.1', b.port);
  b.setRemote('127.0.0.1', c.port);
  b.startRecording(5);
  assert.equal(await c.play(generateBeep({ durationMs: 200 })), 'finished');
  await new Promise((r) => setTimeout(r, 200));
  const rec = await b.takeRecording();
  assert.ok(rec && rms(rec) > 1000);
  assert.deepEqual(engine.load().sort(), [1, 1]);
  assert.equal(await a.play(generateBeep()), 'stopped'); // a failed session answers at once
});

test('engine threads run the asked number of nice steps above the process (root), or say why not', async (t) => {
  let report: ThreadPriorityReport | null = null;
  const engine = new MediaEngine(1, { onPriority: (r) => (report = r) }, { priorityBoost: 5 });
  t.after(() => engine.close());
  await engine.open(STRICT);
  await until(() => report !== null, 5000, 'priority report');
  const got = report as unknown as ThreadPriorityReport;
  if (process.platform !== 'linux') return assert.equal(got.nice, null);
  // Only this thread's value moved: the process (the main thread) keeps its own.
  const own = getPriority();
  if (process.getuid?.() === 0) assert.deepEqual(got, { realtime: null, nice: Math.max(-20, own - 5), error: null });
  else assert.match(String(got.error), /EACCES|EPERM|permission/i);
  assert.equal(getPriority(), own);
});

test('engine threads take the asked real-time priority (root) and only they do, or fall back to nice steps and say why', async (t) => {
  let report: ThreadPriorityReport | null = null;
  const engine = new MediaEngine(1, { onPriority: (r) => (report = r) }, { priorityBoost: 3, realtime: 7 });
  t.after(() => engine.close());
  await engine.open(STRICT);
  await until(() => report !== null, 5000, 'priority report');
  const got = report as unknown as ThreadPriorityReport;
  if (process.platform !== 'linux') return assert.equal(got.realtime, null);
  const policyOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[41 - 3]);
  if (got.realtime === 7) {
    assert.equal(got.error, null);
    // The kernel agrees: one thread of this process runs SCHED_RR (2), and it is not the main thread.
    const policies = readdirSync('/proc/self/task').map((tid) => policyOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
    assert.equal(policies.filter((p) => p === 2).length, 1);
    assert.equal(policyOf(readFileSync('/proc/thread-self/stat', 'utf8')), 0);
  } else {
    // Refused (no root or CAP_SYS_NICE, or a container without real-time time): said, and nice steps instead.
    assert.equal(got.realtime, null);
    assert.match(String(got.error), /real-time priority refused/);
  }
});
