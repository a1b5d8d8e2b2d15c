import { iso8601 } from '../../../core/dates.js';
import type { ParticipantRow, RoomRow, SubscriptionRow, TrackRow, VideoRecordingRow } from '../../../store/repositories/video.js';

/** Video v1 JSON, as Twilio shapes it (ISO-8601 dates, absolute URLs, `links` to sub-resources). */
export function presentRoom(origin: string) {
  return (r: RoomRow) => {
    const url = `${origin}/video/v1/Rooms/${r.sid}`;
    return {
      sid: r.sid,
      status: r.status,
      date_created: iso8601(r.date_created),
      date_updated: iso8601(r.date_updated),
      account_sid: r.account_sid,
      enable_turn: true,
      unique_name: r.unique_name,
      status_callback: r.status_callback,
      status_callback_method: r.status_callback_method,
      end_time: iso8601(r.end_time),
      duration: r.duration,
      type: r.type,
      max_participants: r.max_participants,
      max_participant_duration: r.max_participant_duration,
      max_concurrent_published_tracks: null,
      record_participants_on_connect: r.record_participants_on_connect === 1,
      video_codecs: r.video_codecs ? r.video_codecs.split(',') : ['VP8', 'H264'],
      media_region: 'us1',
      audio_only: r.audio_only === 1,
      empty_room_timeout: r.empty_room_timeout,
      unused_room_timeout: r.unused_room_timeout,
      large_room: false,
      url,
      links: {
        participants: `${url}/Participants`,
        recordings: `${url}/Recordings`,
        recording_rules: `${url}/RecordingRules`,
        transcriptions: `${url}/Transcriptions`,
      },
    };
  };
}

export function presentParticipant(origin: string) {
  return (p: ParticipantRow) => {
    const url = `${origin}/video/v1/Rooms/${p.room_sid}/Participants/${p.sid}`;
    return {
      sid: p.sid,
      room_sid: p.room_sid,
      account_sid: p.account_sid,
      status: p.status,
      identity: p.identity,
      date_created: iso8601(p.date_created),
      date_updated: iso8601(p.date_updated),
      start_time: iso8601(p.start_time),
      end_time: iso8601(p.end_time),
      duration: p.duration,
      url,
      links: {
        published_tracks: `${url}/PublishedTracks`,
        subscribed_tracks: `${url}/SubscribedTracks`,
        subscribe_rules: `${url}/SubscribeRules`,
        anonymize: `${url}/Anonymize`,
      },
    };
  };
}

export function presentPublishedTrack(origin: string) {
  return (t: TrackRow) => ({
    sid: t.sid,
    participant_sid: t.participant_sid,
    room_sid: t.room_sid,
    name: t.name,
    date_created: iso8601(t.date_created),
    date_updated: iso8601(t.date_updated),
    enabled: t.enabled === 1,
    kind: t.kind,
    url: `${origin}/video/v1/Rooms/${t.room_sid}/Participants/${t.participant_sid}/PublishedTracks/${t.sid}`,
  });
}

export function presentSubscribedTrack(origin: string) {
  return (s: SubscriptionRow) => ({
    sid: s.sid,
    participant_sid: s.participant_sid,
    publisher_sid: s.publisher_sid,
    room_sid: s.room_sid,
    name: s.name,
    date_created: iso8601(s.date_created),
    date_updated: iso8601(s.date_updated),
    enabled: true,
    kind: s.kind,
    url: `${origin}/video/v1/Rooms/${s.room_sid}/Participants/${s.participant_sid}/SubscribedTracks/${s.sid}`,
  });
}

/** A track recording; `scope` picks the room's view (/Rooms/{RoomSid}/Recordings) or the account's (/Recordings). */
export function presentRecording(origin: string, scope: 'room' | 'account') {
  return (r: VideoRecordingRow) => {
    const media = `${origin}/video/v1/Recordings/${r.sid}/Media`;
    const common = {
      account_sid: r.account_sid,
      status: r.status,
      date_created: iso8601(r.date_created),
      sid: r.sid,
      source_sid: r.source_sid,
      size: r.size,
      type: r.type,
      duration: r.duration,
      container_format: r.container_format,
      codec: r.codec,
      grouping_sids: { room_sid: r.room_sid, participant_sid: r.participant_sid },
      track_name: r.track_name,
      offset: r.offset,
      media_external_location: null,
      links: { media },
    };
    return scope === 'room'
      ? { ...common, room_sid: r.room_sid, url: `${origin}/video/v1/Rooms/${r.room_sid}/Recordings/${r.sid}` }
      : { ...common, status_callback: null, status_callback_method: null, url: `${origin}/video/v1/Recordings/${r.sid}` };
  };
}
