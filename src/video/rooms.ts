import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { isSid, newOrderedSid, newSid } from '../core/sid.js';
import type { Page, PageQuery } from '../store/paging.js';
import type {
  ParticipantFilter,
  ParticipantRow,
  RecordingFilter,
  RoomFilter,
  RoomRow,
  SubscriptionRow,
  TrackRow,
  VideoRecordingRow,
  VideoRepository,
} from '../store/repositories/video.js';
import type { WebhookCall } from '../webhooks/dispatcher.js';
import { roomCallback, type CallbackSubject, type RoomEvent } from './callbacks.js';

export const ROOM_TYPES = ['group', 'group-small', 'peer-to-peer', 'go'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];
/** Twilio's participant limit per room type (and the default MaxParticipants). */
export const TYPE_MAX: Record<RoomType, number> = { group: 50, 'group-small': 4, 'peer-to-peer': 10, go: 2 };

export interface RoomInput {
  uniqueName?: string | undefined;
  type?: string | undefined;
  maxParticipants?: number | undefined;
  maxParticipantDuration?: number | undefined;
  statusCallback?: string | null | undefined;
  statusCallbackMethod?: string | undefined;
  recordParticipantsOnConnect?: boolean | undefined;
  videoCodecs?: string[] | undefined;
  audioOnly?: boolean | undefined;
  emptyRoomTimeout?: number | undefined;
  unusedRoomTimeout?: number | undefined;
}

export interface RoomsDeps {
  repo: VideoRepository;
  clock: Clock;
  origin: () => string;
  /** Queues durable, signed status callbacks. */
  enqueue: (calls: WebhookCall[]) => Promise<void>;
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (value < min || value > max)) throw errors.roomTimeoutOutOfRange(name, min, max);
}

/**
 * Rooms, participants, tracks and recordings as records: what the REST API reads and what the live side
 * (signalling, SFU) writes through. Each state change sends its status callback.
 */
export class RoomsService {
  constructor(private readonly d: RoomsDeps) {}

  async create(accountSid: string, input: RoomInput): Promise<RoomRow> {
    const type = (input.type ?? 'group') as RoomType;
    if (!ROOM_TYPES.includes(type)) throw errors.roomTypeInvalid();
    const max = input.maxParticipants ?? TYPE_MAX[type];
    if (max < 1 || max > TYPE_MAX[type]) throw errors.roomMaxParticipantsOutOfRange(TYPE_MAX[type]);
    if (input.uniqueName !== undefined) validateRoomName(input.uniqueName);
    checkRange('MaxParticipantDuration', input.maxParticipantDuration, 600, 86400);
    checkRange('EmptyRoomTimeout', input.emptyRoomTimeout, 1, 60);
    checkRange('UnusedRoomTimeout', input.unusedRoomTimeout, 1, 60);
    const method = input.statusCallbackMethod?.toUpperCase() ?? 'POST';
    if (method !== 'GET' && method !== 'POST') throw errors.roomStatusCallbackMethodInvalid();
    if (input.recordParticipantsOnConnect && (type === 'peer-to-peer' || type === 'go')) {
      throw errors.roomInvalidParameters('RecordParticipantsOnConnect needs a group or group-small room');
    }
    const codecs = input.videoCodecs?.map((c) => c.toUpperCase());
    if (codecs?.some((c) => c !== 'VP8' && c !== 'H264')) throw errors.roomInvalidParameters('VideoCodecs must be VP8 and/or H264');
    const now = this.d.clock.now();
    const sid = newOrderedSid('RM', now);
    const row: RoomRow = {
      sid,
      account_sid: accountSid,
      unique_name: input.uniqueName ?? sid,
      status: 'in-progress',
      type,
      max_participants: max,
      max_participant_duration: input.maxParticipantDuration ?? 14400,
      status_callback: input.statusCallback ?? null,
      status_callback_method: method,
      record_participants_on_connect: input.recordParticipantsOnConnect ? 1 : 0,
      video_codecs: codecs?.length ? codecs.join(',') : null,
      audio_only: input.audioOnly ? 1 : 0,
      empty_room_timeout: input.emptyRoomTimeout ?? 5,
      unused_room_timeout: input.unusedRoomTimeout ?? 5,
      callback_seq: 0,
      media_node: null,
      end_time: null,
      duration: null,
      date_created: now,
      date_updated: now,
    };
    if (!(await this.d.repo.insertRoom(row))) throw errors.roomExists(row.unique_name);
    await this.emit(row, 'room-created');
    return row;
  }

