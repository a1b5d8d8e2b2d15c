// The jitter buffer alone: packets in (any order, any ptime), 20 ms frames out, on a clock the test drives
// (one pull() or tick() per 20 ms tick), without sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRtp } from './rtp.js';
import { ALAW_TO_LINEAR, ULAW_TO_LINEAR } from './g711.js';
import { ACCEPTED, AUDIO, CONCEALED, DUPLICATE, IGNORED, JitterBuffer, LATE, MISSING, NONE } from './jitter-buffer.js';
import type { FrameSource, FrameStatus } from './jitter-buffer.js';

const TS0 = 1000;

/** A packet of frame `i` (timestamp TS0 + 160 i): every byte is `byteOf(i)`, so the frame is recognisable. */
function frame(i: number, o: { samples?: number; at?: number; pt?: number; ssrc?: number; ts0?: number; byte?: number } = {}): Buffer {
  const samples = o.samples ?? 160;
  return encodeRtp({
    payloadType: o.pt ?? 0,
    sequence: (100 + i) & 0xffff,
    timestamp: ((o.ts0 ?? TS0) + 160 * i + (o.at ?? 0)) >>> 0,
    ssrc: o.ssrc ?? 7,
    payload: new Uint8Array(samples).fill(o.byte ?? byteOf(i)),
  });
}

/** Loud, distinct mu-law bytes (0x00-0x3f are the loudest negative codes). */
function byteOf(i: number): number {
  return 0x10 + (i % 32);
}

/** Which frame a pulled PCM frame is (by its first sample), or null. */
function which(pcm: Int16Array | null): number | null {
  if (pcm === null) return null;
  for (let i = 0; i < 32; i++) if (pcm[0] === ULAW_TO_LINEAR[0x10 + i]) return i;
  return -1;
}

/** take() until NONE: the statuses and frames (by first byte) that came out. */
function drain(jb: JitterBuffer): Array<[FrameStatus, number]> {
  const out: Array<[FrameStatus, number]> = [];
  for (let s = jb.take(); s !== NONE; s = jb.take()) out.push([s, s === AUDIO ? (jb.data[jb.offset] ?? -1) - 0x10 : -1]);
  return out;
}

test('paced: an in-order stream plays after the initial depth, one frame per pull, in order', () => {
  const jb = new JitterBuffer({ depth: 2, adaptive: false });
  const out: Array<number | null> = [];
  for (let i = 0; i < 6; i++) {
    jb.push(frame(i));
    out.push(which(jb.pull()));
  }
  assert.deepEqual(out, [null, null, 0, 1, 2, 3]);
  assert.equal(jb.buffered, 2);
  assert.equal(jb.timestamp, TS0 + 3 * 160);
  assert.deepEqual({ ...jb.stats }, { received: 6, late: 0, duplicates: 0, concealed: 0, missing: 0, resyncs: 0, inserted: 0, dropped: 0 });
});

test('paced: reordered packets come out in timestamp order', () => {
  const jb = new JitterBuffer({ depth: 2, adaptive: false });
  const out: Array<number | null> = [];
  const order = [0, 2, 1, 3, 5, 4, 6, 7];
  for (const i of order) {
    jb.push(frame(i));
    out.push(which(jb.pull()));
  }
  assert.deepEqual(out, [null, null, 0, 1, 2, 3, 4, 5]);
  assert.equal(jb.stats.late, 0);
});

