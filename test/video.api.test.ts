// Video REST API end to end, with the official twilio-node client and werift bots as participants that
// really connect (publish synthetic media, subscribe, leave, vanish). Runs on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { eventually, FakeApp } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { validateAgainstSpec } from './support/oai.js';
import { VideoBot } from './support/video-bot.js';

const SPEC = 'twilio_video_v1.json';
const { AccessToken } = twilio.jwt;

function specErrors(schema: string, value: unknown): string[] {
  return validateAgainstSpec(SPEC, `video.v1.${schema}`, JSON.parse(JSON.stringify(value)));
}

async function apiError(p: Promise<unknown>): Promise<{ code: number; status: number }> {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code: number }).code, status: (err as { status: number }).status };
  }
  throw new Error('expected the call to fail');
}

describe('video REST API', () => {
  let s: TestServer;
  let app: FakeApp;
  let key: { sid: string; secret: string };
  const bots: VideoBot[] = [];
  const token = (identity: string, room?: string, o: { ttl?: number; nbf?: number; secret?: string; account?: string } = {}) => {
    const t = new AccessToken(o.account ?? s.accountSid, key.sid, o.secret ?? key.secret, { identity, ttl: o.ttl ?? 600, ...(o.nbf ? { nbf: o.nbf } : {}) });
    t.addGrant(new AccessToken.VideoGrant(room ? { room } : {}));
    return t.toJwt();
  };
  const join = async (identity: string, room: string, o: { videoBitrate?: number; audio?: boolean } = {}) => {
    const bot = await VideoBot.join(s.url, token(identity, room), o);
    bots.push(bot);
    return bot;
  };

  before(async () => {
    app = await new FakeApp().start();
    s = await startTestServer({ videoReconnectMs: 1500, videoWorkers: 2 });
    const k = await s.client.newKeys.create({ friendlyName: 'video' });
    key = { sid: k.sid, secret: k.secret };
  });
  after(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await s?.close();
    await app?.stop();
  });

  test('rooms: create, fetch by SID and by name, list with filters, complete; limits give Twilio codes', async () => {
    const room = await s.client.video.v1.rooms.create({ uniqueName: 'standup', type: 'group', maxParticipants: 10, emptyRoomTimeout: 2, unusedRoomTimeout: 3 });
    assert.equal(room.status, 'in-progress');
    assert.equal(room.maxParticipants, 10);
    assert.equal(room.emptyRoomTimeout, 2);
    assert.match(room.sid, /^RM[0-9a-f]{32}$/);
    const raw = await (await s.fetch(`/video/v1/Rooms/${room.sid}`)).json();
    assert.deepEqual(specErrors('room', raw), []);
    assert.equal((await s.client.video.v1.rooms('standup').fetch()).sid, room.sid);

    assert.equal((await apiError(s.client.video.v1.rooms.create({ uniqueName: 'standup' }))).code, 53113);
    assert.equal((await apiError(s.client.video.v1.rooms.create({ maxParticipants: 51 }))).code, 53107);
    assert.equal((await apiError(s.client.video.v1.rooms.create({ type: 'group-small', maxParticipants: 5 }))).code, 53107);
    assert.equal((await apiError(s.client.video.v1.rooms.create({ type: 'conference' as never }))).code, 53108);
    assert.equal((await apiError(s.client.video.v1.rooms.create({ emptyRoomTimeout: 0 }))).code, 53109);
    assert.equal((await apiError(s.client.video.v1.rooms.create({ uniqueName: 'x'.repeat(129) }))).code, 53101);
    assert.equal((await apiError(s.client.video.v1.rooms(room.sid).update({ status: 'in-progress' as never }))).code, 53112);

    const other = await s.client.video.v1.rooms.create({ uniqueName: 'retro', type: 'group-small' });
    assert.equal(other.maxParticipants, 4);
    const live = await s.client.video.v1.rooms.list({ status: 'in-progress' });
    assert.deepEqual(new Set(live.map((r) => r.uniqueName)), new Set(['standup', 'retro']));
    assert.deepEqual(
      (await s.client.video.v1.rooms.list({ uniqueName: 'retro' })).map((r) => r.sid),
      [other.sid],
    );
    assert.equal((await s.client.video.v1.rooms.list({ dateCreatedAfter: new Date(Date.now() + 60_000) })).length, 0);
    const page = (await (await s.fetch('/video/v1/Rooms?PageSize=1')).json()) as { rooms: unknown[]; meta: { key: string; next_page_url: string | null } };
    assert.equal(page.meta.key, 'rooms');
    assert.ok(page.meta.next_page_url);

    const done = await s.client.video.v1.rooms(other.sid).update({ status: 'completed' });
    assert.equal(done.status, 'completed');
    assert.ok(done.endTime instanceof Date);
    assert.equal(typeof done.duration, 'number');
    assert.equal((await apiError(s.client.video.v1.rooms('retro').fetch())).status, 404, 'a name finds only an in-progress room');
    assert.equal((await s.client.video.v1.rooms.create({ uniqueName: 'retro' })).uniqueName, 'retro', 'the name is free again');
    assert.equal((await s.client.video.v1.rooms.list({ status: 'completed' })).length, 1);
  });

  test('tokens: the official AccessToken connects; expired, forged, foreign and grant-less tokens get their codes', async () => {
    const ok = await join('token-ok', 'tokens');
    assert.match(ok.participantSid, /^PA/);
    const refused = async (jwt: string) => {
      try {
        const b = await VideoBot.join(s.url, jwt);
        await b.close();
        return 0;
      } catch (err) {
        return (err as { code: number }).code;
      }
    };
    assert.equal(await refused(token('late', 'tokens', { ttl: -30 })), 20104);
    assert.equal(await refused(token('forged', 'tokens', { secret: 'not-the-secret-at-all-000000000' })), 20107);
    assert.equal(await refused(token('early', 'tokens', { nbf: Math.floor(Date.now() / 1000) + 600 })), 20105);
    const sub = await s.client.api.v2010.accounts.create({ friendlyName: 'tenant' });
    assert.equal(await refused(token('foreign', 'tokens', { account: sub.sid })), 20103, "another account's key does not sign for it");
    const noVideo = new AccessToken(s.accountSid, key.sid, key.secret, { identity: 'chat-only' });
    noVideo.addGrant(new AccessToken.ChatGrant({ serviceSid: `IS${'0'.repeat(32)}` }));
    assert.equal(await refused(noVideo.toJwt()), 20106);
    assert.equal(await refused('not.a.jwt'), 20102);
    assert.equal(await refused(token('wrong-room', 'tokens').replace(/.$/, '')), 20107);
    const bound = new AccessToken(s.accountSid, key.sid, key.secret, { identity: 'bound' });
    bound.addGrant(new AccessToken.VideoGrant({ room: 'only-here' }));
    try {
      await VideoBot.join(s.url, bound.toJwt(), { room: 'elsewhere' });
      assert.fail('a token for one room opened another');
    } catch (err) {
      assert.equal((err as { code: number }).code, 20106);
    }
    await ok.leave();
  });

  test('participants, published and subscribed tracks through REST; media flows; kick, full room, duplicate identity', async () => {
    const room = await s.client.video.v1.rooms.create({ uniqueName: 'media', maxParticipants: 3, statusCallback: `${app.base}/video` });
    const alice = await join('alice', 'media', { videoBitrate: 300_000, audio: true });
    const bob = await join('bob', 'media', { audio: true });
    await bob.until(() => [...bob.received.values()].filter((r) => r.packets > 20).length === 2);
    await alice.until(() => [...alice.received.values()].some((r) => r.packets > 20));

    const participants = await s.client.video.v1.rooms(room.sid).participants.list({ status: 'connected' });
    assert.deepEqual(participants.map((p) => p.identity).sort(), ['alice', 'bob']);
    const rawP = (await (await s.fetch(`/video/v1/Rooms/${room.sid}/Participants/alice`)).json()) as { sid: string };
    assert.equal(rawP.sid, alice.participantSid, 'a participant is found by identity');
    assert.deepEqual(specErrors('room.room_participant', rawP), []);

    const published = await s.client.video.v1.rooms(room.sid).participants(alice.participantSid).publishedTracks.list();
    assert.deepEqual(published.map((t) => t.kind).sort(), ['audio', 'video']);
    const rawT = await (await s.fetch(`/video/v1/Rooms/${room.sid}/Participants/${alice.participantSid}/PublishedTracks/${published[0]!.sid}`)).json();
    assert.deepEqual(specErrors('room.room_participant.room_participant_published_track', rawT), []);
    const subscribed = await eventually(async () => {
      const list = await s.client.video.v1.rooms(room.sid).participants(bob.participantSid).subscribedTracks.list();
      return list.length === 2 ? list : undefined;
    });
    assert.ok(subscribed.every((t) => t.publisherSid === alice.participantSid));
    assert.deepEqual(new Set(subscribed.map((t) => t.sid)), new Set(published.map((t) => t.sid)));
    const rawS = await (await s.fetch(`/video/v1/Rooms/${room.sid}/Participants/${bob.participantSid}/SubscribedTracks/${subscribed[0]!.sid}`)).json();
    assert.deepEqual(specErrors('room.room_participant.room_participant_subscribed_track', rawS), []);
    const video = published.find((t) => t.kind === 'video')!;
    const got = bob.received.get(video.sid)!;
    assert.ok(got.packets > 20 && got.lost <= got.packets / 10, `bob receives alice's video (${JSON.stringify(got)})`);

    const pool = s.sb.video.pool;
    const tokensRoom = (await s.client.video.v1.rooms('tokens').fetch()).sid;
    assert.notEqual(pool.workerOf(room.sid), pool.workerOf(tokensRoom), 'another room goes to an idle worker');
    const carol = await join('carol', 'media');
    try {
      await join('dave', 'media');
      assert.fail('a fourth participant joined a room of three');
    } catch (err) {
      assert.equal((err as { code: number }).code, 53105);
    }
    const carol2 = await join('carol', 'media');
    await carol.until(() => carol.disconnected !== null);
    assert.equal(carol.disconnected?.code, 53205, 'the older connection of an identity is replaced');

    const kicked = await s.client.video.v1.rooms(room.sid).participants(bob.participantSid).update({ status: 'disconnected' });
    assert.equal(kicked.status, 'disconnected');
    assert.equal(typeof kicked.duration, 'number');
    await bob.until(() => bob.disconnected !== null);
    assert.equal(bob.disconnected?.code, 53204);
    await alice.until(() => !alice.participants.has(bob.participantSid));
    assert.equal((await s.client.video.v1.rooms(room.sid).participants.list({ status: 'connected' })).length, 2);
    assert.equal((await s.client.video.v1.rooms(room.sid).participants(bob.participantSid).subscribedTracks.list()).length, 0);

    await s.client.video.v1.rooms(room.sid).update({ status: 'completed' });
    await alice.until(() => alice.disconnected !== null);
    assert.equal(alice.disconnected?.code, 53118);
    await carol2.until(() => carol2.disconnected !== null);

    const hooks = await eventually(async () => {
      const got = app.received.filter((r) => r.path === '/video');
      return got.some((r) => r.params.StatusCallbackEvent === 'room-ended') ? got : undefined;
    });
    const events = hooks.map((h) => h.params.StatusCallbackEvent);
    for (const e of ['room-created', 'participant-connected', 'track-added', 'track-removed', 'participant-disconnected', 'room-ended'])
      assert.ok(events.includes(e), `callback ${e}`);
    assert.equal(events.filter((e) => e === 'participant-connected').length, 4);
    for (const h of hooks) assert.ok(twilio.validateRequest(s.authToken, String(h.headers['x-twilio-signature']), h.url, h.params), 'signed');
    const seqs = hooks.map((h) => Number(h.params.SequenceNumber)).sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i),
      'SequenceNumber counts each callback once',
    );
    const ended = hooks.find((h) => h.params.StatusCallbackEvent === 'room-ended')!;
    assert.equal(ended.params.RoomStatus, 'completed');
    const leftBob = hooks.find((h) => h.params.StatusCallbackEvent === 'participant-disconnected' && h.params.ParticipantIdentity === 'bob')!;
    assert.equal(leftBob.params.ParticipantSid, bob.participantSid);
  });

  test('a participant that vanishes is reconnecting, then removed after the reconnect window', async () => {
    await s.client.video.v1.rooms.create({ uniqueName: 'vanish' });
    const stays = await join('stays', 'vanish');
    const ghost = await join('ghost', 'vanish', { audio: true });
    await stays.until(() => stays.participants.has(ghost.participantSid));
    await ghost.close();
    const status = async () => (await s.client.video.v1.rooms('vanish').participants(ghost.participantSid).fetch()).status;
    await eventually(async () => ((await status()) === 'reconnecting' ? true : undefined), 5000);
    await stays.until(() => !stays.participants.has(ghost.participantSid), 10_000);
    assert.equal(await status(), 'disconnected');
    assert.equal((await s.client.video.v1.rooms('vanish').participants(ghost.participantSid).publishedTracks.list()).length, 0);
    await stays.leave();
  });

  test('recordings: RecordParticipantsOnConnect records each track to a WebM file served as Media', async () => {
    const room = await s.client.video.v1.rooms.create({ uniqueName: 'recorded', recordParticipantsOnConnect: true, statusCallback: `${app.base}/rec` });
    const speaker = await join('speaker', 'recorded', { videoBitrate: 200_000, audio: true });
    await new Promise((r) => setTimeout(r, 2500));
    await speaker.leave();
    const recs = await eventually(async () => {
      const list = await s.client.video.v1.rooms(room.sid).recordings.list();
      return list.length === 2 && list.every((r) => r.status !== 'processing') ? list : undefined;
    }, 15_000);
    assert.deepEqual(recs.map((r) => `${r.type}/${r.containerFormat}/${r.codec}/${r.status}`).sort(), ['audio/mka/OPUS/completed', 'video/mkv/VP8/completed']);
    const raw = await (await s.fetch(`/video/v1/Recordings/${recs[0]!.sid}`)).json();
    assert.deepEqual(specErrors('recording', raw), []);
    const rawRoom = await (await s.fetch(`/video/v1/Rooms/${room.sid}/Recordings/${recs[0]!.sid}`)).json();
    assert.deepEqual(specErrors('room.room_recording', rawRoom), []);
    for (const r of recs) {
      const media = await s.fetch(`/video/v1/Recordings/${r.sid}/Media`);
      assert.equal(media.status, 200);
      const body = Buffer.from(await media.arrayBuffer());
      assert.equal(body.readUInt32BE(0), 0x1a45dfa3, 'an EBML (Matroska/WebM) file');
      assert.equal(body.length, r.size);
      assert.ok(body.includes(Buffer.from(r.type === 'audio' ? 'A_OPUS' : 'V_VP8')), 'with the codec named in its track entry');
    }
    assert.equal((await s.client.video.v1.recordings.list({ groupingSid: [room.sid] })).length, 2);
    const events = app.received.filter((h) => h.path === '/rec').map((h) => h.params.StatusCallbackEvent);
    assert.equal(events.filter((e) => e === 'recording-started').length, 2);
    await eventually(async () =>
      app.received.filter((h) => h.path === '/rec' && h.params.StatusCallbackEvent === 'recording-completed').length === 2 ? true : undefined,
    );
  });

  test('once everybody has left, the SFU workers hold no peer connections and no sockets', async () => {
    await Promise.all(bots.map((b) => b.close()));
    const stats = await eventually(async () => {
      const all = await s.sb.video.pool.stats();
      return all.every((w) => w.participants === 0 && w.udpSockets === 0) ? all : undefined;
    }, 10_000);
    assert.ok(stats.length >= 2, 'rooms were spread over two workers');
    assert.ok(stats.reduce((n, w) => n + w.packetsOut, 0) > 0);
  });
});
