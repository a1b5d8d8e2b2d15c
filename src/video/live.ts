import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { ApiError, codes, errors } from '../core/errors.js';
import { isSid, newOrderedSid } from '../core/sid.js';
import type { ParticipantRow, RoomRow, TrackRow, VideoRecordingRow } from '../store/repositories/video.js';
import type { RoomsService } from './rooms.js';
import type { SfuPool } from './sfu/pool.js';
import type { FromWorker, PublishDesc } from './sfu/protocol.js';
import type { ParticipantInfo, PublishTrackDesc, ServerMessage, SignalSocket } from './signal-protocol.js';
import type { VideoGrant } from './token.js';

export interface LiveParticipant {
  row: ParticipantRow;
  room: LiveRoom;
  socket: SignalSocket | null;
  resumeToken: string;
  /** Published tracks by SID, and the SID given to each m-line of its publisher connection. */
  tracks: Map<string, TrackRow>;
  midSid: Map<string, string>;
  pendingPublish: PublishDesc[] | null;
  reconnectTimer: NodeJS.Timeout | null;
  gone: boolean;
}

export interface LiveRoom {
  row: RoomRow;
  participants: Map<string, LiveParticipant>;
  timer: NodeJS.Timeout | null;
  ending: boolean;
  /** Joins and leaves of a room apply one at a time (the participant limit holds under concurrent joins). */
  queue: Promise<unknown>;
}

export interface LiveOptions {
  rooms: RoomsService;
  pool: Pick<SfuPool, 'join' | 'send' | 'closeRoom'>;
  clock: Clock;
  /** This node's name in video_rooms.media_node. */
  nodeId: string;
  /** How long a participant whose signalling dropped keeps its place before it is removed. */
  reconnectMs: number;
  recordingsDir: string;
  log: (level: 'warn' | 'error', msg: string, err?: unknown) => void;
}

const MAX_TRACKS = 16;

function info(p: LiveParticipant): ParticipantInfo {
  return {
    sid: p.row.sid,
    identity: p.row.identity,
    tracks: [...p.tracks.values()].map((t) => ({ sid: t.sid, kind: t.kind as 'audio' | 'video', name: t.name })),
  };
}

/**
 * The rooms this node hosts, live: who is connected through which socket, room timers, and the glue
 * between signalling, the SFU workers and the room records (whose writes send the status callbacks).
 */
export class LiveRooms {
  private readonly rooms = new Map<string, LiveRoom>();
  private readonly participants = new Map<string, LiveParticipant>();
  private readonly recordings = new Map<string, { room: RoomRow; row: VideoRecordingRow }>();
  private closing = false;

  constructor(private readonly o: LiveOptions) {
    mkdirSync(o.recordingsDir, { recursive: true });
  }

  private live(row: RoomRow): LiveRoom {
    let room = this.rooms.get(row.sid);
    if (!room) {
      room = { row, participants: new Map(), timer: null, ending: false, queue: Promise.resolve() };
      this.rooms.set(row.sid, room);
    }
    return room;
  }

  private serial<T>(room: LiveRoom, work: () => Promise<T>): Promise<T> {
    const next = room.queue.then(work, work);
    room.queue = next.catch(() => undefined);
    return next;
  }

  /** A room nobody has joined ends after UnusedRoomTimeout; an emptied one after EmptyRoomTimeout. */
  roomIdle(row: RoomRow, used: boolean): void {
    const room = this.live(row);
    if (room.timer) clearTimeout(room.timer);
    const minutes = used ? row.empty_room_timeout : row.unused_room_timeout;
    room.timer = setTimeout(() => {
      void this.complete(row).catch((err: unknown) => this.o.log('warn', 'ending an idle room failed', err));
    }, minutes * 60_000);
    room.timer.unref();
  }

  // --- joining ---

