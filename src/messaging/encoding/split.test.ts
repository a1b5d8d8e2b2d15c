import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGsm7, unpackSeptets } from './gsm7.js';
import { countSegments } from './segments.js';
import { ConcatRefAllocator, splitForCarrier } from './split.js';
import { decodeUcs2 } from './ucs2.js';

test('a single part has no UDH and carries the whole body', () => {
  const s = splitForCarrier('Hello €');
  assert.equal(s.parts.length, 1);
  assert.equal(s.ref, null);
  assert.equal(s.dataCoding, 0);
  assert.equal(s.parts[0]?.udh.length, 0);
  assert.deepEqual([...(s.parts[0]?.payload ?? [])], [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x1b, 0x65]);
});

test('8-bit UDH: 05 00 03 ref total seq, 153 septets per part', () => {
  const refs = new ConcatRefAllocator(() => 0.5);
  const s = splitForCarrier('A'.repeat(307), { refs });
  assert.equal(s.parts.length, 3);
  const ref = s.ref ?? -1;
  assert.equal(ref, 129);
  s.parts.forEach((p, i) => {
    assert.deepEqual([...p.udh], [0x05, 0x00, 0x03, ref, 3, i + 1]);
  });
  assert.deepEqual(
    s.parts.map((p) => p.units),
    [153, 153, 1],
  );
  assert.equal(s.parts.map((p) => decodeGsm7(p.payload)).join(''), 'A'.repeat(307));
});

test('16-bit UDH: 06 08 04 refHi refLo total seq, 152/66 per part', () => {
  const refs = new ConcatRefAllocator(() => 0);
  const gsm = splitForCarrier('B'.repeat(306), { udh: '16bit', refs });
  assert.deepEqual([...(gsm.parts[0]?.udh ?? [])], [0x06, 0x08, 0x04, 0x00, 0x01, 3, 1]);
  assert.deepEqual(
    gsm.parts.map((p) => p.units),
    [152, 152, 2],
  );
  const ucs = splitForCarrier('Ж'.repeat(134), { udh: '16bit', refs });
  assert.equal(ucs.dataCoding, 8);
  assert.deepEqual(
    ucs.parts.map((p) => p.units),
    [66, 66, 2],
  );
  assert.equal(ucs.parts.map((p) => decodeUcs2(p.payload)).join(''), 'Ж'.repeat(134));
  assert.equal(countSegments('Ж'.repeat(134)).segments, 2, 'Twilio still counts with the 6-byte UDH');
});

test('parts never split an escape pair or a surrogate pair', () => {
  const gsm = splitForCarrier('A'.repeat(152) + '€' + 'A'.repeat(10));
  assert.equal(gsm.parts[0]?.text, 'A'.repeat(152));
  assert.ok(gsm.parts[1]?.text.startsWith('€'));
  const ucs = splitForCarrier('Ж'.repeat(66) + '😀' + 'Ж'.repeat(10));
  assert.equal(ucs.parts[0]?.text, 'Ж'.repeat(66));
  assert.ok(ucs.parts[1]?.text.startsWith('😀'));
  assert.equal(ucs.parts[1]?.payload.subarray(0, 4).toString('hex'), 'd83dde00');
});

test('packed GSM-7 after a 6-byte UDH starts after one fill bit', () => {
  const s = splitForCarrier('C'.repeat(200), { gsmPacking: 'packed' });
  const first = s.parts[0];
  assert.ok(first);
  assert.equal(first.udh.length + first.payload.length, 140, '6 + 134 octets = a full TPDU user data');
  assert.equal(decodeGsm7(unpackSeptets(first.payload, first.units, 1)), 'C'.repeat(153));
  const single = splitForCarrier('hellohello', { gsmPacking: 'packed' });
  assert.equal(single.parts[0]?.payload.toString('hex'), 'e8329bfd4697d9ec37');
});

test('reference allocator wraps at 8 and 16 bits', () => {
  const refs = new ConcatRefAllocator(() => 0.999999);
  assert.equal(refs.next('8bit'), 0);
  assert.equal(refs.next('8bit'), 1);
  assert.equal(refs.next('16bit'), 0);
});

test('forcing GSM-7 on a body outside it throws; too many parts throws', () => {
  assert.throws(() => splitForCarrier('Ж', { encoding: 'GSM-7' }), RangeError);
  assert.throws(() => splitForCarrier('A'.repeat(153 * 256)), RangeError);
});
