// A <Dial> bridge at the media layer: two calls' sessions relay each other's packets (PCMU on one leg,
// PCMA on the other), RFC 4733 digits cross, and unbridging brings each session's own audio back. Run
// in-thread and on real engine threads (the two bridged sessions share one thread by placement).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpSession } from './session.js';
import { MediaEngine } from './engine/pool.js';
import type { MediaSession } from './media-session.js';
import { dominantFrequencies, tone, toneShare } from './spectrum.js';

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`${what} timed out`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** phoneA <-> legA ==bridge== legB <-> phoneB; legB and phoneB speak PCMA. */
async function scenario(open: (near?: MediaSession) => Promise<MediaSession>) {
  const phoneA = await open();
  const legA = await open();
  const legB = await open(legA);
  const phoneB = await open();
  const link = (x: MediaSession, y: MediaSession) => {
    x.setRemote('127.0.0.1', y.port);
    y.setRemote('127.0.0.1', x.port);
  };
  link(phoneA, legA);
  link(legB, phoneB);
  legB.setCodec('PCMA', 101);
  phoneB.setCodec('PCMA', 101);
  return { phoneA, legA, legB, phoneB, all: [phoneA, legA, legB, phoneB] };
}

async function run(open: (near?: MediaSession) => Promise<MediaSession>): Promise<void> {
  const { phoneA, legA, legB, phoneB, all } = await scenario(open);
  try {
    assert.equal(legA.bridge(legB), true);
    phoneA.startRecording(10, 'call');
    phoneB.startRecording(10, 'call');
    const digits: string[] = [];
    phoneB.on('digit', (d) => digits.push(d));
    await Promise.all([phoneA.play(tone(700, 1500)), phoneB.play(tone(1200, 1500))]);
    await phoneA.sendDigits('4#');
    await until(() => digits.length === 2, 5000, 'relayed digits');
    assert.deepEqual(digits, ['4', '#']);
    const heardA = (await phoneA.takeRecording('call'))!;
    const heardB = (await phoneB.takeRecording('call'))!;
    assert.ok(toneShare(heardB, 700) > 0.5, `B hears A's 700 Hz (${toneShare(heardB, 700)})`);
    assert.ok(toneShare(heardA, 1200) > 0.5, `A hears B's 1200 Hz (${toneShare(heardA, 1200)})`);
    assert.ok(toneShare(heardA, 700) < 0.05, 'A does not hear itself');
    assert.equal(Math.abs((dominantFrequencies(heardB)[0]?.hz ?? 0) - 700) < 10, true);
    // Unbridged, each leg sends its own audio again.
    legA.bridge(null);
    phoneA.startRecording(10, 'call');
    await legA.play(tone(500, 600));
    const own = (await phoneA.takeRecording('call'))!;
    assert.ok(toneShare(own, 500) > 0.5, `after the bridge, legA's own audio (${toneShare(own, 500)})`);
  } finally {
    await Promise.all(all.map((s) => s.close()));
  }
}

test('in-thread sessions bridge: audio both ways across PCMU/PCMA, digits relayed, unbridge restores own audio', async () => {
  await run(() => RtpSession.open({ host: '127.0.0.1' }));
});

test('engine sessions bridge on one thread; a session on another thread cannot be bridged', async (t) => {
  const engine = new MediaEngine(2);
  t.after(() => engine.close());
  const options = { host: '127.0.0.1', strict: { probation: 4 } } as const;
  await run((near) => engine.open(options, near));
  const a = await engine.open(options);
  const b = await engine.open(options); // the least-loaded thread: not a's
  const c = await engine.open(options, a);
  assert.equal(a.bridge(b), false);
  assert.equal(a.bridge(c), true);
  await Promise.all([a.close(), b.close(), c.close()]);
});