  async connect(grant: VideoGrant, requested: string | undefined, socket: SignalSocket): Promise<LiveParticipant> {
    if (grant.room && requested && requested !== grant.room) throw errors.accessTokenGrantsInvalid(`the token is for room ${grant.room}`);
    const name = grant.room ?? requested;
    if (!name) throw errors.roomNameInvalid('connect needs a room name, or a token whose grant names one');
    if (grant.identity.length > 256) throw errors.participantIdentityTooLong();
    const row = await this.resolveRoom(grant.accountSid, name);
    const room = this.live(row);
    return this.serial(room, async () => {
      if (room.row.status !== 'in-progress' || this.closing) throw errors.roomCompleted();
      // A second connection with the same identity replaces the first, as Twilio does (53205 to the old one).
      for (const other of room.participants.values()) {
        if (other.row.identity === grant.identity) await this.remove(other, errors.participantDuplicateIdentity());
      }
      if (room.participants.size >= room.row.max_participants) throw errors.roomFull();
      const row2 = await this.o.rooms.addParticipant(room.row, grant.identity);
      if (room.participants.size === 0 && room.row.media_node !== this.o.nodeId) {
        await this.o.rooms.setMediaNode(room.row, this.o.nodeId);
        room.row = { ...room.row, media_node: this.o.nodeId };
      }
      if (room.timer) {
        clearTimeout(room.timer);
        room.timer = null;
      }
      const p: LiveParticipant = {
        row: row2,
        room,
        socket,
        resumeToken: randomBytes(24).toString('base64url'),
        tracks: new Map(),
        midSid: new Map(),
        pendingPublish: null,
        reconnectTimer: null,
        gone: false,
      };
      const others = [...room.participants.values()];
      room.participants.set(row2.sid, p);
      this.participants.set(row2.sid, p);
      this.o.pool.join(room.row.sid, row2.sid);
      socket.send({
        type: 'connected',
        resumeToken: p.resumeToken,
        participant: info(p),
        participants: others.map(info),
        room: { sid: room.row.sid, name: room.row.unique_name, type: room.row.type, recording: room.row.record_participants_on_connect === 1 },
      });
      this.broadcast(room, p, { type: 'participant-connected', participant: info(p) });
      return p;
    });
  }