test('paced: a lost frame is concealed from the last one at falling gain, then reported missing (a gap)', () => {
  const jb = new JitterBuffer({ depth: 1, adaptive: false, concealFrames: 3 });
  jb.push(frame(0));
  jb.push(frame(7));
  const statuses: FrameStatus[] = [];
  const firsts: number[] = [];
  for (let t = 0; t < 9; t++) {
    const pcm = jb.pull();
    statuses.push(jb.status);
    firsts.push(pcm ? (pcm[0] ?? 0) : 0);
  }
  // t0: initial depth; t1: frame 0; t2-t4: 1-3 concealed; t5-t7: 4-6 missing; t8: frame 7.
  assert.deepEqual(statuses, [MISSING, AUDIO, CONCEALED, CONCEALED, CONCEALED, MISSING, MISSING, MISSING, AUDIO]);
  const v = ULAW_TO_LINEAR[byteOf(0)] ?? 0;
  assert.deepEqual(firsts.slice(1, 5), [v, Math.round(v * 0.75), Math.round(v * 0.5), Math.round(v * 0.25)]);
  assert.equal(firsts[8], ULAW_TO_LINEAR[byteOf(7)]);
  assert.equal(jb.stats.concealed, 3);
  assert.equal(jb.stats.missing, 3, 'the initial depth is not counted as a loss');
});

test('late packets are dropped and counted; the adaptive depth grows by a frame', () => {
  const jb = new JitterBuffer({ depth: 1 });
  jb.push(frame(0));
  assert.equal(which(jb.pull()), null);
  assert.equal(which(jb.pull()), 0);
  jb.pull(); // frame 1 is not there: concealed
  assert.equal(jb.push(frame(1)), LATE);
  assert.equal(jb.stats.late, 1);
  assert.equal(jb.depth, 2);
  jb.push(frame(2));
  jb.push(frame(3));
  // Growing holds the playout point one tick (an inserted frame), then frame 2 follows.
  jb.pull();
  assert.equal(jb.stats.inserted, 1);
  assert.equal(which(jb.pull()), 2);
  assert.equal(which(jb.pull()), 3);
});

test('a fixed depth stays put; late packets are still dropped', () => {
  const jb = new JitterBuffer({ depth: 1, adaptive: false });
  jb.push(frame(0));
  jb.pull();
  jb.pull();
  jb.pull();
  assert.equal(jb.push(frame(1)), LATE);
  assert.equal(jb.depth, 1);
  assert.equal(jb.stats.inserted, 0);
});

test('adaptive: after a window without late packets the depth shrinks, dropping a quiet frame each time', () => {
  const jb = new JitterBuffer({ depth: 4, minDepth: 1, adaptWindow: 50 });
  let played = 0;
  for (let i = 0; i < 400; i++) {
    jb.push(frame(i, { byte: 0xff })); // silence: safe to drop
    if (jb.pull() !== null) played++;
  }
  assert.equal(jb.depth, 1);
  assert.equal(jb.stats.dropped, 3);
  assert.equal(jb.stats.late, 0);
  assert.equal(jb.buffered, 1, 'the buffer now holds one frame');
  assert.ok(played >= 390);
});

test('paced: a sender whose clock runs fast does not pile audio up', () => {
  // 21 frames every 20 ticks: 5% fast.
  const jb = new JitterBuffer({ depth: 2, adaptive: false, adaptWindow: 50 });
  let sent = 0;
  for (let t = 0; t < 2000; t++) {
    jb.push(frame(sent++, { byte: 0xff }));
    if (t % 20 === 0) jb.push(frame(sent++, { byte: 0xff }));
    jb.pull();
  }
  assert.ok(jb.buffered <= 4, `buffered ${jb.buffered}`);
  assert.ok(jb.stats.dropped > 0);
});

test('asap: in-order frames go out at once, without waiting for a tick', () => {
  const jb = new JitterBuffer({ playout: 'asap' });
  const out: Array<[FrameStatus, number]> = [];
  for (let i = 0; i < 4; i++) {
    jb.push(frame(i));
    out.push(...drain(jb));
  }
  assert.deepEqual(out, [
    [AUDIO, 0],
    [AUDIO, 1],
    [AUDIO, 2],
    [AUDIO, 3],
  ]);
  assert.equal(jb.timestamp, TS0 + 3 * 160);
});

