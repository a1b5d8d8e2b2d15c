import { test } from 'node:test';
import assert from 'node:assert/strict';
import OracleMap from 'sms-segments-calculator/dist/libs/SmartEncodingMap.js';
import { countSegments } from './segments.js';
import { SMART_ENCODING_MAP, smartEncode, transliterate } from './smart.js';

test('150 chars with curly quotes: 3 UCS-2 segments become 1 GSM-7 segment (the notes)', () => {
  const body = '“Don’t miss it” — sale ends soon… '.repeat(5).slice(0, 150);
  assert.equal(body.length, 150);
  assert.deepEqual([countSegments(body).encoding, countSegments(body).segments], ['UCS-2', 3]);
  const smart = smartEncode(body);
  assert.deepEqual([countSegments(smart).encoding, countSegments(smart).segments], ['GSM-7', 1]);
  assert.ok(smart.startsWith('"Don\'t miss it" - sale ends soon...'));
});

test('fractions, fullwidth ASCII, unicode spaces and zero-width characters', () => {
  assert.equal(transliterate('½ ¼ ¾'), '1/2 1/4 3/4');
  assert.equal(transliterate('ＡＢＣ１２３！'), 'ABC123!');
  assert.equal(transliterate('a\u00a0b\u2009c\u3000d'), 'a b c d');
  assert.equal(transliterate('zero\u200bwidth\ufeff\u2060'), 'zerowidth');
  assert.equal(transliterate('‹›‼'), '<>!!');
});

test('a body that stays UCS-2 anyway (emoji, Cyrillic) is left untouched', () => {
  assert.equal(smartEncode('“Hi” 😀'), '“Hi” 😀');
  assert.equal(smartEncode('“Привет”'), '“Привет”');
  assert.equal(smartEncode('plain'), 'plain');
});

test("every entry agrees with the calculator's table except the documented whitespace change", () => {
  // A CommonJS module with __esModule: depending on the loader the table is the default or its .default.
  const raw = OracleMap as unknown as Record<string, string> & { default?: Record<string, string> };
  const oracle = raw.default ?? raw;
  for (const [ch, replacement] of Object.entries(oracle)) {
    const ours = SMART_ENCODING_MAP.get(ch);
    const note = `U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    if (/^ +$/.test(replacement)) assert.equal(ours, ' ', note);
    else assert.equal(ours, replacement, note);
  }
  assert.equal(SMART_ENCODING_MAP.size, Object.keys(oracle).length);
});
