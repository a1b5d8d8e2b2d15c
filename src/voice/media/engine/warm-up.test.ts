// The engine's warm-up really runs the conference path (audio in, mixed audio out, speakers on and off), and
// leaves nothing behind on the thread's real clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedMediaClock } from '../clock.js';
import { warmUpMediaPath } from './warm-up.js';

test('the warm-up mixes real packets, starts and stops speakers, and cleans up', async () => {
  const before = sharedMediaClock.size;
  const report = await warmUpMediaPath();
  // Three phones, 1,100 frames each, less the ones it loses on purpose, plus the late ones it adds.
  assert.ok(report.packetsReceived > 3000, `received ${report.packetsReceived}`);
  // Each participant starts and stops speaking with each of the two spurts of tone.
  assert.ok(report.speakingChanges >= 12, `speaking changes ${report.speakingChanges}`);
  // The conference's mix carried the tones (480 frames of them).
  assert.ok(report.mixedFramesWithSound > 400, `mixed frames with sound ${report.mixedFramesWithSound}`);
  assert.equal(sharedMediaClock.size, before);
});
