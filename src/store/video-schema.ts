/**
 * Row types of Programmable Video's tables (kept beside schema.ts so the product's tables read as one unit;
 * `Database` extends `VideoTables`). Same conventions: epoch-ms times, 0/1 booleans.
 */
export interface VideoRoomsTable {
  sid: string;
  account_sid: string;
  /** The room's name: UniqueName when given, else the SID (as Twilio does). */
  unique_name: string;
  /** in-progress, completed or failed. */
  status: string;
  /** group, group-small, peer-to-peer or go. */
  type: string;
  max_participants: number;
  /** Seconds. */
  max_participant_duration: number;
  status_callback: string | null;
  status_callback_method: string;
  record_participants_on_connect: number;
  /** Comma-separated VP8/H264, or null for both. */
  video_codecs: string | null;
  audio_only: number;
  /** Minutes. */
  empty_room_timeout: number;
  unused_room_timeout: number;
  /** Sequence of this room's status callbacks (Twilio's SequenceNumber). */
  callback_seq: number;
  /** The node whose SFU hosts the room's media (set when the first participant connects). */
  media_node: string | null;
  end_time: number | null;
  /** Seconds. */
  duration: number | null;
  date_created: number;
  date_updated: number;
}

export interface VideoParticipantsTable {
  sid: string;
  room_sid: string;
  account_sid: string;
  identity: string;
  /** connected, reconnecting or disconnected. */
  status: string;
  start_time: number | null;
  end_time: number | null;
  duration: number | null;
  date_created: number;
  date_updated: number;
}

/** A track a participant published; `status` turns 'unpublished' when it leaves (rows stay for recordings). */
export interface VideoTracksTable {
  sid: string;
  room_sid: string;
  participant_sid: string;
  account_sid: string;
  name: string;
  kind: string;
  enabled: number;
  status: string;
  date_created: number;
  date_updated: number;
}

/** One row per (subscriber, track) while the subscriber receives that track. */
export interface VideoSubscriptionsTable {
  /** The track's SID (MT...): Twilio names a subscribed track by the published track's SID. */
  sid: string;
  participant_sid: string;
  publisher_sid: string;
  room_sid: string;
  account_sid: string;
  name: string;
  kind: string;
  date_created: number;
  date_updated: number;
}

export interface VideoRecordingsTable {
  sid: string;
  account_sid: string;
  room_sid: string;
  /** The recorded track (MT...). */
  source_sid: string;
  participant_sid: string;
  /** processing, completed, deleted or failed. */
  status: string;
  /** audio or video. */
  type: string;
  /** mka or mkv (the file is WebM, a Matroska subset). */
  container_format: string;
  codec: string;
  track_name: string;
  size: number | null;
  /** Seconds. */
  duration: number | null;
  /** Milliseconds from the room's start to the recording's start. */
  offset: number;
  /** Where the file is, relative to the data folder. */
  path: string;
  date_created: number;
  date_updated: number;
}

export interface VideoTables {
  video_rooms: VideoRoomsTable;
  video_participants: VideoParticipantsTable;
  video_tracks: VideoTracksTable;
  video_subscriptions: VideoSubscriptionsTable;
  video_recordings: VideoRecordingsTable;
}
