import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { RtpSession } from './session.js';
import { generateBeep, rms } from './audio-utils.js';

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`${what} timed out`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  for (let i = 0; i < 10000 && !fn(); i++) {
    if (Date.now() > end) throw new Error(`${what} timed out`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function pair(t: { after(fn: () => Promise<void>): void }) {
  const a = await RtpSession.open({ host: '127.0.0.1', codec: 'PCMU' });
  const b = await RtpSession.open({ host: '127.0.0.1', codec: 'PCMA' });
  t.after(async () => {
    await a.close();
    await b.close();
  });
  return { a, b };
}

test('audio played on one session is received and recorded by the other', async (t) => {
  const { a, b } = await pair(t);
  a.setRemote('127.0.0.1', b.port);
  b.setRemote('127.0.0.1', a.port);
  b.startRecording();
  const frames: number[] = [];
  b.onAudio = (_frame, n) => frames.push(n);
  assert.equal(await within(a.play(generateBeep({ durationMs: 400 })), 5000, 'playback'), 'finished');
  await until(() => b.recordingMs >= 400, 3000, 'recording');
  const rec = b.stopRecording();
  assert.ok(rec);
  assert.ok(rms(rec) > 2000, `rms ${rms(rec)}`);
  assert.ok(frames.every((n) => n === 160));
  assert.ok(a.stats.packetsSent >= 20 && b.stats.packetsReceived >= 20);
});

test('silence frames flow when nothing plays', async (t) => {
  const { a, b } = await pair(t);
  a.setRemote('127.0.0.1', b.port);
  b.setRemote('127.0.0.1', a.port); // strict RTP: a session takes packets only once it knows its peer
  b.startRecording();
  await until(() => b.stats.packetsReceived >= 5, 3000, 'silence packets');
  const rec = b.stopRecording();
  assert.ok(rec && rec.length >= 800 && rms(rec) === 0);
});

test('symmetric RTP: a session with a wrong remote latches onto where packets come from', async (t) => {
  const { a, b } = await pair(t);
  const black = createSocket('udp4');
  await new Promise<void>((r) => black.bind(0, '127.0.0.1', () => r()));
  t.after(async () => void black.close());
  let sunk = 0;
  black.on('message', () => sunk++);
  b.setRemote('127.0.0.1', black.address().port); // what a NATed SDP might say
  a.setRemote('127.0.0.1', b.port);
  const latched = new Promise((resolve) => b.on('latched', resolve));
  assert.deepEqual(await within(latched, 3000, 'latch'), { host: '127.0.0.1', port: a.port });
  a.startRecording();
  await b.play(generateBeep({ durationMs: 200 }));
  await until(() => a.recordingMs >= 200, 3000, 'audio back at a');
  assert.ok(rms(a.stopRecording() ?? new Int16Array(0)) > 1000);
  const before = sunk;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(sunk, before, 'nothing goes to the old address any more');
});

test('RFC 4733 digits cross, and a digit interrupts interruptible playback', async (t) => {
  const { a, b } = await pair(t);
  a.setRemote('127.0.0.1', b.port);
  b.setRemote('127.0.0.1', a.port);
  const digits: string[] = [];
  b.on('digit', (d, ms) => digits.push(`${d}:${ms}`));
  const prompt = b.play(generateBeep({ durationMs: 5000 }), { interruptOnDigit: true });
  await within(a.sendDigits('5#', { durationMs: 100, gapMs: 60 }), 5000, 'sendDigits');
  await until(() => digits.length === 2, 3000, 'digits');
  assert.deepEqual(digits, ['5:100', '#:100']);
  assert.equal(await prompt, 'interrupted');
  assert.equal(b.playing, false);
});

test('closing stops playback and ignores later calls', async () => {
  const s = await RtpSession.open({ host: '127.0.0.1' });
  const p = s.play(generateBeep({ durationMs: 2000 }));
  await s.close();
  assert.equal(await p, 'stopped');
  assert.equal(await s.play(generateBeep()), 'stopped');
  await s.sendDigits('1');
  await s.close();
});

test('a port range yields an even port inside it', async () => {
  const s = await RtpSession.open({ host: '127.0.0.1', portRange: { min: 41000, max: 41998 } });
  try {
    assert.ok(s.port >= 41000 && s.port <= 41998 && s.port % 2 === 0, String(s.port));
  } finally {
    await s.close();
  }
});
