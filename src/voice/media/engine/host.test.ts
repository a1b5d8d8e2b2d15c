// The engine's inside without threads or SIP: commands in, RTP frames out on a fake clock, received
// frames back as events (tapped audio, recordings, digits), and the once-a-second timing report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { MediaClock } from '../clock.js';
import { createRtpHeader, encodeRtp, parseRtp } from '../rtp.js';
import { encodePcm } from '../g711.js';
import { digitToEvent, writeEventPayload } from '../dtmf.js';
import { generateBeep, rms } from '../audio-utils.js';
import { EngineHost } from './host.js';
import type { FromEngine } from './protocol.js';

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`${what} timed out`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function setup(t: { after(fn: () => Promise<void>): void }) {
  let now = 0;
  const clock = new MediaClock({ now: () => now });
  const out: FromEngine[] = [];
  const drops = { source: 0, ssrc: 0 };
  const host = new EngineHost((m) => void out.push(m), drops, clock);
  const peer: Socket = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
  const packets: Buffer[] = [];
  peer.on('message', (m) => packets.push(Buffer.from(m)));
  host.handle({ t: 'open', id: 7, options: { host: '127.0.0.1', strict: { probation: 4 } } });
  await until(() => out.some((m) => m.t === 'opened'), 3000, 'open');
  const opened = out.find((m) => m.t === 'opened');
  assert.ok(opened && opened.t === 'opened');
  host.handle({ t: 'remote', id: 7, host: '127.0.0.1', port: peer.address().port, signalHost: null });
  t.after(async () => {
    await host.close();
    peer.close();
  });
  /** Advances the fake clock by whole 20 ms ticks. */
  const tick = (n: number): void => {
    for (let i = 0; i < n; i++) {
      now += 20;
      clock.run();
    }
  };
  /** A stall: the clock wakes up `n` ticks late at once. */
  const stall = (n: number): void => {
    now += 20 * n;
    clock.run();
  };
  return { host, out, drops, peer, packets, tick, stall, port: opened.port };
}

test('frames out: one RTP packet per tick, timestamps 160 apart, the played audio then silence', async (t) => {
  const s = await setup(t);
  const beep = generateBeep({ durationMs: 100 }); // 5 frames
  s.host.handle({ t: 'play', id: 7, req: 1, audio: beep, loop: 1, interrupt: false });
  s.tick(1);
  for (let i = 0; i < 7; i++) s.tick(1);
  await until(() => s.packets.length >= 8, 3000, 'packets');
  const h = createRtpHeader();
  const stamps: number[] = [];
  const levels: number[] = [];
  for (const p of s.packets) {
    assert.ok(parseRtp(p, p.length, h));
    assert.equal(h.payloadType, 0);
    assert.equal(h.payloadLength, 160);
    stamps.push(h.timestamp);
    levels.push(p.subarray(12).filter((b) => b !== 0xff && b !== 0x7f).length > 40 ? 1 : 0);
  }
  for (let i = 1; i < stamps.length; i++) assert.equal(((stamps[i] ?? 0) - (stamps[i - 1] ?? 0)) >>> 0, 160);
  assert.deepEqual(levels.slice(0, 5), [1, 1, 1, 1, 1]);
  assert.deepEqual(levels.slice(5), [0, 0, 0]);
  await until(() => s.out.some((m) => m.t === 'done' && m.req === 1), 3000, 'play done');
  assert.deepEqual(
    s.out.find((m) => m.t === 'done' && m.req === 1),
    { t: 'done', id: 7, req: 1, result: 'finished' },
  );
});

