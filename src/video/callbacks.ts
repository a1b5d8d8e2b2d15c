import type { ParticipantRow, RoomRow, TrackRow, VideoRecordingRow } from '../store/repositories/video.js';
import type { WebhookCall } from '../webhooks/dispatcher.js';

/** Twilio's room status callback events. */
export type RoomEvent =
  | 'room-created'
  | 'room-ended'
  | 'participant-connected'
  | 'participant-disconnected'
  | 'track-added'
  | 'track-removed'
  | 'recording-started'
  | 'recording-completed'
  | 'recording-failed';

export interface CallbackSubject {
  participant?: ParticipantRow | undefined;
  track?: TrackRow | undefined;
  recording?: VideoRecordingRow | undefined;
}

/**
 * One room status callback, with the parameters Twilio sends for that event: the room's always, the
 * participant's for participant and track events, the track's for track events, the recording's for
 * recording events. `SequenceNumber` orders them (deliveries are retried independently, so may overtake).
 */
export function roomCallback(room: RoomRow, event: RoomEvent, seq: number, nowMs: number, origin: string, s: CallbackSubject = {}): WebhookCall | undefined {
  if (!room.status_callback) return undefined;
  const params: Record<string, string> = {
    AccountSid: room.account_sid,
    RoomName: room.unique_name,
    RoomSid: room.sid,
    RoomStatus: room.status,
    RoomType: room.type,
    StatusCallbackEvent: event,
    Timestamp: new Date(nowMs).toISOString(),
    SequenceNumber: String(seq),
  };
  if (event === 'room-ended' && room.duration !== null) params.RoomDuration = String(room.duration);
  const p = s.participant;
  if (p) {
    params.ParticipantSid = p.sid;
    params.ParticipantIdentity = p.identity;
    params.ParticipantStatus = p.status;
    if (p.duration !== null) params.ParticipantDuration = String(p.duration);
  }
  const t = s.track;
  if (t) {
    params.TrackSid = t.sid;
    params.TrackKind = t.kind;
    params.TrackName = t.name;
  }
  const r = s.recording;
  if (r) {
    params.RecordingSid = r.sid;
    params.RecordingUri = `/v1/Recordings/${r.sid}`;
    params.MediaUri = `/v1/Recordings/${r.sid}/Media`;
    params.SourceSid = r.source_sid;
    params.Container = r.container_format;
    params.Codec = r.codec;
    params.TrackName = r.track_name;
    params.OffsetFromTwilioEpoch = String(r.offset);
    if (r.size !== null) params.Size = String(r.size);
    if (r.duration !== null) params.Duration = String(r.duration);
    params.GroupingSids = JSON.stringify({ room_sid: r.room_sid, participant_sid: r.participant_sid });
    params.MediaExternalLocation = `${origin}/video/v1/Recordings/${r.sid}/Media`;
  }
  return {
    accountSid: room.account_sid,
    resourceSid: room.sid,
    purpose: 'video-room',
    primary: { url: room.status_callback, method: room.status_callback_method === 'GET' ? 'GET' : 'POST' },
    params,
  };
}
