import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseEncoding, countSegments } from './segments.js';

const cases: Array<[string, string, number, number]> = [
  ['A', 'GSM-7', 160, 1],
  ['A', 'GSM-7', 161, 2],
  ['A', 'GSM-7', 306, 2],
  ['A', 'GSM-7', 307, 3],
  ['A', 'GSM-7', 1600, 11],
  ['€', 'GSM-7', 80, 1],
  ['€', 'GSM-7', 81, 2],
  ['Ж', 'UCS-2', 70, 1],
  ['Ж', 'UCS-2', 71, 2],
  ['Ж', 'UCS-2', 134, 2],
  ['Ж', 'UCS-2', 135, 3],
  ['😀', 'UCS-2', 35, 1],
  ['😀', 'UCS-2', 36, 2],
];

for (const [ch, encoding, n, segments] of cases) {
  test(`${ch} x${n} -> ${segments} (${encoding}), the figures in the notes`, () => {
    const r = countSegments(ch.repeat(n));
    assert.equal(r.encoding, encoding);
    assert.equal(r.segments, segments);
    assert.equal(r.unitsPerSegment, segments === 1 ? (encoding === 'GSM-7' ? 160 : 70) : encoding === 'GSM-7' ? 153 : 67);
  });
}

test('units: extension characters cost 2 septets; in UCS-2 they cost 1 unit, emoji 2', () => {
  assert.equal(countSegments('a€').units, 3);
  assert.equal(countSegments('€Ж').units, 2);
  assert.equal(countSegments('😀Ж').units, 3);
  assert.deepEqual(countSegments(''), { encoding: 'GSM-7', segments: 1, unitsPerSegment: 160, units: 0 });
});

test('an escape pair is never split: 152 septets then an extension char opens part 2', () => {
  // 152 + 2 + 8 = 162 septets; 3 would fit 160 only without splitting, so part 1 stops at 152.
  assert.equal(countSegments('A'.repeat(152) + '€' + 'A'.repeat(8)).segments, 2);
  // 306 septets fill two parts exactly, unless the escape pair straddles the boundary.
  assert.equal(countSegments('A'.repeat(151) + '€' + 'A'.repeat(153)).segments, 2);
  assert.equal(countSegments('A'.repeat(152) + '€' + 'A'.repeat(152)).segments, 3);
});

test('a surrogate pair is never split across parts', () => {
  assert.equal(countSegments('Ж'.repeat(66) + '😀' + 'Ж'.repeat(66)).segments, 3);
  assert.equal(countSegments('Ж'.repeat(65) + '😀' + 'Ж'.repeat(67)).segments, 2);
});

test('chooseEncoding: GSM-7 only when every character (incl. extension) is GSM-7', () => {
  assert.equal(chooseEncoding('Hello {world} €5 ^~|[]\\'), 'GSM-7');
  assert.equal(chooseEncoding('Ça va'), 'GSM-7');
  assert.equal(chooseEncoding('ça va'), 'UCS-2');
  assert.equal(chooseEncoding('it’s'), 'UCS-2');
});
