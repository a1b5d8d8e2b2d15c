import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUcs2, encodeUcs2, ucs2Length } from './ucs2.js';

test('UCS-2 is UTF-16 big-endian', () => {
  assert.equal(encodeUcs2('A').toString('hex'), '0041');
  assert.equal(encodeUcs2('Ж').toString('hex'), '0416');
});

test('characters outside the BMP travel as a surrogate pair and count two units', () => {
  assert.equal(encodeUcs2('😀').toString('hex'), 'd83dde00');
  assert.equal(ucs2Length('😀'), 2);
  assert.equal(decodeUcs2(Buffer.from('d83dde00', 'hex')), '😀');
});

test('round trip and odd trailing byte dropped', () => {
  const s = 'Привет, мир! 👍🏽 € {}';
  assert.equal(decodeUcs2(encodeUcs2(s)), s);
  assert.equal(decodeUcs2(Buffer.from('004100', 'hex')), 'A');
  const input = Buffer.from('0042', 'hex');
  decodeUcs2(input);
  assert.equal(input.toString('hex'), '0042', 'input is not swapped in place');
});
