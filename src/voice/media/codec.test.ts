import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALAW_TO_LINEAR, ALAW_TO_ULAW, LINEAR_TO_ALAW, LINEAR_TO_ULAW, ULAW_TO_ALAW, ULAW_TO_LINEAR, decodeToPcm, encodePcm } from './g711.js';
import { createRtpHeader, encodeRtp, parseRtp, writeRtpHeader } from './rtp.js';

test('G.711 tables match reference values', () => {
  assert.equal(ULAW_TO_LINEAR[0xff], 0);
  assert.equal(ULAW_TO_LINEAR[0x00], -32124);
  assert.equal(ULAW_TO_LINEAR[0x80], 32124);
  assert.equal(ULAW_TO_LINEAR[0x7f], 0);
  assert.equal(ALAW_TO_LINEAR[0xd5], 8);
  assert.equal(ALAW_TO_LINEAR[0x55], -8);
  assert.equal(ALAW_TO_LINEAR[0xaa], 32256);
  assert.equal(ALAW_TO_LINEAR[0x2a], -32256);
  assert.equal(LINEAR_TO_ULAW[0], 0xff);
  assert.equal(LINEAR_TO_ALAW[0], 0xd5);
  assert.equal(LINEAR_TO_ULAW[32767], 0x80);
  assert.equal(LINEAR_TO_ULAW[-32768 & 0xffff], 0x00);
});

test('every G.711 code survives decode then encode (mu-law negative zero maps to positive zero)', () => {
  for (let c = 0; c < 256; c++) {
    assert.equal(LINEAR_TO_ALAW[(ALAW_TO_LINEAR[c] ?? 0) & 0xffff], c, `A-law ${c}`);
    const u = LINEAR_TO_ULAW[(ULAW_TO_LINEAR[c] ?? 0) & 0xffff];
    assert.equal(u, c === 0x7f ? 0xff : c, `mu-law ${c}`);
  }
});

test('G.711 quantization error stays within the segment step', () => {
  const pcm = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) pcm[i] = i - 32768;
  for (const codec of ['PCMU', 'PCMA'] as const) {
    const back = decodeToPcm(codec, encodePcm(codec, pcm));
    for (let i = 0; i < pcm.length; i += 7) {
      const x = pcm[i] ?? 0;
      const err = Math.abs((back[i] ?? 0) - x);
      assert.ok(err <= Math.max(16, Math.abs(x) / 16 + 8), `${codec} ${x} -> ${back[i]}`);
    }
  }
});

test('transcoding tables agree with going through linear', () => {
  for (let c = 0; c < 256; c++) {
    assert.equal(ULAW_TO_ALAW[c], LINEAR_TO_ALAW[(ULAW_TO_LINEAR[c] ?? 0) & 0xffff]);
    assert.equal(ALAW_TO_ULAW[c], LINEAR_TO_ULAW[(ALAW_TO_LINEAR[c] ?? 0) & 0xffff]);
  }
});

test('RTP header round trip, with wrap-around values', () => {
  const payload = new Uint8Array([1, 2, 3, 4, 5]);
  const buf = encodeRtp({ marker: true, payloadType: 101, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payload });
  const h = createRtpHeader();
  assert.ok(parseRtp(buf, buf.length, h));
  assert.equal(h.marker, true);
  assert.equal(h.payloadType, 101);
  assert.equal(h.sequence, 65535);
  assert.equal(h.timestamp, 0xfffffff0);
  assert.equal(h.ssrc, 0xdeadbeef);
  assert.deepEqual([...buf.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength)], [1, 2, 3, 4, 5]);
});

test('RTP parsing skips CSRCs, header extensions and padding', () => {
  const buf = Buffer.alloc(12 + 8 + 8 + 3 + 4);
  writeRtpHeader(buf, false, 0, 1, 2, 3);
  buf[0] = 0x80 | 0x20 | 0x10 | 2; // padding, extension, 2 CSRCs
  buf.writeUInt16BE(0xbede, 20);
  buf.writeUInt16BE(1, 22); // one 32-bit word of extension
  buf.set([7, 8, 9], 28);
  buf[buf.length - 1] = 4; // 4 bytes of padding
  const h = createRtpHeader();
  assert.ok(parseRtp(buf, buf.length, h));
  assert.equal(h.csrcCount, 2);
  assert.equal(h.payloadOffset, 28);
  assert.equal(h.payloadLength, 3);
});

test('RTP parsing rejects garbage, RTCP and bad padding without throwing', () => {
  const h = createRtpHeader();
  assert.equal(parseRtp(Buffer.alloc(5), 5, h), false);
  assert.equal(parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 12, h), false, 'version 1');
  const rtcp = Buffer.alloc(12);
  rtcp[0] = 0x80;
  rtcp[1] = 200; // SR
  assert.equal(parseRtp(rtcp, 12, h), false);
  const pad = Buffer.alloc(13);
  writeRtpHeader(pad, false, 0, 0, 0, 0);
  pad[0] = 0xa0;
  pad[12] = 200;
  assert.equal(parseRtp(pad, 13, h), false);
  const ext = Buffer.alloc(14);
  writeRtpHeader(ext, false, 0, 0, 0, 0);
  ext[0] = 0x90;
  assert.equal(parseRtp(ext, 14, h), false, 'truncated extension');
  for (let i = 0; i < 2000; i++) {
    const junk = Buffer.from(Array.from({ length: i % 40 }, (_, k) => (i * 31 + k * 17) & 0xff));
    parseRtp(junk, junk.length, h);
  }
});
