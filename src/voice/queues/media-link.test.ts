// linkMedia with real engine threads: two calls whose RTP runs on different threads (as a queued caller
// and the agent who takes it usually do) still hear each other and pass digits, through the loopback relay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateBeep, rms } from '../media/audio-utils.js';
import { MediaEngine } from '../media/engine/pool.js';
import type { MediaSession } from '../media/index.js';
import { linkMedia } from './media-link.js';

const STRICT = { host: '127.0.0.1', strict: { probation: 4 } } as const;

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`${what} timed out`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function pair(x: MediaSession, y: MediaSession): void {
  x.setRemote('127.0.0.1', y.port);
  y.setRemote('127.0.0.1', x.port);
}

test('two calls on different engine threads are linked through relay sessions: audio and digits cross', async (t) => {
  const engine = new MediaEngine(2);
  t.after(() => engine.close());
  const caller = await engine.open(STRICT);
  const agent = await engine.open(STRICT);
  assert.equal(caller.bridge(agent), false, 'no direct bridge across threads');
  // The far ends: the phones on the other side of each call.
  const callerPhone = await engine.open(STRICT, caller);
  const agentPhone = await engine.open(STRICT, agent);
  pair(caller, callerPhone);
  pair(agent, agentPhone);

  const link = await linkMedia(caller, agent, (near) => engine.open(STRICT, near), '127.0.0.1');
  assert.ok(link);
  assert.deepEqual(engine.load().sort(), [3, 3], 'one relay session beside each call');
  let loud = 0;
  agentPhone.onAudio = (frame, n) => {
    if (rms(frame.subarray(0, n)) > 2000) loud++;
  };
  const digits: string[] = [];
  agentPhone.on('digit', (d) => digits.push(d));
  await callerPhone.play(generateBeep({ durationMs: 600 }));
  await until(() => loud >= 10, 5000, 'audio through the relay');
  await callerPhone.sendDigits('7#');
  await until(() => digits.length === 2, 5000, 'digits through the relay');
  assert.deepEqual(digits, ['7', '#']);

  link.close();
  await until(() => engine.load().reduce((a, b) => a + b, 0) === 4, 5000, 'relay sessions closed');
});
