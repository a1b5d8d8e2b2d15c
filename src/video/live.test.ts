import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { systemClock } from '../core/clock.js';
import { migrate, openStore } from '../store/db.js';
import { type TrackRow, VideoRepository } from '../store/repositories/video.js';
import { LiveRooms } from './live.js';
import { RoomsService } from './rooms.js';
import type { ToWorker } from './sfu/protocol.js';
import type { ServerMessage } from './signal-protocol.js';

const ACCOUNT = `AC${'0'.repeat(32)}`;

/** A store whose track inserts take a while, as on a busy PostgreSQL. */
class SlowTracks extends VideoRepository {
  override async insertTrack(row: TrackRow): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return super.insertTrack(row);
  }
}

const socket = { send: (_m: ServerMessage) => undefined, close: () => undefined };
const grant = (identity: string) => ({ accountSid: ACCOUNT, keySid: 'SK1', identity, room: 'r', expiresAt: 0 });

/** Live rooms over an in-memory SQLite store, with the worker messages they send and the lines they log. */
async function rig(t: TestContext, o: { slowTracks?: boolean; reconnectMs?: number } = {}) {
  const store = openStore(':memory:');
  await migrate(store);
  const dir = mkdtempSync(join(tmpdir(), 'live-'));
  const repo = o.slowTracks ? new SlowTracks(store.db) : new VideoRepository(store.db);
  const rooms = new RoomsService({ repo, clock: systemClock, origin: () => 'http://127.0.0.1', enqueue: async () => undefined });
  const sent: ToWorker[] = [];
  const logged: string[] = [];
  const pool = { join: () => undefined, send: (m: ToWorker) => void sent.push(m), closeRoom: () => undefined };
  const live = new LiveRooms({
    rooms,
    pool,
    clock: systemClock,
    nodeId: 'n1',
    reconnectMs: o.reconnectMs ?? 1000,
    recordingsDir: dir,
    log: (_level, msg) => void logged.push(msg),
  });
  t.after(async () => {
    await live.close();
    rmSync(dir, { recursive: true, force: true });
    await store.close();
  });
  return { rooms, live, sent, logged };
}

test('a subscription the SFU reports while the publisher tracks are still being stored is kept', async (t) => {
  const { rooms, live, sent } = await rig(t, { slowTracks: true });
  const alice = await live.connect(grant('alice'), undefined, socket);
  const bob = await live.connect(grant('bob'), undefined, socket);

  live.publish(alice, 'v=0', [
    { mid: '0', kind: 'audio', name: 'mic' },
    { mid: '1', kind: 'video', name: 'cam' },
  ]);
  const publish = sent.find((m) => m.t === 'publish');
  assert.ok(publish?.t === 'publish');
  const codecs = Object.fromEntries(publish.tracks.map((d) => [d.sid, d.kind === 'audio' ? 'opus' : 'VP8']));
  // The worker's events as it posts them: its answer, then (the subscriber having answered quickly) both subscriptions.
  const events = [
    live.onWorker({ t: 'publish-answer', participant: alice.row.sid, sdp: 'v=0', codecs }),
    ...publish.tracks.map((d) =>
      live.onWorker({ t: 'subscribed', participant: bob.row.sid, track: { sid: d.sid, kind: d.kind, name: d.name, publisherSid: alice.row.sid } }),
    ),
  ];
  await Promise.all(events);
  const subs = await rooms.listSubscriptions(bob.row, { pageSize: 50 });
  assert.deepEqual(subs.items.map((s) => s.name).sort(), ['cam', 'mic']);
  await live.onWorker({ t: 'unsubscribed', participant: bob.row.sid, trackSid: publish.tracks[0]!.sid });
  assert.equal((await rooms.listSubscriptions(bob.row, { pageSize: 50 })).items.length, 1);
});

test('a participant removed by the reconnect window or a failed media connection is named in the log', async (t) => {
  const { live, logged } = await rig(t, { reconnectMs: 20 });
  const carol = await live.connect(grant('carol'), undefined, socket);
  const dave = await live.connect(grant('dave'), undefined, socket);
  live.socketLost(carol, socket);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await live.onWorker({ t: 'media-state', participant: dave.row.sid, state: 'failed' });
  assert.deepEqual(logged, [
    `participant ${carol.row.sid} (carol) removed: its signalling stayed away for the 20 ms reconnect window`,
    `participant ${dave.row.sid} (dave) removed: its media connection failed`,
  ]);
  assert.ok(carol.gone && dave.gone);
});
