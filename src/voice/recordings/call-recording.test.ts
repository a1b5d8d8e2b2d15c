import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallRow } from '../../store/repositories/calls.js';
import { interleave } from '../media/dial-recorder.js';
import type { SavedRecording } from '../verbs/index.js';
import { CallRecordings, type RecordingMedia } from './call-recording.js';
import type { RecordingCallback, RecordingSource } from './service.js';

const tone = (n: number, level: number) => Int16Array.from({ length: n }, (_, i) => Math.round(level * Math.sin(i / 3)));

/** The media slot: each take hands back `n` stereo frames (left loud, right quiet), then starts afresh. */
function fakeMedia(frames: number) {
  const log: string[] = [];
  const media: RecordingMedia = {
    startRecording: (_max, which) => void log.push(`start ${which}`),
    takeRecording: async (which) => {
      log.push(`take ${which}`);
      return interleave(tone(frames, 8000), tone(frames, 1000));
    },
  };
  return { media, log };
}

function fakeStore() {
  const saved: { pcm: Int16Array; source: RecordingSource; channels?: 1 | 2 }[] = [];
  const notified: string[] = [];
  return {
    saved,
    notified,
    deps: {
      save: async (_c: CallRow, pcm: Int16Array, _at: number, source: RecordingSource, _cb: RecordingCallback | null, o?: { channels?: 1 | 2 }) => {
        saved.push({ pcm, source, channels: o?.channels });
        return { sid: 'RE', url: '', durationSeconds: Math.round(pcm.length / (o?.channels ?? 1) / 8000) } satisfies SavedRecording;
      },
      notify: async (_c: CallRow, _sid: string, status: 'in-progress' | 'absent') => void notified.push(status),
    },
  };
}

const call = { sid: `CA${'1'.repeat(32)}`, account_sid: `AC${'2'.repeat(32)}` } as CallRow;
const cb: RecordingCallback = { url: 'http://127.0.0.1/cb', method: 'POST', events: ['in-progress', 'absent', 'completed'] };

test('pause with skip leaves the paused time out; silence puts it back; mono inbound keeps the first channel', async () => {
  let now = 0;
  const { media, log } = fakeMedia(8000);
  const store = fakeStore();
  const recs = new CallRecordings(
    store.deps,
    () => call,
    media,
    () => now,
  );
  const skip = recs.start({ channels: 2, track: 'both', trim: false, callback: cb });
  assert.equal(recs.get('Twilio.CURRENT'), skip);
  await skip.pause('skip');
  now = 5000;
  skip.resume();
  await skip.stop();
  assert.deepEqual(log, ['start dial', 'take dial', 'start dial', 'take dial']);
  assert.equal(store.saved[0]?.pcm.length, 2 * 8000 * 2, 'two takes of a second, nothing for the pause');
  assert.equal(skip.info().status, 'completed');
  assert.equal(recs.get('Twilio.CURRENT'), null, 'nothing current once stopped');

  const silence = recs.start({ channels: 1, track: 'inbound', trim: false, callback: null });
  await silence.pause('silence');
  now = 7000;
  silence.resume();
  await recs.stopAll();
  const mono = store.saved[1]?.pcm ?? new Int16Array(0);
  assert.equal(mono.length, 8000 + 16000 + 8000, 'a second, two seconds of silence, a second');
  assert.ok(mono.subarray(8000, 24000).every((v) => v === 0));
  assert.ok(Math.max(...mono.subarray(0, 8000)) > 7000, 'the loud first channel (inbound)');
  assert.equal(store.saved[1]?.source, 'StartCallRecordingAPI');
});

test('stopped while paused with silence: the pause lasts until the stop', async () => {
  let now = 0;
  const { media } = fakeMedia(8000);
  const store = fakeStore();
  const rec = new CallRecordings(
    store.deps,
    () => call,
    media,
    () => now,
  ).start({ channels: 2, track: 'both', trim: false, callback: null });
  await rec.pause('silence');
  now = 1500;
  await rec.stop();
  assert.equal(store.saved[0]?.pcm.length, (8000 + 12000) * 2, 'a second recorded, then 1.5 s of silence');
});

test('nothing heard is absent: no recording stored, the absent callback sent', async () => {
  const media: RecordingMedia = { startRecording: () => undefined, takeRecording: async () => new Int16Array(16000) };
  const store = fakeStore();
  const rec = new CallRecordings(
    store.deps,
    () => call,
    media,
    () => 0,
  ).start({ channels: 1, track: 'both', trim: false, callback: cb });
  await rec.stop();
  assert.equal(store.saved.length, 0);
  assert.deepEqual(store.notified, ['in-progress', 'absent']);
  assert.equal(rec.info().status, 'absent');
});
