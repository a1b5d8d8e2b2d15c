import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { Database } from '../schema.js';
import type { VideoParticipantsTable, VideoRecordingsTable, VideoRoomsTable, VideoSubscriptionsTable, VideoTracksTable } from '../video-schema.js';

export type RoomRow = VideoRoomsTable;
export type ParticipantRow = VideoParticipantsTable;
export type TrackRow = VideoTracksTable;
export type SubscriptionRow = VideoSubscriptionsTable;
export type VideoRecordingRow = VideoRecordingsTable;

interface DateRange {
  createdAfter?: number | undefined;
  createdBefore?: number | undefined;
}
export interface RoomFilter extends DateRange {
  status?: string | undefined;
  uniqueName?: string | undefined;
}
export interface ParticipantFilter extends DateRange {
  status?: string | undefined;
  identity?: string | undefined;
}
export interface RecordingFilter extends DateRange {
  status?: string | undefined;
  sourceSid?: string | undefined;
  groupingSids?: string[] | undefined;
  mediaType?: string | undefined;
}

/** Statuses of a participant that still holds a place in its room. */
export const PRESENT = ['connected', 'reconnecting'] as const;

/** The unique index on live room names refused the row (SQLite and PostgreSQL say so differently). */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Video's rooms, participants, tracks, subscriptions and recordings: the only place their SQL lives. */
export class VideoRepository {
  constructor(private readonly db: Kysely<Database>) {}

  // --- rooms ---