  private async resolveRoom(accountSid: string, name: string): Promise<RoomRow> {
    if (isSid(name, 'RM')) {
      const row = await this.o.rooms.get(accountSid, name);
      if (!row) throw errors.roomNotFound();
      if (row.status !== 'in-progress') throw errors.roomCompleted();
      return this.rooms.get(row.sid)?.row ?? row;
    }
    const existing = await this.o.rooms.get(accountSid, name);
    if (existing) return this.rooms.get(existing.sid)?.row ?? existing;
    try {
      // Twilio's client-side room creation: connecting to a name that has no room makes a group room.
      return await this.o.rooms.create(accountSid, { uniqueName: name });
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== codes.roomExists) throw err;
      return this.o.rooms.find(accountSid, name); // created concurrently by someone else
    }
  }

  /** A participant's signalling came back within the reconnect window. */
  resume(participantSid: string, resumeToken: string, socket: SignalSocket): LiveParticipant {
    const p = this.participants.get(participantSid);
    if (!p || p.gone || p.resumeToken !== resumeToken) throw errors.signalingConnectionDisconnected();
    if (p.reconnectTimer) {
      clearTimeout(p.reconnectTimer);
      p.reconnectTimer = null;
    }
    p.socket?.close();
    p.socket = socket;
    void this.o.rooms.setParticipantStatus(p.row, 'connected');
    p.row = { ...p.row, status: 'connected' };
    socket.send({ type: 'resumed' });
    this.broadcast(p.room, p, { type: 'participant-reconnected', participantSid: p.row.sid });
    return p;
  }

  /** The socket closed without a goodbye: keep the place for `reconnectMs`, then remove the participant. */
  socketLost(p: LiveParticipant, socket: SignalSocket): void {
    if (p.gone || p.socket !== socket) return;
    p.socket = null;
    p.row = { ...p.row, status: 'reconnecting' };
    void this.o.rooms.setParticipantStatus(p.row, 'reconnecting').catch(() => undefined);
    this.broadcast(p.room, p, { type: 'participant-reconnecting', participantSid: p.row.sid });
    p.reconnectTimer = setTimeout(() => {
      // Said in the log, since the participant's own view ends with its socket.
      this.o.log('warn', `participant ${p.row.sid} (${p.row.identity}) removed: its signalling stayed away for the ${this.o.reconnectMs} ms reconnect window`);
      void this.leave(p);
    }, this.o.reconnectMs);
    p.reconnectTimer.unref();
  }

  // --- media ---

  publish(p: LiveParticipant, sdp: string, descs: PublishTrackDesc[]): void {
    if (p.gone) return;
    const tracks: PublishDesc[] = [];
    for (const d of descs) {
      if (d.name.length > 128) throw errors.trackNameTooLong();
      const sid = p.midSid.get(d.mid) ?? newOrderedSid('MT', this.o.clock.now());
      tracks.push({ mid: d.mid, kind: d.kind, name: d.name, sid, rids: d.rids ?? [] });
    }
    if (new Set([...p.midSid.keys(), ...descs.map((d) => d.mid)]).size > MAX_TRACKS) throw errors.participantMaxTracksExceeded();
    p.pendingPublish = tracks;
    this.o.pool.send({ t: 'publish', participant: p.row.sid, sdp, tracks });
  }

  answer(p: LiveParticipant, sdp: string): void {
    if (!p.gone) this.o.pool.send({ t: 'answer', participant: p.row.sid, sdp });
  }

  setLayer(p: LiveParticipant, trackSid: string, layer: number | null): void {
    if (!p.gone) this.o.pool.send({ t: 'layer', participant: p.row.sid, trackSid, layer });
  }

  async unpublish(p: LiveParticipant, trackSid: string): Promise<void> {
    const track = p.tracks.get(trackSid);
    if (!track || p.gone) return;
    p.tracks.delete(trackSid);
    for (const [mid, sid] of p.midSid) if (sid === trackSid) p.midSid.delete(mid);
    this.o.pool.send({ t: 'unpublish', participant: p.row.sid, trackSid });
    this.broadcast(p.room, p, { type: 'track-unpublished', participantSid: p.row.sid, trackSid });
    await this.o.rooms.unpublishTrack(p.room.row, p.row, track);
  }

  /** Events from the SFU workers. */
  async onWorker(msg: FromWorker): Promise<void> {
    if (msg.t === 'log') return this.o.log(msg.level, msg.message);
    if (msg.t === 'recording-done') {
      const rec = this.recordings.get(msg.result.recordingSid);
      if (!rec) return;
      this.recordings.delete(msg.result.recordingSid);
      if (!msg.result.ok) this.o.log('warn', `recording ${rec.row.sid} failed: ${msg.result.error ?? 'empty file'}`);
      return this.o.rooms.finishRecording(rec.room, rec.row, msg.result);
    }
    if (msg.t === 'stats') return;
    const p = this.participants.get(msg.participant);
    if (!p || p.gone) return;
    // In the room's order: a subscription the SFU reports while the publisher's tracks are still being
    // stored would find no track and be lost; an unsubscribe could overtake its subscribe's insert.
    return this.serial(p.room, () => (p.gone ? Promise.resolve() : this.onParticipantEvent(p, msg)));
  }

  private async onParticipantEvent(p: LiveParticipant, msg: Exclude<FromWorker, { t: 'log' | 'recording-done' | 'stats' }>): Promise<void> {
    switch (msg.t) {
      case 'publish-answer':
        return this.published(p, msg.sdp, msg.codecs);
      case 'publish-failed':
        return p.socket?.send({ type: 'publish-failed', code: msg.code, message: msg.message });
      case 'offer':
        return p.socket?.send({ type: 'offer', sdp: msg.sdp, slots: msg.slots });
      case 'subscribed': {
        const owner = this.participants.get(msg.track.publisherSid);
        const track = owner?.tracks.get(msg.track.sid);
        if (track) await this.o.rooms.subscribe(p.row, track);
        return;
      }
      case 'unsubscribed':
        return this.o.rooms.unsubscribe(p.row.sid, msg.trackSid);
      case 'media-state':
        if (msg.state === 'failed') {
          this.o.log('warn', `participant ${p.row.sid} (${p.row.identity}) removed: its media connection failed`);
          await this.remove(p, errors.mediaConnectionFailed());
        }
        return;
    }
  }

  private async published(p: LiveParticipant, sdp: string, codecs: Record<string, string>): Promise<void> {
    const descs = p.pendingPublish ?? [];
    p.pendingPublish = null;
    const mapping: { mid: string; sid: string }[] = [];
    const added: TrackRow[] = [];
    for (const d of descs) {
      if (!p.midSid.has(d.mid) && codecs[d.sid] === undefined) continue; // the SFU could not take it
      mapping.push({ mid: d.mid, sid: d.sid });
      if (p.midSid.has(d.mid)) continue;
      p.midSid.set(d.mid, d.sid);
      // The SFU already forwards under the SID given with the offer; the stored row takes that SID.
      const track = await this.o.rooms.publishTrack(p.room.row, p.row, d.kind, d.name, d.sid);
      p.tracks.set(d.sid, track);
      added.push(track);
    }
    p.socket?.send({ type: 'publish-answer', sdp, tracks: mapping });
    for (const t of added) {
      this.broadcast(p.room, p, { type: 'track-published', participantSid: p.row.sid, track: { sid: t.sid, kind: t.kind as 'audio' | 'video', name: t.name } });
      if (p.room.row.record_participants_on_connect === 1) await this.record(p, t, codecs[t.sid]!);
    }
  }

  private async record(p: LiveParticipant, track: TrackRow, codec: string): Promise<void> {
    // WebM is the Matroska subset werift writes (Twilio calls the same container mka/mkv); werift wants the extension.
    const file = `${p.room.row.sid}/${track.sid}.webm`;
    mkdirSync(join(this.o.recordingsDir, p.room.row.sid), { recursive: true });
    const row = await this.o.rooms.startRecording(p.room.row, p.row, track, codec, file);
    this.recordings.set(row.sid, { room: p.room.row, row });
    this.o.pool.send({ t: 'record', participant: p.row.sid, trackSid: track.sid, recordingSid: row.sid, file });
  }

  // --- leaving ---

  /** The participant said goodbye (or its reconnect window passed). */
  leave(p: LiveParticipant): Promise<void> {
    return this.serial(p.room, () => this.remove(p, null));
  }

  /** Kicked through the REST API (Status=disconnected). */
  async kick(roomSid: string, participantSid: string): Promise<boolean> {
    const p = this.participants.get(participantSid);
    if (!p || p.room.row.sid !== roomSid) return false;
    await this.serial(p.room, () => this.remove(p, errors.participantRemoved()));
    return true;
  }

  private async remove(p: LiveParticipant, why: ApiError | null): Promise<void> {
    if (p.gone) return;
    p.gone = true;
    if (p.reconnectTimer) clearTimeout(p.reconnectTimer);
    p.socket?.send({ type: 'disconnected', code: why?.code ?? null, message: why?.message ?? null });
    p.socket?.close();
    p.socket = null;
    this.o.pool.send({ t: 'leave', participant: p.row.sid });
    const { room } = p;
    room.participants.delete(p.row.sid);
    this.participants.delete(p.row.sid);
    // Records first, then the others are told: whoever reacts by asking the REST API sees it gone. The
    // others are told even when the store fails (the media is gone either way).
    try {
      for (const t of p.tracks.values()) await this.o.rooms.unpublishTrack(room.row, p.row, t);
      await this.o.rooms.removeParticipant(room.row, p.row);
    } finally {
      this.broadcast(room, p, { type: 'participant-disconnected', participantSid: p.row.sid });
    }
    if (room.participants.size === 0 && !room.ending && !this.closing) this.roomIdle(room.row, true);
  }

  /** Ends a room: everybody is disconnected (53118), then room-ended. Returns the final row. */
  async complete(row: RoomRow, status: 'completed' | 'failed' = 'completed'): Promise<RoomRow> {
    const room = this.live(row);
    return this.serial(room, async () => {
      room.ending = true;
      if (room.timer) {
        clearTimeout(room.timer);
        room.timer = null;
      }
      const why = status === 'failed' ? errors.roomMediaFailed() : errors.roomCompleted();
      for (const p of [...room.participants.values()]) await this.remove(p, why);
      const ended = (await this.o.rooms.end(room.row, status)) ?? (await this.o.rooms.refresh(room.row)) ?? room.row;
      room.row = ended;
      this.o.pool.closeRoom(row.sid);
      this.rooms.delete(row.sid);
      return ended;
    });
  }

  /** A worker died: its rooms failed. */
  async crashed(roomSids: string[]): Promise<void> {
    for (const sid of roomSids) {
      const room = this.rooms.get(sid);
      if (room) await this.complete(room.row, 'failed').catch((err: unknown) => this.o.log('error', 'failing a room failed', err));
    }
  }

  private broadcast(room: LiveRoom, except: LiveParticipant, msg: ServerMessage): void {
    for (const other of room.participants.values()) if (other !== except) other.socket?.send(msg);
  }

  participantCount(roomSid: string): number {
    return this.rooms.get(roomSid)?.participants.size ?? 0;
  }

  /** Stops timers and disconnects everybody (the server is shutting down). */
  async close(): Promise<void> {
    this.closing = true;
    for (const room of this.rooms.values()) {
      if (room.timer) clearTimeout(room.timer);
      await this.serial(room, async () => {
        for (const p of [...room.participants.values()]) await this.remove(p, errors.signalingConnectionDisconnected());
      }).catch((err: unknown) => this.o.log('warn', 'closing a room failed', err));
    }
  }
}
