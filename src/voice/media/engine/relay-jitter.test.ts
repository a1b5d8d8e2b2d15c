// An engine's packet paths on a fake clock, without threads or SIP: a bridge relays each packet from the
// receive handler (no tick needed), rewritten as the other leg's stream; received audio reaches recordings
// and the tap through the jitter buffer (in order, losses concealed after the depth, in ticks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { MediaClock } from '../clock.js';
import { createRtpHeader, encodeRtp, parseRtp, writeRtpHeader } from '../rtp.js';
import { ULAW_TO_ALAW, ULAW_TO_LINEAR } from '../g711.js';
import { EngineHost } from './host.js';
import type { FromEngine } from './protocol.js';

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`${what} timed out`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Phone {
  sock: Socket;
  port: number;
  got: Buffer[];
}

async function phone(t: { after(fn: () => void): void }): Promise<Phone> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  t.after(() => sock.close());
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(Buffer.from(m)));
  return { sock, port: sock.address().port, got };
}

async function engine(t: { after(fn: () => Promise<void>): void }) {
  let now = 0;
  const clock = new MediaClock({ now: () => now });
  const out: FromEngine[] = [];
  const host = new EngineHost((m) => void out.push(m), { source: 0, ssrc: 0 }, clock);
  t.after(() => host.close());
  const ports = new Map<number, number>();
  const open = async (id: number, remote: Phone) => {
    host.handle({ t: 'open', id, options: { host: '127.0.0.1', strict: { probation: 4 } } });
    await until(() => out.some((m) => m.t === 'opened' && m.id === id), 3000, 'open');
    const opened = out.find((m) => m.t === 'opened' && m.id === id);
    assert.ok(opened && opened.t === 'opened');
    ports.set(id, opened.port);
    host.handle({ t: 'remote', id, host: '127.0.0.1', port: remote.port, signalHost: null });
  };
  const tick = (n: number) => {
    for (let i = 0; i < n; i++) {
      now += 20;
      clock.run();
    }
  };
  const send = (from: Phone, id: number, packet: Buffer) => new Promise<void>((r) => from.sock.send(packet, ports.get(id) ?? 0, '127.0.0.1', () => r()));
  return { host, out, open, tick, send };
}

const payload = (byte: number, n = 160) => new Uint8Array(n).fill(byte);

test('a bridge relays each packet from the receive handler, as the other leg stream, without a tick', async (t) => {
  const a = await phone(t);
  const b = await phone(t);
  const e = await engine(t);
  await e.open(1, a);
  await e.open(2, b);
  e.host.handle({ t: 'bridge', id: 1, peer: 2 });
  // The clock never moves in this test: whatever b gets was sent from the socket's receive handler.
  for (let i = 0; i < 5; i++)
    await e.send(a, 1, encodeRtp({ payloadType: 0, sequence: 500 + i, timestamp: 9000 + 160 * i, ssrc: 77, payload: payload(0x20 + i) }));
  await until(() => b.got.length >= 5, 3000, 'relayed packets');
  const h = createRtpHeader();
  const seqs: number[] = [];
  const stamps: number[] = [];
  for (const [i, p] of b.got.entries()) {
    assert.ok(parseRtp(p, p.length, h));
    assert.equal(h.payloadType, 0);
    assert.notEqual(h.ssrc, 77, "leg 2's own SSRC");
    assert.equal(h.marker, i === 0, 'a marker on the first packet of the relayed stream');
    assert.deepEqual(p.subarray(12), Buffer.from(payload(0x20 + i)), 'payload as sent');
    seqs.push(h.sequence);
    stamps.push(h.timestamp);
  }
  for (let i = 1; i < 5; i++) {
    assert.equal(((seqs[i] ?? 0) - (seqs[i - 1] ?? 0)) & 0xffff, 1);
    assert.equal(((stamps[i] ?? 0) - (stamps[i - 1] ?? 0)) >>> 0, 160);
  }
});

