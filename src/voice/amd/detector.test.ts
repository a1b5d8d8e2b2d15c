import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnsweringMachineDetector, type AmdOptions, type AnsweredBy } from './detector.js';
import { readTone } from './tone.js';

const DEFAULTS: AmdOptions = { mode: 'DetectMessageEnd', timeoutMs: 30_000, speechThresholdMs: 2400, speechEndThresholdMs: 1200, silenceTimeoutMs: 5000 };

/** Speech-like audio: a few harmonics with a wobbling pitch (not one pure tone). */
function voice(ms: number): Int16Array {
  const n = (ms * 8000) / 1000;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const f0 = 140 + 30 * Math.sin((2 * Math.PI * 3 * i) / 8000);
    const t = i / 8000;
    out[i] = Math.round(
      3000 * Math.sin(2 * Math.PI * f0 * t) +
        2000 * Math.sin(2 * Math.PI * 2.7 * f0 * t) +
        1200 * Math.sin(2 * Math.PI * 4.1 * f0 * t) +
        (Math.random() - 0.5) * 800,
    );
  }
  return out;
}
const quiet = (ms: number) => new Int16Array((ms * 8000) / 1000).map(() => Math.round((Math.random() - 0.5) * 60));
function sine(hz: number, ms: number): Int16Array {
  const n = (ms * 8000) / 1000;
  return Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000)));
}

function detect(parts: Int16Array[], o: Partial<AmdOptions> = {}): { answeredBy: AnsweredBy; durationMs: number } {
  const d = new AnsweringMachineDetector({ ...DEFAULTS, ...o });
  for (const p of parts)
    for (let i = 0; i + 160 <= p.length; i += 160) {
      const r = d.push(p.subarray(i, i + 160));
      if (r) return r;
    }
  return d.timeout();
}

test('a pure tone reads as a tone at its frequency; speech does not', () => {
  const t = readTone(sine(1000, 20));
  assert.ok(t.residual < 0.001 && Math.abs(t.hz - 1000) < 5, JSON.stringify(t));
  for (let i = 0; i < 10; i++) {
    const v = readTone(voice(20));
    assert.ok(v.residual > 0.01 || v.hz < 300, `speech is no beep: ${JSON.stringify(v)}`);
  }
});

test('a short "hello?" then silence is a human, decided after the speech end threshold', () => {
  const r = detect([quiet(500), voice(600), quiet(3000)]);
  assert.equal(r.answeredBy, 'human');
  assert.ok(r.durationMs >= 2200 && r.durationMs <= 2500, `${r.durationMs} ms`);
});

test('a long greeting: machine_start with Enable; with DetectMessageEnd, the beep ends it', () => {
  const greeting = [quiet(300), voice(1500), quiet(300), voice(2500), quiet(600)];
  assert.equal(detect([...greeting, sine(1000, 500)], { mode: 'Enable' }).answeredBy, 'machine_start');
  const r = detect([...greeting, sine(1000, 500), quiet(2000)]);
  assert.equal(r.answeredBy, 'machine_end_beep');
  assert.ok(r.durationMs >= 5200 && r.durationMs < 5600, `${r.durationMs} ms: the beep's start + 200 ms`);
});

test('a greeting that ends in silence is machine_end_silence; one that never ends is machine_end_other', () => {
  assert.equal(detect([voice(4000), quiet(5000)]).answeredBy, 'machine_end_silence');
  assert.equal(detect([voice(12_000)], { timeoutMs: 8000 }).answeredBy, 'machine_end_other');
});

test('silence is unknown after the silence timeout; a fax CNG tone is fax', () => {
  const r = detect([quiet(8000)]);
  assert.deepEqual(r, { answeredBy: 'unknown', durationMs: 5000 });
  assert.equal(detect([sine(1100, 500), quiet(3000), sine(1100, 500)]).answeredBy, 'fax');
});
