// The conference mixer alone, tick by tick: what each participant hears given what each one sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME, Mixer } from './mixer.js';
import { tone, toneShare } from './spectrum.js';

const SECONDS = 1;
const TONES: Record<string, number> = { a: 500, b: 900, c: 1400, d: 2000 };

/** Runs `ticks` ticks, each participant pushing its own tone's next frame first; returns what each heard. */
function run(m: Mixer<string>, keys: string[], ticks = (SECONDS * 8000) / FRAME, level = 8000): Record<string, Int16Array> {
  const src = Object.fromEntries(keys.map((k) => [k, tone(TONES[k] ?? 0, ticks * 20, level)]));
  const heard = Object.fromEntries(keys.map((k) => [k, new Int16Array(ticks * FRAME)]));
  for (let t = 0; t < ticks; t++) {
    for (const k of keys) m.port(k)?.push((src[k] as Int16Array).subarray(t * FRAME, (t + 1) * FRAME), FRAME);
    m.mix();
    for (const k of keys) (heard[k] as Int16Array).set(m.port(k)?.out ?? new Int16Array(FRAME), t * FRAME);
  }
  return heard;
}

const has = (pcm: Int16Array | undefined, hz: number): boolean => toneShare(pcm ?? new Int16Array(0), hz) > 0.1;

test('each participant hears the sum of the others and never itself', () => {
  const m = new Mixer<string>();
  for (const k of ['a', 'b', 'c']) m.join(k);
  const heard = run(m, ['a', 'b', 'c']);
  for (const k of ['a', 'b', 'c']) {
    for (const other of ['a', 'b', 'c']) {
      const hz = TONES[other] as number;
      if (other === k) assert.ok(toneShare(heard[k] as Int16Array, hz) < 0.001, `${k} does not hear itself`);
      else assert.ok(toneShare(heard[k] as Int16Array, hz) > 0.3, `${k} hears ${other} (${toneShare(heard[k] as Int16Array, hz)})`);
    }
  }
});

test('loud sums are saturated, not wrapped around', () => {
  const m = new Mixer<string>();
  for (const k of ['a', 'b', 'c']) m.join(k);
  // Three constant loud signals: a hears b + c = 2 * 30000, which does not fit in 16 bits.
  const loud = new Int16Array(FRAME).fill(30000);
  for (const k of ['a', 'b', 'c']) m.port(k)?.push(loud, FRAME);
  m.mix();
  assert.ok(m.port('a')?.out.every((v) => v === 32767));
  const low = new Int16Array(FRAME).fill(-30000);
  for (const k of ['a', 'b', 'c']) m.port(k)?.push(low, FRAME);
  m.mix();
  assert.ok(m.port('a')?.out.every((v) => v === -32768));
});

test('a muted participant is not heard but hears', () => {
  const m = new Mixer<string>();
  m.join('a');
  m.join('b', { muted: true });
  m.join('c');
  const heard = run(m, ['a', 'b', 'c']);
  assert.ok(!has(heard.a, TONES.b as number) && !has(heard.c, TONES.b as number), 'nobody hears b');
  assert.ok(has(heard.b, TONES.a as number) && has(heard.b, TONES.c as number), 'b hears a and c');
  assert.ok(has(heard.a, TONES.c as number));
});

test('a participant on hold neither hears nor is heard', () => {
  const m = new Mixer<string>();
  m.join('a');
  m.join('b', { hold: true });
  m.join('c');
  const heard = run(m, ['a', 'b', 'c']);
  assert.ok(
    heard.b?.every((v) => v === 0),
    'b hears nothing of the conference',
  );
  assert.ok(!has(heard.a, TONES.b as number) && has(heard.a, TONES.c as number));
  m.join('b', { hold: false });
  const after = run(m, ['a', 'b', 'c']);
  assert.ok(has(after.a, TONES.b as number) && has(after.b, TONES.a as number), 'back from hold');
});

test('a coach is heard only by the coached participant, and hears everyone', () => {
  const m = new Mixer<string>();
  m.join('a');
  m.join('b');
  m.join('c');
  m.join('d', { coach: 'a' });
  const heard = run(m, ['a', 'b', 'c', 'd']);
  assert.ok(has(heard.a, TONES.d as number), 'the coached one hears the coach');
  assert.ok(!has(heard.b, TONES.d as number) && !has(heard.c, TONES.d as number), 'the others do not');
  for (const k of ['a', 'b', 'c']) assert.ok(has(heard.d, TONES[k] as number), `the coach hears ${k}`);
  assert.ok(toneShare(heard.d as Int16Array, TONES.d as number) < 0.001, 'the coach does not hear itself');
});

test('speaker detection follows frame energy, with attack and release', () => {
  const events: Array<[string, boolean]> = [];
  const m = new Mixer<string>({ onSpeaker: (k, on) => events.push([k, on]) });
  m.join('a');
  m.join('b');
  const speech = tone(440, 20, 6000);
  const quiet = tone(440, 20, 100);
  const tick = (aLoud: boolean): void => {
    m.port('a')?.push(aLoud ? speech : quiet, FRAME);
    m.port('b')?.push(quiet, FRAME);
    m.mix();
  };
  tick(true);
  tick(true);
  assert.deepEqual(events, [], 'two loud frames are not yet speech');
  tick(true);
  assert.deepEqual(events, [['a', true]]);
  for (let i = 0; i < 10; i++) tick(false);
  tick(true); // a short pause does not end the speech
  assert.deepEqual(events, [['a', true]]);
  for (let i = 0; i < 25; i++) tick(false);
  assert.deepEqual(events, [
    ['a', true],
    ['a', false],
  ]);
  // Muted speech is no speech.
  m.join('a', { muted: true });
  for (let i = 0; i < 5; i++) tick(true);
  assert.equal(events.length, 2);
});

test('a late packet is still mixed, and a burst does not add lasting delay', () => {
  const m = new Mixer<string>();
  m.join('a');
  m.join('b');
  const frame = tone(700, 20, 5000);
  m.mix(); // a's first packet arrives just after the tick
  assert.ok(m.port('b')?.out.every((v) => v === 0));
  m.port('a')?.push(frame, FRAME);
  m.mix();
  assert.ok(
    m.port('b')?.out.some((v) => v !== 0),
    'heard on the next tick',
  );
  for (let i = 0; i < 5; i++) m.port('a')?.push(frame, FRAME); // a burst of five
  m.mix();
  assert.ok((m.port('a')?.buffered ?? 0) <= FRAME, 'the backlog is cut');
});

test('the recording keeps everyone heard', () => {
  const m = new Mixer<string>();
  m.join('a');
  m.join('b');
  m.join('c', { muted: true });
  m.startRecording(8000);
  run(m, ['a', 'b', 'c']);
  const rec = m.takeRecording();
  assert.ok(rec && rec.length === 8000);
  assert.ok(has(rec, TONES.a as number) && has(rec, TONES.b as number) && !has(rec, TONES.c as number));
  assert.equal(m.takeRecording(), null);
});

test('leaving ends a speaker and removes the participant', () => {
  const events: Array<[string, boolean]> = [];
  const m = new Mixer<string>({ onSpeaker: (k, on) => events.push([k, on]) });
  m.join('a');
  m.join('b');
  const speech = tone(440, 20, 6000);
  for (let i = 0; i < 3; i++) {
    m.port('a')?.push(speech, FRAME);
    m.mix();
  }
  m.leave('a');
  assert.equal(m.size, 1);
  assert.deepEqual(events, [
    ['a', true],
    ['a', false],
  ]);
});
