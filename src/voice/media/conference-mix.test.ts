// Conference mixing at the media layer, over real RTP on loopback: three phones each send a tone to their
// leg; the legs are mixed; each phone hears the other two tones and not its own. In-thread and on an
// engine thread, with mute, hold (own audio plays instead) and speaker events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpSession } from './session.js';
import { MediaEngine } from './engine/pool.js';
import type { MediaSession } from './media-session.js';
import { tone, toneShare } from './spectrum.js';

const HZ = [600, 1100, 1700] as const;

async function run(open: (near?: MediaSession) => Promise<MediaSession>): Promise<void> {
  const home = await open();
  const phones: MediaSession[] = [];
  const legs: MediaSession[] = [];
  for (let i = 0; i < 3; i++) {
    const phone = await open();
    const leg = await open(home);
    phone.setRemote('127.0.0.1', leg.port);
    leg.setRemote('127.0.0.1', phone.port);
    phones.push(phone);
    legs.push(leg);
  }
  const all = [home, ...phones, ...legs];
  const listen = async (ms: number): Promise<Int16Array[]> => {
    await new Promise((r) => setTimeout(r, 200)); // what the mix sent before this round has arrived
    for (const p of phones) p.startRecording(10, 'call');
    await Promise.all(phones.map((p, i) => p.play(tone(HZ[i] ?? 0, ms))));
    return Promise.all(phones.map(async (p) => (await p.takeRecording('call')) ?? new Int16Array(0)));
  };
  try {
    const speaking: Array<[number, boolean]> = [];
    for (const [i, leg] of legs.entries()) leg.on('speaking', (on) => void speaking.push([i, on]));
    for (const leg of legs) assert.equal(leg.mix(home, { muted: false, hold: false, coach: null }), true);
    home.startRecording(10, 'conference');
    const heard = await listen(1500);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const share = toneShare(heard[i] as Int16Array, HZ[j] as number);
        if (i === j) assert.ok(share < 0.02, `phone ${i} does not hear itself (${share})`);
        else assert.ok(share > 0.15, `phone ${i} hears phone ${j} (${share})`);
      }
    }
    const rec = (await home.takeRecording('conference')) ?? new Int16Array(0);
    assert.ok(rec.length > 8000, `the conference recording (${rec.length} samples)`);
    for (const hz of HZ) assert.ok(toneShare(rec, hz) > 0.15, `the recording holds ${hz} Hz`);
    assert.deepEqual(new Set(speaking.filter(([, on]) => on).map(([i]) => i)), new Set([0, 1, 2]), 'each one spoke');

    // Phone 1 muted: the others no longer hear 1100 Hz; it still hears them.
    legs[1]?.mix(home, { muted: true, hold: false, coach: null });
    const muted = await listen(1000);
    assert.ok(
      toneShare(muted[0] as Int16Array, HZ[1]) < 0.02 && toneShare(muted[2] as Int16Array, HZ[1]) < 0.02,
      `muted is not heard (${toneShare(muted[0] as Int16Array, HZ[1])}, ${toneShare(muted[2] as Int16Array, HZ[1])})`,
    );
    assert.ok(toneShare(muted[1] as Int16Array, HZ[0]) > 0.15, 'muted still hears');

    // Phone 2 on hold, its leg playing music of its own (a 300 Hz stand-in): it hears that, not the others.
    legs[1]?.mix(home, { muted: false, hold: false, coach: null });
    legs[2]?.mix(home, { muted: false, hold: true, coach: null });
    const music = legs[2]?.play(tone(300, 3000), { loop: 0 });
    const held = await listen(1000);
    legs[2]?.stopPlayback();
    await music;
    assert.ok(toneShare(held[2] as Int16Array, 300) > 0.3, `the held one hears its music (${toneShare(held[2] as Int16Array, 300)})`);
    assert.ok(toneShare(held[2] as Int16Array, HZ[0]) < 0.02, 'and not the conference');
    assert.ok(toneShare(held[0] as Int16Array, HZ[2]) < 0.02, 'the held one is not heard');
    assert.ok(toneShare(held[0] as Int16Array, HZ[1]) > 0.15, 'unmuted is heard again');

    // Out of the mix: a leg sends its own audio again.
    legs[0]?.mix(null);
    phones[0]?.startRecording(10, 'call');
    await legs[0]?.play(tone(450, 600));
    const own = (await phones[0]?.takeRecording('call')) ?? new Int16Array(0);
    assert.ok(toneShare(own, 450) > 0.5, 'own audio after leaving');
  } finally {
    await Promise.all(all.map((s) => s.close()));
  }
}

test('in-thread sessions mix: each hears the others, not itself; mute, hold, recording, speakers', async () => {
  await run(() => RtpSession.open({ host: '127.0.0.1' }));
});

test('engine sessions mix on one thread; a session of another thread cannot join that mix', async (t) => {
  const engine = new MediaEngine(2);
  t.after(() => engine.close());
  const options = { host: '127.0.0.1', strict: { probation: 4 } } as const;
  await run((near) => engine.open(options, near));
  const a = await engine.open(options);
  const b = await engine.open(options); // the least-loaded thread: not a's
  assert.equal(b.mix(a, { muted: false, hold: false, coach: null }), false);
  await Promise.all([a.close(), b.close()]);
});
