/**
 * The signalling protocol between the browser SDK (video-sdk/) and the server, JSON over one WebSocket at
 * `/video/v1/signal`. The SDK's copy of these shapes is video-sdk/src/protocol.ts; keep them in step.
 */
import { errors } from '../core/errors.js';
import type { MediaKind, SubscribeSlot } from './sfu/protocol.js';

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
export interface PublishTrackDesc {
  mid: string;
  kind: MediaKind;
  name: string;
  rids?: string[];
}

export type ClientMessage =
  | { type: 'connect'; token: string; room?: string }
  | { type: 'resume'; participantSid: string; resumeToken: string }
  | { type: 'publish'; sdp: string; tracks: PublishTrackDesc[] }
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

/** The transport a live participant talks through (a WebSocket in production; anything in tests). */
export interface SignalSocket {
  send(msg: ServerMessage): void;
  close(): void;
}

const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const SDP_MAX = 64 * 1024;

/** Parses one client message; anything malformed is a 53003 naming what was wrong. */
export function parseClientMessage(text: string): ClientMessage {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw errors.signalingMessageInvalid('not JSON');
  }
  if (m === null || typeof m !== 'object') throw errors.signalingMessageInvalid('not an object');
  const o = m as Record<string, unknown>;
  switch (o['type']) {
    case 'connect':
      if (!str(o['token'], 8192) || (o['room'] !== undefined && !str(o['room'], 256))) break;
      return { type: 'connect', token: o['token'], ...(o['room'] !== undefined ? { room: o['room'] as string } : {}) };
    case 'resume':
      if (!str(o['participantSid'], 64) || !str(o['resumeToken'], 128)) break;
      return { type: 'resume', participantSid: o['participantSid'], resumeToken: o['resumeToken'] };
    case 'publish': {
      const tracks = o['tracks'];
      if (!str(o['sdp'], SDP_MAX) || !Array.isArray(tracks) || tracks.length > 32) break;
      const parsed: PublishTrackDesc[] = [];
      for (const t of tracks as unknown[]) {
        const d = t as Record<string, unknown> | null;
        if (!d || !str(d['mid'], 32) || (d['kind'] !== 'audio' && d['kind'] !== 'video') || !str(d['name'], 256))
          throw errors.signalingMessageInvalid('a published track needs mid, kind and name');
        const rids = Array.isArray(d['rids']) && d['rids'].every((r) => str(r, 16)) ? (d['rids'] as string[]).slice(0, 3) : [];
        parsed.push({ mid: d['mid'], kind: d['kind'], name: d['name'], rids });
      }
      return { type: 'publish', sdp: o['sdp'], tracks: parsed };
    }
    case 'answer':
      if (!str(o['sdp'], SDP_MAX)) break;
      return { type: 'answer', sdp: o['sdp'] };
    case 'unpublish':
      if (!str(o['trackSid'], 64)) break;
      return { type: 'unpublish', trackSid: o['trackSid'] };
    case 'layer': {
      const layer = o['layer'];
      if (!str(o['trackSid'], 64) || !(layer === null || (typeof layer === 'number' && Number.isInteger(layer) && layer >= 0 && layer < 3))) break;
      return { type: 'layer', trackSid: o['trackSid'], layer };
    }
    case 'leave':
      return { type: 'leave' };
  }
  throw errors.signalingMessageInvalid(`bad or unknown message ${JSON.stringify(String(o['type'])).slice(0, 40)}`);
}
