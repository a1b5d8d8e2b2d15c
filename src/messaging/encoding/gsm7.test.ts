import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGsm7, encodeGsm7, gsm7Length, isGsm7, isGsm7Char, packSeptets, unpackSeptets } from './gsm7.js';

const BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '\f^{}\\[~]|€';

test('every basic character is one septet and round-trips', () => {
  assert.equal(BASIC.length, 127);
  const septets = encodeGsm7(BASIC);
  assert.equal(septets.length, 127);
  assert.ok(septets.every((s) => s < 0x80 && s !== 0x1b));
  assert.equal(decodeGsm7(septets), BASIC);
});

test('extension characters cost two septets behind the escape', () => {
  assert.deepEqual([...encodeGsm7('€')], [0x1b, 0x65]);
  assert.deepEqual([...encodeGsm7('{}')], [0x1b, 0x28, 0x1b, 0x29]);
  assert.equal(gsm7Length(EXTENSION), 20);
  assert.equal(decodeGsm7(encodeGsm7(EXTENSION)), EXTENSION);
});

test('membership: capital C-cedilla is GSM-7, lowercase is not; backtick and emoji are not', () => {
  assert.ok(isGsm7Char('Ç'));
  assert.ok(!isGsm7Char('ç'));
  assert.ok(!isGsm7('`'));
  assert.ok(!isGsm7('a😀'));
  assert.ok(isGsm7(''));
  assert.throws(() => encodeGsm7('ç'), RangeError);
});

test('decoding: unknown extension shows the basic character, lone trailing escape is dropped', () => {
  assert.equal(decodeGsm7(Uint8Array.from([0x1b, 0x41])), 'A');
  assert.equal(decodeGsm7(Uint8Array.from([0x41, 0x1b])), 'A');
  assert.equal(decodeGsm7(Uint8Array.from([0x1b, 0x1b, 0x42])), ' B');
  assert.equal(decodeGsm7(Uint8Array.from([0xc1])), 'A', 'high bit ignored');
});

test('packing matches the TS 23.038 worked example', () => {
  const packed = packSeptets(encodeGsm7('hellohello'));
  assert.equal(packed.toString('hex').toUpperCase(), 'E8329BFD4697D9EC37');
  assert.equal(decodeGsm7(unpackSeptets(packed, 10)), 'hellohello');
});

test('pack/unpack round-trip for every fill width and length 0..40', () => {
  for (let fill = 0; fill < 7; fill++) {
    for (let n = 0; n <= 40; n++) {
      const septets = Uint8Array.from({ length: n }, (_, i) => (i * 37 + fill * 11) & 0x7f);
      const packed = packSeptets(septets, fill);
      assert.equal(packed.length, Math.ceil((fill + n * 7) / 8));
      assert.deepEqual([...unpackSeptets(packed, n, fill)], [...septets]);
    }
  }
  assert.equal(unpackSeptets(Buffer.alloc(1), 5).length, 1, 'count capped by available bits');
});