  /** False when an in-progress room of the account already has that name. */
  async insertRoom(row: RoomRow): Promise<boolean> {
    try {
      await this.db.insertInto('video_rooms').values(row).execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  findRoom(accountSid: string, sid: string): Promise<RoomRow | undefined> {
    return this.db.selectFrom('video_rooms').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  findRoomBySid(sid: string): Promise<RoomRow | undefined> {
    return this.db.selectFrom('video_rooms').selectAll().where('sid', '=', sid).executeTakeFirst();
  }

  findLiveRoomByName(accountSid: string, name: string): Promise<RoomRow | undefined> {
    return this.db
      .selectFrom('video_rooms')
      .selectAll()
      .where('account_sid', '=', accountSid)
      .where('unique_name', '=', name)
      .where('status', '=', 'in-progress')
      .executeTakeFirst();
  }

  listRooms(accountSid: string, f: RoomFilter, page: PageQuery): Promise<Page<RoomRow>> {
    let q = this.db.selectFrom('video_rooms').selectAll().where('account_sid', '=', accountSid);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    if (f.uniqueName !== undefined) q = q.where('unique_name', '=', f.uniqueName);
    if (f.createdAfter !== undefined) q = q.where('date_created', '>=', f.createdAfter);
    if (f.createdBefore !== undefined) q = q.where('date_created', '<', f.createdBefore);
    return paginate(q, 'desc', page);
  }

  /** Ends a room once: false when it was not in progress any more (another caller ended it first). */
  async endRoom(sid: string, status: 'completed' | 'failed', endTime: number, duration: number): Promise<boolean> {
    const r = await this.db
      .updateTable('video_rooms')
      .set({ status, end_time: endTime, duration, date_updated: endTime })
      .where('sid', '=', sid)
      .where('status', '=', 'in-progress')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async setMediaNode(sid: string, node: string): Promise<void> {
    await this.db.updateTable('video_rooms').set({ media_node: node }).where('sid', '=', sid).execute();
  }

  /** The next SequenceNumber of a room's status callbacks (0 first), taken atomically. */
  async nextCallbackSeq(sid: string): Promise<number> {
    const row = await this.db
      .updateTable('video_rooms')
      .set((eb) => ({ callback_seq: eb('callback_seq', '+', 1) }))
      .where('sid', '=', sid)
      .returning('callback_seq')
      .executeTakeFirst();
    return (row?.callback_seq ?? 1) - 1;
  }

  /** In-progress rooms whose media was on one of these nodes (left behind by a node that stopped). */
  roomsOnNodes(nodes: string[]): Promise<RoomRow[]> {
    if (nodes.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('video_rooms').selectAll().where('status', '=', 'in-progress').where('media_node', 'in', nodes).execute();
  }

  async liveMediaNodes(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('video_rooms')
      .select('media_node')
      .distinct()
      .where('status', '=', 'in-progress')
      .where('media_node', 'is not', null)
      .execute();
    return rows.map((r) => r.media_node!);
  }

  // --- participants ---

  async insertParticipant(row: ParticipantRow): Promise<void> {
    await this.db.insertInto('video_participants').values(row).execute();
  }

  findParticipant(roomSid: string, sid: string): Promise<ParticipantRow | undefined> {
    return this.db.selectFrom('video_participants').selectAll().where('room_sid', '=', roomSid).where('sid', '=', sid).executeTakeFirst();
  }

  /** By identity: the one present in the room, else the latest who was. */
  findParticipantByIdentity(roomSid: string, identity: string): Promise<ParticipantRow | undefined> {
    return this.db
      .selectFrom('video_participants')
      .selectAll()
      .where('room_sid', '=', roomSid)
      .where('identity', '=', identity)
      .orderBy((eb) =>
        eb
          .case()
          .when('status', 'in', [...PRESENT])
          .then(0)
          .else(1)
          .end(),
      )
      .orderBy('date_created', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  listParticipants(roomSid: string, f: ParticipantFilter, page: PageQuery): Promise<Page<ParticipantRow>> {
    let q = this.db.selectFrom('video_participants').selectAll().where('room_sid', '=', roomSid);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    if (f.identity !== undefined) q = q.where('identity', '=', f.identity);
    if (f.createdAfter !== undefined) q = q.where('date_created', '>=', f.createdAfter);
    if (f.createdBefore !== undefined) q = q.where('date_created', '<', f.createdBefore);
    return paginate(q, 'asc', page);
  }

  presentParticipants(roomSid: string): Promise<ParticipantRow[]> {
    return this.db
      .selectFrom('video_participants')
      .selectAll()
      .where('room_sid', '=', roomSid)
      .where('status', 'in', [...PRESENT])
      .execute();
  }

  /** Moves a present participant between connected and reconnecting; never revives a disconnected one. */
  async setPresentStatus(sid: string, status: 'connected' | 'reconnecting', now: number): Promise<void> {
    await this.db
      .updateTable('video_participants')
      .set({ status, date_updated: now })
      .where('sid', '=', sid)
      .where('status', 'in', [...PRESENT])
      .execute();
  }

  /** Marks a participant gone once: false when it already was. */
  async disconnectParticipant(sid: string, endTime: number, duration: number): Promise<boolean> {
    const r = await this.db
      .updateTable('video_participants')
      .set({ status: 'disconnected', end_time: endTime, duration, date_updated: endTime })
      .where('sid', '=', sid)
      .where('status', 'in', [...PRESENT])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  // --- published tracks ---

  async insertTrack(row: TrackRow): Promise<void> {
    await this.db.insertInto('video_tracks').values(row).execute();
  }

  findTrack(participantSid: string, sid: string): Promise<TrackRow | undefined> {
    return this.db.selectFrom('video_tracks').selectAll().where('participant_sid', '=', participantSid).where('sid', '=', sid).executeTakeFirst();
  }

  listPublishedTracks(participantSid: string, page: PageQuery): Promise<Page<TrackRow>> {
    return paginate(
      this.db.selectFrom('video_tracks').selectAll().where('participant_sid', '=', participantSid).where('status', '=', 'published'),
      'asc',
      page,
    );
  }

  async unpublishTrack(sid: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('video_tracks')
      .set({ status: 'unpublished', date_updated: now })
      .where('sid', '=', sid)
      .where('status', '=', 'published')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  // --- subscriptions ---

  async insertSubscription(row: SubscriptionRow): Promise<void> {
    await this.db
      .insertInto('video_subscriptions')
      .values(row)
      .onConflict((oc) => oc.columns(['participant_sid', 'sid']).doNothing())
      .execute();
  }

  async deleteSubscription(participantSid: string, trackSid: string): Promise<void> {
    await this.db.deleteFrom('video_subscriptions').where('participant_sid', '=', participantSid).where('sid', '=', trackSid).execute();
  }

  /** Drops every subscription of a participant and every subscription to its tracks. */
  async deleteSubscriptionsOf(participantSid: string): Promise<void> {
    await this.db
      .deleteFrom('video_subscriptions')
      .where((eb) => eb.or([eb('participant_sid', '=', participantSid), eb('publisher_sid', '=', participantSid)]))
      .execute();
  }

  listSubscriptions(participantSid: string, page: PageQuery): Promise<Page<SubscriptionRow>> {
    return paginate(this.db.selectFrom('video_subscriptions').selectAll().where('participant_sid', '=', participantSid), 'asc', page);
  }

  findSubscription(participantSid: string, trackSid: string): Promise<SubscriptionRow | undefined> {
    return this.db.selectFrom('video_subscriptions').selectAll().where('participant_sid', '=', participantSid).where('sid', '=', trackSid).executeTakeFirst();
  }

  // --- recordings ---

  async insertRecording(row: VideoRecordingRow): Promise<void> {
    await this.db.insertInto('video_recordings').values(row).execute();
  }

  async updateRecording(sid: string, changes: Partial<Omit<VideoRecordingRow, 'sid'>>): Promise<void> {
    await this.db.updateTable('video_recordings').set(changes).where('sid', '=', sid).execute();
  }

  findRecording(accountSid: string, sid: string): Promise<VideoRecordingRow | undefined> {
    return this.db.selectFrom('video_recordings').selectAll().where('account_sid', '=', accountSid).where('sid', '=', sid).executeTakeFirst();
  }

  /** Recordings of an account (roomSid undefined) or of one room, newest first. */
  listRecordings(accountSid: string, roomSid: string | undefined, f: RecordingFilter, page: PageQuery): Promise<Page<VideoRecordingRow>> {
    let q = this.db.selectFrom('video_recordings').selectAll().where('account_sid', '=', accountSid);
    if (roomSid !== undefined) q = q.where('room_sid', '=', roomSid);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    if (f.sourceSid !== undefined) q = q.where('source_sid', '=', f.sourceSid);
    if (f.mediaType !== undefined) q = q.where('type', '=', f.mediaType);
    if (f.groupingSids?.length) {
      const sids = f.groupingSids;
      q = q.where((eb) => eb.or([eb('room_sid', 'in', sids), eb('participant_sid', 'in', sids)]));
    }
    if (f.createdAfter !== undefined) q = q.where('date_created', '>=', f.createdAfter);
    if (f.createdBefore !== undefined) q = q.where('date_created', '<', f.createdBefore);
    return paginate(q, 'desc', page);
  }

  /** Recordings still being written when their node stopped. */
  processingRecordingsOf(roomSids: string[]): Promise<VideoRecordingRow[]> {
    if (roomSids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('video_recordings').selectAll().where('room_sid', 'in', roomSids).where('status', '=', 'processing').execute();
  }
}
