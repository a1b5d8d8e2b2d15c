import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfReceiver, DtmfSender, digitToEvent, eventToDigit, writeEventPayload } from './dtmf.js';

interface Packet {
  kind: number;
  ts: number;
  event: number;
  end: boolean;
  duration: number;
}

/** Runs the sender tick by tick like the session does (audio timestamp advancing 160 per tick). */
function drive(sender: DtmfSender, ticks: number, startTs = 1000): Array<Packet | null> {
  const out: Array<Packet | null> = [];
  const buf = new Uint8Array(16);
  let ts = startTs;
  for (let i = 0; i < ticks; i++) {
    const kind = sender.next(buf, 12, ts, 160);
    out.push(
      kind === 0
        ? null
        : {
            kind,
            ts: sender.timestamp,
            event: buf[12] ?? 0,
            end: ((buf[13] ?? 0) & 0x80) !== 0,
            duration: ((buf[14] ?? 0) << 8) | (buf[15] ?? 0),
          },
    );
    ts += 160;
  }
  return out;
}

test('digit/event mapping', () => {
  assert.equal(digitToEvent('5'), 5);
  assert.equal(digitToEvent('*'), 10);
  assert.equal(digitToEvent('#'), 11);
  assert.equal(digitToEvent('d'), 15);
  assert.equal(digitToEvent('x'), -1);
  assert.equal(eventToDigit(11), '#');
  assert.equal(eventToDigit(16), undefined);
});

test('a digit is a marker packet, growing durations, then the end packet three times, all on one timestamp', async () => {
  const sender = new DtmfSender();
  let done = false;
  void sender.enqueue('5', { durationMs: 100, gapMs: 40 }).then(() => (done = true));
  const packets = drive(sender, 10);
  const sent = packets.filter((p): p is Packet => p !== null);
  assert.equal(sent.length, 7);
  assert.deepEqual(
    sent.map((p) => p.kind),
    [2, 1, 1, 1, 1, 1, 1],
  );
  assert.deepEqual(
    sent.map((p) => p.duration),
    [160, 320, 480, 640, 800, 800, 800],
  );
  assert.deepEqual(
    sent.map((p) => p.end),
    [false, false, false, false, true, true, true],
  );
  assert.ok(sent.every((p) => p.ts === 1000 && p.event === 5));
  assert.deepEqual(packets.slice(7, 9), [null, null], 'the gap sends no events');
  await new Promise((r) => setImmediate(r));
  assert.ok(done);
  assert.equal(sender.active, false);
});

test('several digits get their own timestamps; w pauses half a second', () => {
  const sender = new DtmfSender();
  void sender.enqueue('1w2', { durationMs: 40, gapMs: 0 });
  const packets = drive(sender, 40);
  const starts = packets.map((p, i) => (p?.kind === 2 ? i : -1)).filter((i) => i >= 0);
  assert.equal(starts.length, 2);
  assert.equal((starts[1] ?? 0) - (starts[0] ?? 0), 4 + 25, 'first digit (2 tone + 2 extra end packets) then 25 ticks of pause');
  assert.notEqual(packets[starts[0] ?? 0]?.ts, packets[starts[1] ?? 0]?.ts);
});

test('the receiver reports each event once, deduplicated by timestamp', () => {
  const got: Array<[string, number]> = [];
  const starts: string[] = [];
  const rx = new DtmfReceiver((d, ms) => got.push([d, ms]));
  rx.onStart = (d) => starts.push(d);
  const p = new Uint8Array(4);
  const push = (ts: number, event: number, end: boolean, duration: number) => {
    writeEventPayload(p, 0, event, end, 10, duration);
    rx.push(ts, p, 0, 4);
  };
  for (let d = 160; d <= 640; d += 160) push(8000, 1, false, d);
  push(8000, 1, true, 800);
  push(8000, 1, true, 800);
  push(8000, 1, true, 800);
  assert.deepEqual(got, [['1', 100]]);
  // An event whose end packets were all lost is reported when the next one starts.
  push(16000, 11, false, 160);
  push(16000, 11, false, 320);
  push(24000, 9, false, 160);
  assert.deepEqual(got, [
    ['1', 100],
    ['#', 40],
  ]);
  push(24000, 9, true, 480);
  assert.deepEqual(got.at(-1), ['9', 60]);
  assert.deepEqual(starts, ['1', '#', '9']);
  rx.push(1, p, 0, 2); // short payload ignored
  assert.equal(got.length, 3);
});

test('a late copy of an earlier event (reordered packets) neither ends the current one nor is reported twice', () => {
  const got: Array<[string, number]> = [];
  const rx = new DtmfReceiver((d, ms) => got.push([d, ms]));
  const p = new Uint8Array(4);
  const push = (ts: number, event: number, end: boolean, duration: number) => {
    writeEventPayload(p, 0, event, end, 10, duration);
    rx.push(ts, p, 0, 4);
  };
  push(8000, 1, false, 160);
  push(8000, 1, true, 800);
  push(9600, 2, false, 160);
  push(8000, 1, true, 800); // the first event's end, sent three times, one copy overtaken
  push(9600, 2, false, 320);
  push(9600, 2, true, 640);
  assert.deepEqual(got, [
    ['1', 100],
    ['2', 80],
  ]);
  // A sender that restarts its timestamps far back is a new timeline: its events count.
  push(0xfff00000, 3, true, 800);
  assert.deepEqual(got.at(-1), ['3', 100]);
});