test('relayed across codecs (PCMU in, PCMA out) and with a CSRC list dropped; the receiving leg still records what it got', async (t) => {
  const a = await phone(t);
  const b = await phone(t);
  const e = await engine(t);
  await e.open(1, a);
  await e.open(2, b);
  e.host.handle({ t: 'codec', id: 2, codec: 'PCMA', dtmf: 101 });
  e.host.handle({ t: 'bridge', id: 1, peer: 2 });
  e.host.handle({ t: 'record-start', id: 1, maxSeconds: 10, which: 'call' });
  await e.send(a, 1, encodeRtp({ payloadType: 0, sequence: 1, timestamp: 160, ssrc: 77, payload: payload(0x20) }));
  // A packet with one CSRC: 16 header bytes in, a plain 12-byte header out.
  const csrc = Buffer.alloc(16 + 160, 0x21);
  writeRtpHeader(csrc, false, 0, 2, 320, 77);
  csrc[0] = 0x81;
  await e.send(a, 1, csrc);
  await until(() => b.got.length >= 2, 3000, 'relayed packets');
  const [first, second] = b.got;
  assert.equal(first?.length, 172);
  assert.equal(first?.[1] !== undefined && first[1] & 0x7f, 8);
  assert.equal(first?.[12], ULAW_TO_ALAW[0x20]);
  assert.equal(second?.length, 172);
  assert.equal(second?.[0], 0x80);
  assert.equal(second?.[12], ULAW_TO_ALAW[0x21]);
  e.host.handle({ t: 'record-stop', id: 1, req: 9, which: 'call' });
  await until(() => e.out.some((m) => m.t === 'recorded'), 3000, 'recording');
  const rec = e.out.find((m) => m.t === 'recorded');
  assert.ok(rec && rec.t === 'recorded' && rec.pcm);
  assert.equal(rec.pcm.length, 320);
  assert.equal(rec.pcm[0], ULAW_TO_LINEAR[0x20], "the recording has leg 1's audio as received, not the relayed rewrite");
  assert.equal(rec.pcm[200], ULAW_TO_LINEAR[0x21]);
});

test('received audio reaches the recording and the tap in order; a lost packet is concealed once its wait is over', async (t) => {
  const a = await phone(t);
  const e = await engine(t);
  await e.open(1, a);
  e.host.handle({ t: 'tap', id: 1, on: true });
  e.host.handle({ t: 'record-start', id: 1, maxSeconds: 10, which: 'verb' });
  const pkt = (i: number) => encodeRtp({ payloadType: 0, sequence: 10 + i, timestamp: 1000 + 160 * i, ssrc: 5, payload: payload(0x20 + i) });
  // Frames 0, 2, 1 (reordered), then 4 (3 is lost), then 5.
  for (const i of [0, 2, 1, 4, 5]) await e.send(a, 1, pkt(i));
  await new Promise((r) => setTimeout(r, 50));
  // Without a tick, frames 0-2 went out at once (in order); 4 and 5 wait behind the gap.
  e.host.handle({ t: 'record-stop', id: 1, req: 1, which: 'verb' });
  await until(() => e.out.some((m) => m.t === 'recorded'), 3000, 'recording');
  const rec = e.out.find((m) => m.t === 'recorded');
  assert.ok(rec && rec.t === 'recorded' && rec.pcm);
  // Stopping flushes what was held: frame 3 concealed (the last good frame at 3/4 gain), then 4 and 5.
  assert.equal(rec.pcm.length, 6 * 160);
  const first = (f: number) => rec.pcm?.[f * 160];
  assert.deepEqual(
    [0, 1, 2, 4, 5].map(first),
    [0, 1, 2, 4, 5].map((i) => ULAW_TO_LINEAR[0x20 + i]),
  );
  assert.equal(first(3), Math.round((ULAW_TO_LINEAR[0x22] ?? 0) * 0.75));
  // The tap goes on: two more frames after another loss, released by ticks (the wait is in ticks).
  e.host.handle({ t: 'record-start', id: 1, maxSeconds: 10, which: 'verb' });
  await e.send(a, 1, pkt(7));
  await e.send(a, 1, pkt(8));
  await new Promise((r) => setTimeout(r, 50));
  e.tick(3);
  e.host.handle({ t: 'tap', id: 1, on: false });
  await until(() => e.out.some((m) => m.t === 'audio'), 3000, 'tapped audio');
  const tapped = e.out.filter((m): m is Extract<FromEngine, { t: 'audio' }> => m.t === 'audio').flatMap((m) => [...m.pcm]);
  // 0-5 as recorded, then frame 6 concealed from 5, then 7 and 8: nine frames, in order.
  assert.equal(tapped.length, 9 * 160);
  assert.deepEqual(
    [0, 1, 2, 4, 5, 7, 8].map((i) => tapped[i * 160]),
    [0, 1, 2, 4, 5, 7, 8].map((i) => ULAW_TO_LINEAR[0x20 + i]),
  );
});