test('frames in: tapped audio comes back in 100 ms batches, a recording is handed over whole, digits are events', async (t) => {
  const s = await setup(t);
  s.host.handle({ t: 'tap', id: 7, on: true });
  s.host.handle({ t: 'record-start', id: 7, maxSeconds: 10, which: 'verb' });
  const payload = encodePcm('PCMU', generateBeep({ durationMs: 20 }));
  const send = (b: Buffer) => new Promise<void>((r) => s.peer.send(b, s.port, '127.0.0.1', () => r()));
  for (let i = 0; i < 10; i++) await send(encodeRtp({ payloadType: 0, sequence: 100 + i, timestamp: 1000 + 160 * i, ssrc: 42, payload }));
  await until(() => s.out.filter((m) => m.t === 'audio').length >= 2, 3000, 'tapped audio');
  const batches = s.out.filter((m): m is Extract<FromEngine, { t: 'audio' }> => m.t === 'audio');
  assert.deepEqual(
    batches.map((b) => b.pcm.length),
    [800, 800],
  );
  assert.ok(rms(batches[0]?.pcm ?? new Int16Array(0)) > 2000);
  const ev = Buffer.alloc(4);
  writeEventPayload(ev, 0, digitToEvent('5'), true, 10, 800);
  for (let i = 0; i < 3; i++) await send(encodeRtp({ payloadType: 101, sequence: 110 + i, timestamp: 2600, ssrc: 42, payload: ev }));
  await until(() => s.out.some((m) => m.t === 'digit'), 3000, 'digit');
  assert.equal(s.out.filter((m) => m.t === 'digit').length, 1);
  s.host.handle({ t: 'record-stop', id: 7, req: 2, which: 'verb' });
  await until(() => s.out.some((m) => m.t === 'recorded'), 3000, 'recording');
  const rec = s.out.find((m) => m.t === 'recorded');
  assert.ok(rec && rec.t === 'recorded' && rec.pcm);
  assert.equal(rec.pcm.length, 1600);
});

test('strict RTP still drops strangers, counted in the counters the engine was given', async (t) => {
  const s = await setup(t);
  const stranger = createSocket('udp4');
  await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', () => r()));
  const payload = new Uint8Array(160).fill(0xff);
  for (let i = 0; i < 3; i++)
    await new Promise<void>((r) =>
      stranger.send(encodeRtp({ payloadType: 0, sequence: i, timestamp: 160 * i, ssrc: 9, payload }), s.port, '127.0.0.1', () => r()),
    );
  await until(() => s.drops.source >= 3, 3000, 'drops');
  stranger.close();
});

test("timing: every 50 ticks one report with each tick's lateness; ticks skipped after a stall are counted", async (t) => {
  const s = await setup(t);
  s.tick(50);
  let report = s.out.find((m) => m.t === 'ticks');
  assert.ok(report && report.t === 'ticks');
  assert.equal(report.count, 50);
  assert.equal(report.sessions, 1);
  assert.equal(report.skipped, 0);
  s.out.length = 0;
  s.stall(80); // a 1.6 s stall: the clock runs at most 10 missed ticks and skips the rest
  s.tick(40);
  report = s.out.find((m) => m.t === 'ticks');
  assert.ok(report && report.t === 'ticks');
  assert.equal(report.skipped, 70);
});

test('commands for unknown or closed sessions are answered, not thrown', async (t) => {
  const s = await setup(t);
  s.host.handle({ t: 'close', id: 7, req: 3 });
  await until(() => s.out.some((m) => m.t === 'done' && m.req === 3), 3000, 'close');
  s.host.handle({ t: 'play', id: 7, req: 4, audio: new Int16Array(160), loop: 1, interrupt: false });
  s.host.handle({ t: 'digits', id: 7, req: 5, digits: '1', options: null });
  s.host.handle({ t: 'record-stop', id: 7, req: 6, which: 'verb' });
  assert.deepEqual(
    s.out.filter((m) => m.t === 'done' || m.t === 'recorded').map((m) => [m.t, 'req' in m ? m.req : 0]),
    [
      ['done', 3],
      ['done', 4],
      ['done', 5],
      ['recorded', 6],
    ],
  );
  assert.equal(s.host.size, 0);
});