test('asap: a reordered packet is waited for, then everything behind it follows in order', () => {
  const jb = new JitterBuffer({ playout: 'asap', depth: 1 });
  jb.push(frame(0));
  assert.deepEqual(drain(jb), [[AUDIO, 0]]);
  jb.push(frame(2));
  jb.push(frame(3));
  assert.deepEqual(drain(jb), [], 'frame 1 is waited for');
  jb.tick();
  assert.deepEqual(drain(jb), [], 'still within the depth');
  jb.push(frame(1));
  assert.deepEqual(drain(jb), [
    [AUDIO, 1],
    [AUDIO, 2],
    [AUDIO, 3],
  ]);
  assert.equal(jb.stats.late, 0);
});

test('asap: a lost packet is given up after the depth, concealed, and a late arrival is dropped', () => {
  const jb = new JitterBuffer({ playout: 'asap', depth: 1 });
  jb.push(frame(0));
  drain(jb);
  jb.push(frame(2));
  jb.tick();
  assert.deepEqual(drain(jb), []);
  jb.tick();
  assert.deepEqual(drain(jb), [
    [CONCEALED, -1],
    [AUDIO, 2],
  ]);
  assert.equal(jb.push(frame(1)), LATE);
  assert.equal(jb.stats.concealed, 1);
});

test('asap: a paused stream (nothing later arrived) is not concealed, however long the pause', () => {
  const jb = new JitterBuffer({ playout: 'asap' });
  jb.push(frame(0));
  drain(jb);
  for (let t = 0; t < 100; t++) jb.tick();
  assert.deepEqual(drain(jb), []);
  jb.push(frame(1));
  assert.deepEqual(drain(jb), [[AUDIO, 1]]);
});

test('packets of 10 ms and 30 ms are assembled into 20 ms frames', () => {
  const ten = new JitterBuffer({ playout: 'asap' });
  const out10: Array<[FrameStatus, number]> = [];
  for (let k = 0; k < 8; k++) {
    ten.push(frame(0, { samples: 80, at: 80 * k, byte: byteOf(Math.floor(k / 2)) }));
    out10.push(...drain(ten));
  }
  assert.deepEqual(out10, [
    [AUDIO, 0],
    [AUDIO, 1],
    [AUDIO, 2],
    [AUDIO, 3],
  ]);
  const thirty = new JitterBuffer({ depth: 1, adaptive: false });
  const firsts: Array<number | null> = [];
  for (let k = 0; k < 4; k++) {
    thirty.push(frame(0, { samples: 240, at: 240 * k, byte: byteOf(k) }));
    // Three 30 ms packets make four and a half frames; pull at the pace they arrive (1.5 frames each).
    firsts.push(which(thirty.pull()));
    if (k % 2 === 1) firsts.push(which(thirty.pull()));
  }
  // Frame 1 is half packet 0, half packet 1: its first sample is packet 0's.
  assert.deepEqual(firsts, [null, 0, 0, 1, 2, 2]);
});

test('a partly received frame goes out with silence where its packet is missing', () => {
  const jb = new JitterBuffer({ playout: 'asap', depth: 1 });
  jb.push(frame(0, { samples: 80, at: 0 }));
  jb.push(frame(1)); // the second half of frame 0 never comes
  assert.deepEqual(drain(jb), []);
  jb.tick();
  jb.tick();
  const s = jb.take();
  assert.equal(s, AUDIO);
  assert.equal(jb.pcm[0], ULAW_TO_LINEAR[byteOf(0)]);
  assert.equal(jb.pcm[159], 0);
  assert.equal(jb.take(), AUDIO);
});

test('duplicates are ignored; telephone-events and malformed packets are not for the buffer', () => {
  const jb = new JitterBuffer({ playout: 'asap' });
  assert.equal(jb.push(frame(0)), ACCEPTED);
  assert.equal(jb.push(frame(1)), ACCEPTED);
  assert.equal(jb.push(frame(1)), DUPLICATE);
  assert.equal(jb.push(frame(2, { pt: 101 })), IGNORED);
  assert.equal(jb.push(Buffer.from([1, 2, 3])), IGNORED);
  assert.equal(jb.stats.duplicates, 1);
  assert.equal(drain(jb).length, 2);
});

