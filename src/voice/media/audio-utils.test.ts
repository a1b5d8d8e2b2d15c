import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SilenceDetector, concatPcm, dbfs, generateBeep, isSilent, rms, silence, trimTrailingSilence } from './audio-utils.js';

test('the beep has the asked length, pitch and level, and starts and ends at zero', () => {
  const beep = generateBeep({ frequency: 1000, durationMs: 250, amplitude: 8000 });
  assert.equal(beep.length, 2000);
  assert.equal(beep[0], 0);
  assert.ok(Math.abs(beep[beep.length - 1] ?? 1) < 50);
  assert.ok(Math.max(...beep) <= 8000);
  let crossings = 0;
  for (let i = 1; i < beep.length; i++) if ((beep[i - 1] ?? 0) < 0 !== (beep[i] ?? 0) < 0) crossings++;
  assert.ok(Math.abs(crossings / 2 / 0.25 - 1000) < 20);
  assert.ok(Math.abs(rms(beep) - 8000 / Math.SQRT2) < 400);
  assert.ok(Math.abs(dbfs(beep) - -15.2) < 0.6);
  assert.equal(dbfs(silence(20)), -Infinity);
});

test('the silence detector fires once after the quiet period, speech resets it', () => {
  let fired = 0;
  const d = new SilenceDetector(() => fired++, { silenceMs: 1000, threshold: 500 });
  const quiet = new Int16Array(160).fill(20);
  const loud = generateBeep({ durationMs: 20 });
  for (let i = 0; i < 40; i++) d.push(quiet);
  d.push(loud); // speech after 800 ms restarts the count
  for (let i = 0; i < 49; i++) d.push(quiet);
  assert.equal(fired, 0);
  d.push(quiet);
  assert.equal(fired, 1);
  for (let i = 0; i < 100; i++) d.push(quiet);
  assert.equal(fired, 1);
  assert.equal(d.speechDetected, true);
  d.reset();
  assert.equal(d.speechDetected, false);
});

test('requireSpeech ignores leading silence', () => {
  let fired = 0;
  const d = new SilenceDetector(() => fired++, { silenceMs: 100, requireSpeech: true });
  for (let i = 0; i < 50; i++) d.push(new Int16Array(160));
  assert.equal(fired, 0);
  d.push(generateBeep({ durationMs: 20 }));
  for (let i = 0; i < 5; i++) d.push(new Int16Array(160));
  assert.equal(fired, 1);
});

test('isSilent and trimming trailing silence', () => {
  assert.equal(isSilent(silence(500)), true);
  assert.equal(isSilent(generateBeep()), false);
  const speech = concatPcm([generateBeep({ durationMs: 500 }), silence(2000)]);
  const trimmed = trimTrailingSilence(speech, 500, 200);
  assert.ok(trimmed.length >= 4000 + 1600 - 160 && trimmed.length <= 4000 + 1600 + 160, String(trimmed.length));
  assert.equal(trimTrailingSilence(silence(1000), 500, 0).length, 0);
});