  /** By SID, or by the name of an in-progress room (Twilio resolves `/Rooms/{UniqueName}` so). */
  /** A room by SID, or the in-progress room of that UniqueName; undefined when there is none. */
  get(accountSid: string, sidOrName: string): Promise<RoomRow | undefined> {
    return isSid(sidOrName, 'RM') ? this.d.repo.findRoom(accountSid, sidOrName) : this.d.repo.findLiveRoomByName(accountSid, sidOrName);
  }

  async find(accountSid: string, sidOrName: string): Promise<RoomRow> {
    const row = await this.get(accountSid, sidOrName);
    if (!row) throw errors.notFound('Room', sidOrName);
    return row;
  }

  list(accountSid: string, filter: RoomFilter, page: PageQuery): Promise<Page<RoomRow>> {
    return this.d.repo.listRooms(accountSid, filter, page);
  }

  /** Ends a room (completed by the API or its timeouts, failed when its media died). False if it had ended. */
  async end(room: RoomRow, status: 'completed' | 'failed'): Promise<RoomRow | undefined> {
    const now = this.d.clock.now();
    const duration = Math.max(0, Math.round((now - room.date_created) / 1000));
    if (!(await this.d.repo.endRoom(room.sid, status, now, duration))) return undefined;
    const ended = { ...room, status, end_time: now, duration, date_updated: now };
    await this.emit(ended, 'room-ended');
    return ended;
  }

  refresh(room: RoomRow): Promise<RoomRow | undefined> {
    return this.d.repo.findRoomBySid(room.sid);
  }

  setMediaNode(room: RoomRow, node: string): Promise<void> {
    return this.d.repo.setMediaNode(room.sid, node);
  }

  // --- participants ---

  async addParticipant(room: RoomRow, identity: string): Promise<ParticipantRow> {
    const now = this.d.clock.now();
    const row: ParticipantRow = {
      sid: newOrderedSid('PA', now),
      room_sid: room.sid,
      account_sid: room.account_sid,
      identity,
      status: 'connected',
      start_time: now,
      end_time: null,
      duration: null,
      date_created: now,
      date_updated: now,
    };
    await this.d.repo.insertParticipant(row);
    await this.emit(room, 'participant-connected', { participant: row });
    return row;
  }

  async setParticipantStatus(p: ParticipantRow, status: 'connected' | 'reconnecting'): Promise<void> {
    await this.d.repo.setPresentStatus(p.sid, status, this.d.clock.now());
  }

  /** Marks a participant disconnected once, with its callback; returns the final row, or undefined if it was gone. */
  async removeParticipant(room: RoomRow, p: ParticipantRow): Promise<ParticipantRow | undefined> {
    const now = this.d.clock.now();
    const duration = Math.max(0, Math.round((now - (p.start_time ?? p.date_created)) / 1000));
    if (!(await this.d.repo.disconnectParticipant(p.sid, now, duration))) return undefined;
    await this.d.repo.deleteSubscriptionsOf(p.sid);
    const gone: ParticipantRow = { ...p, status: 'disconnected', end_time: now, duration, date_updated: now };
    await this.emit(room, 'participant-disconnected', { participant: gone });
    return gone;
  }

  async findParticipant(room: RoomRow, sidOrIdentity: string): Promise<ParticipantRow> {
    const row = isSid(sidOrIdentity, 'PA')
      ? await this.d.repo.findParticipant(room.sid, sidOrIdentity)
      : await this.d.repo.findParticipantByIdentity(room.sid, sidOrIdentity);
    if (!row) throw errors.notFound('Participant', sidOrIdentity);
    return row;
  }

  listParticipants(room: RoomRow, filter: ParticipantFilter, page: PageQuery): Promise<Page<ParticipantRow>> {
    return this.d.repo.listParticipants(room.sid, filter, page);
  }

  presentParticipants(room: RoomRow): Promise<ParticipantRow[]> {
    return this.d.repo.presentParticipants(room.sid);
  }

  // --- tracks ---

  async publishTrack(room: RoomRow, p: ParticipantRow, kind: 'audio' | 'video', name: string, sid: string): Promise<TrackRow> {
    const now = this.d.clock.now();
    const row: TrackRow = {
      sid,
      room_sid: room.sid,
      participant_sid: p.sid,
      account_sid: room.account_sid,
      name,
      kind,
      enabled: 1,
      status: 'published',
      date_created: now,
      date_updated: now,
    };
    await this.d.repo.insertTrack(row);
    await this.emit(room, 'track-added', { participant: p, track: row });
    return row;
  }

  async unpublishTrack(room: RoomRow, p: ParticipantRow, t: TrackRow): Promise<void> {
    if (await this.d.repo.unpublishTrack(t.sid, this.d.clock.now())) await this.emit(room, 'track-removed', { participant: p, track: t });
  }

