// Property test: countSegments against Twilio's own calculator (npm sms-segments-calculator, used here
// as an oracle only) on thousands of seeded random bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentedMessage } from 'sms-segments-calculator';
import { countSegments } from './segments.js';
import { splitForCarrier } from './split.js';
import { seededRandom as rng } from '../../core/random.js';

const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).concat(['\n', '\r\n']);
const GSM_EXT = ['€', '{', '}', '[', ']', '~', '|', '^', '\\', '\f'];
const GSM_OTHER = ['£', '¥', 'è', 'é', 'Ç', 'Ø', 'Δ', 'Ω', 'ß', 'Ñ', '§', '¿', 'à', 'ü'];
const CYRILLIC = Array.from({ length: 64 }, (_, i) => String.fromCharCode(0x410 + i));
const EMOJI = ['😀', '🎉', '👍', '🚀', '❤️', '👍🏽', '🇺🇸', '👨‍👩‍👧', 'é'];

function randomBody(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  // Mostly-GSM bodies exercise the 153/160 boundaries, mixed ones the UCS-2 path.
  const pools = next() < 0.45 ? [ASCII, GSM_EXT, GSM_OTHER] : [ASCII, GSM_EXT, CYRILLIC, EMOJI];
  const weights = pools.length === 3 ? [0.8, 0.12, 0.08] : [0.55, 0.1, 0.25, 0.1];
  const length = next() < 0.1 ? Math.floor(next() * 1600) : Math.floor(next() * 400);
  let out = '';
  while (out.length < length) {
    let r = next();
    let i = 0;
    while (i < weights.length - 1 && r >= (weights[i] ?? 1)) r -= weights[i++] ?? 1;
    out += pick(pools[i] ?? ASCII);
  }
  return out;
}

test('countSegments equals sms-segments-calculator on 3000 random bodies', () => {
  const seed = 20240611;
  const next = rng(seed);
  for (let i = 0; i < 3000; i++) {
    const body = randomBody(next);
    const ours = countSegments(body);
    const oracle = new SegmentedMessage(body);
    const bits = oracle.encodingName === 'GSM-7' ? 7 : 16;
    const context = `seed ${seed} case ${i}: ${JSON.stringify(body.slice(0, 60))}... (${body.length} chars)`;
    assert.equal(ours.encoding, oracle.encodingName, context);
    assert.equal(ours.segments, oracle.segmentsCount, context);
    assert.equal(ours.units, oracle.messageSize / bits, context);
    // The carrier split (8-bit UDH) must agree with the count, and reassemble to the body.
    const split = splitForCarrier(body);
    assert.equal(split.parts.length, ours.segments, context);
    assert.equal(split.parts.map((p) => p.text).join(''), body, context);
  }
});
