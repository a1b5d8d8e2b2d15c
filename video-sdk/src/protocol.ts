// The signalling messages, as the server defines them in src/video/signal-protocol.ts (keep the two in step).
export type MediaKind = 'audio' | 'video';
export interface TrackInfo {
  sid: string;
  kind: MediaKind;
  name: string;
}
export interface ParticipantInfo {
  sid: string;
  identity: string;
  tracks: TrackInfo[];
}
export interface TrackRef {
  sid: string;
  kind: MediaKind;
  name: string;
  publisherSid: string;
}
export interface SubscribeSlot {
  mid: string;
  track: TrackRef | null;
}

export type ClientMessage =
  | { type: 'connect'; token: string; room?: string }
  | { type: 'resume'; participantSid: string; resumeToken: string }
  | { type: 'publish'; sdp: string; tracks: { mid: string; kind: MediaKind; name: string; rids?: string[] }[] }
  | { type: 'answer'; sdp: string }
  | { type: 'unpublish'; trackSid: string }
  | { type: 'layer'; trackSid: string; layer: number | null }
  | { type: 'leave' };

export type ServerMessage =
  | {
      type: 'connected';
      room: { sid: string; name: string; type: string; recording: boolean };
      participant: ParticipantInfo;
      participants: ParticipantInfo[];
      resumeToken: string;
    }
  | { type: 'resumed' }
  | { type: 'participant-connected'; participant: ParticipantInfo }
  | { type: 'participant-disconnected'; participantSid: string }
  | { type: 'participant-reconnecting' | 'participant-reconnected'; participantSid: string }
  | { type: 'track-published'; participantSid: string; track: TrackInfo }
  | { type: 'track-unpublished'; participantSid: string; trackSid: string }
  | { type: 'publish-answer'; sdp: string; tracks: { mid: string; sid: string }[] }
  | { type: 'publish-failed'; code: number; message: string }
  | { type: 'offer'; sdp: string; slots: SubscribeSlot[] }
  | { type: 'error'; code: number; message: string }
  | { type: 'disconnected'; code: number | null; message: string | null };