  async findTrack(p: ParticipantRow, sid: string): Promise<TrackRow> {
    const row = await this.d.repo.findTrack(p.sid, sid);
    if (!row || row.status !== 'published') throw errors.notFound('Published Track', sid);
    return row;
  }

  listTracks(p: ParticipantRow, page: PageQuery): Promise<Page<TrackRow>> {
    return this.d.repo.listPublishedTracks(p.sid, page);
  }

  async subscribe(subscriber: ParticipantRow, t: TrackRow): Promise<void> {
    const now = this.d.clock.now();
    await this.d.repo.insertSubscription({
      sid: t.sid,
      participant_sid: subscriber.sid,
      publisher_sid: t.participant_sid,
      room_sid: t.room_sid,
      account_sid: t.account_sid,
      name: t.name,
      kind: t.kind,
      date_created: now,
      date_updated: now,
    });
  }

  unsubscribe(subscriberSid: string, trackSid: string): Promise<void> {
    return this.d.repo.deleteSubscription(subscriberSid, trackSid);
  }

  listSubscriptions(p: ParticipantRow, page: PageQuery): Promise<Page<SubscriptionRow>> {
    return this.d.repo.listSubscriptions(p.sid, page);
  }

  async findSubscription(p: ParticipantRow, trackSid: string): Promise<SubscriptionRow> {
    const row = await this.d.repo.findSubscription(p.sid, trackSid);
    if (!row) throw errors.notFound('Subscribed Track', trackSid);
    return row;
  }

  // --- recordings ---

  async startRecording(room: RoomRow, p: ParticipantRow, t: TrackRow, codec: string, relPath: string): Promise<VideoRecordingRow> {
    const now = this.d.clock.now();
    const row: VideoRecordingRow = {
      sid: newSid('RT'),
      account_sid: room.account_sid,
      room_sid: room.sid,
      source_sid: t.sid,
      participant_sid: p.sid,
      status: 'processing',
      type: t.kind,
      container_format: t.kind === 'audio' ? 'mka' : 'mkv',
      codec,
      track_name: t.name,
      size: null,
      duration: null,
      offset: now - room.date_created,
      path: relPath,
      date_created: now,
      date_updated: now,
    };
    await this.d.repo.insertRecording(row);
    await this.emit(room, 'recording-started', { participant: p, track: t, recording: row });
    return row;
  }

  async finishRecording(room: RoomRow, rec: VideoRecordingRow, outcome: { ok: boolean; size: number; durationMs: number }): Promise<void> {
    const now = this.d.clock.now();
    const done: VideoRecordingRow = {
      ...rec,
      status: outcome.ok ? 'completed' : 'failed',
      size: outcome.size,
      duration: Math.round(outcome.durationMs / 1000),
      date_updated: now,
    };
    await this.d.repo.updateRecording(rec.sid, { status: done.status, size: done.size, duration: done.duration, date_updated: now });
    await this.emit(room, outcome.ok ? 'recording-completed' : 'recording-failed', { recording: done });
  }

  async findRecording(accountSid: string, sid: string): Promise<VideoRecordingRow> {
    const row = await this.d.repo.findRecording(accountSid, sid);
    if (!row || row.status === 'deleted') throw errors.notFound('Recording', sid);
    return row;
  }

  listRecordings(accountSid: string, roomSid: string | undefined, filter: RecordingFilter, page: PageQuery): Promise<Page<VideoRecordingRow>> {
    return this.d.repo.listRecordings(accountSid, roomSid, filter, page);
  }

  async deleteRecording(rec: VideoRecordingRow): Promise<void> {
    await this.d.repo.updateRecording(rec.sid, { status: 'deleted', date_updated: this.d.clock.now() });
  }

  private async emit(room: RoomRow, event: RoomEvent, subject?: CallbackSubject): Promise<void> {
    if (!room.status_callback) return;
    const seq = await this.d.repo.nextCallbackSeq(room.sid);
    const call = roomCallback(room, event, seq, this.d.clock.now(), this.d.origin(), subject);
    if (call) await this.d.enqueue([call]);
  }
}

/** Twilio's room names: 1-128 characters, no control characters; a name may not look like a room SID. */
export function validateRoomName(name: string): void {
  if (name.length === 0) throw errors.roomNameInvalid('empty');
  if (name.length > 128) throw errors.roomNameTooLong();
  // eslint-disable-next-line no-control-regex
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a room name may not contain
  if (/[\u0000-\u001f\u007f]/.test(name)) throw errors.roomNameInvalid('control characters');
  if (/^RM[0-9a-f]{32}$/.test(name)) throw errors.roomNameInvalid('a name cannot be a room SID');
}