test('PCMA frames decode as A-law', () => {
  const jb = new JitterBuffer({ playout: 'asap' });
  jb.push(frame(0, { pt: 8, byte: 0x2a }));
  assert.equal(jb.take(), AUDIO);
  assert.equal(jb.law, 'PCMA');
  assert.equal(jb.pcm[0], ALAW_TO_LINEAR[0x2a]);
});

test('timestamps wrap around 2^32 without a glitch', () => {
  const jb = new JitterBuffer({ depth: 1, adaptive: false });
  const ts0 = 0xffffffff - 160 * 2 + 1;
  const out: Array<number | null> = [];
  for (let i = 0; i < 6; i++) {
    jb.push(frame(i, { ts0 }));
    out.push(which(jb.pull()));
  }
  assert.deepEqual(out, [null, 0, 1, 2, 3, 4]);
  assert.equal(jb.stats.resyncs, 0);
});

test('a new SSRC, a jump far ahead, and a jump far back restart the buffer at the new packet', () => {
  const jb = new JitterBuffer({ playout: 'asap' });
  jb.push(frame(0));
  drain(jb);
  jb.push(frame(5, { ssrc: 99 }));
  assert.deepEqual(drain(jb), [[AUDIO, 5]]);
  jb.push(frame(5000, { ssrc: 99 }));
  assert.deepEqual(drain(jb), [[AUDIO, 5000 % 32]]);
  jb.push(frame(10, { ssrc: 99 }));
  assert.deepEqual(drain(jb), [[AUDIO, 10]]);
  assert.equal(jb.stats.resyncs, 3);
});

test('a run of late packets (the sender restarted its timeline nearby) restarts the buffer', () => {
  const jb = new JitterBuffer({ depth: 1, adaptive: false });
  for (let i = 0; i < 40; i++) {
    jb.push(frame(i));
    jb.pull();
  }
  // The sender's timestamps fall back half a second, same SSRC.
  let late = 0;
  for (let i = 15; i < 40; i++) {
    if (jb.push(frame(i)) === LATE) late++;
    jb.pull();
  }
  assert.equal(late, 9);
  assert.equal(jb.stats.resyncs, 1);
  assert.ok(jb.pull() !== null, 'plays again');
});

test('memory is bounded: a flood of packets anywhere in the timestamp space holds at most the ring', () => {
  const jb = new JitterBuffer({ maxDepth: 10 });
  let x = 12345;
  for (let i = 0; i < 20000; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    jb.push(frame(0, { at: x % 200000, byte: 0x20 }));
    if (i % 3 === 0) jb.pull();
    assert.ok(jb.buffered <= 18, `buffered ${jb.buffered}`);
  }
  assert.ok(jb.depth <= 10);
});

test('flush gives out what is held, gaps included (a recording that stops)', () => {
  const jb = new JitterBuffer({ playout: 'asap', depth: 3 });
  jb.push(frame(0));
  jb.push(frame(2));
  jb.push(frame(3));
  const got: FrameStatus[] = [];
  for (let s = jb.take(); s !== NONE; s = jb.take()) got.push(s);
  jb.flush((s) => got.push(s));
  assert.deepEqual(got, [AUDIO, CONCEALED, AUDIO, AUDIO]);
  assert.equal(jb.buffered, 0);
});

test('the mixer interface: push(packet) and one pull() per tick', () => {
  const source: FrameSource = new JitterBuffer();
  const heard: Array<number | null> = [];
  for (let i = 0; i < 5; i++) {
    source.push(frame(i));
    heard.push(which(source.pull()));
  }
  assert.deepEqual(heard, [null, 0, 1, 2, 3]);
});
