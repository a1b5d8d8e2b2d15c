/**
 * PStream, the Voice SDK's signalling: JSON text frames `{type, version, payload}` over a WebSocket the SDK
 * opens at `wss://<chunderw>/signal` (@twilio/voice-sdk lib/twilio/pstream.ts). What the SDK publishes and
 * what it listens for, with the payload fields it reads.
 */

/** From the SDK. */
export type ClientMessage =
  | { type: 'listen'; payload: { token: string } }
  | { type: 'register'; payload: { media: { audio: boolean } } }
  | { type: 'invite'; payload: { callsid: string; sdp: string; params: string; reconnect: string | null } }
  | { type: 'answer'; payload: { callsid: string; sdp: string } }
  | { type: 'dtmf'; payload: { callsid: string; dtmf: string } }
  | { type: 'hangup'; payload: { callsid: string } }
  | { type: 'reject'; payload: { callsid: string } }
  | { type: 'other'; name: string; callsid: string | null };

/** A Voice SDK error as the `error` and `hangup` payloads carry it; the SDK maps the code to its error class. */
export interface WireError {
  code: number;
  message: string;
}

/** To the SDK. */
export type ServerMessage =
  | { type: 'connected'; payload: { region: string; edge: string; token: { identity: string; ttl: number } } }
  | { type: 'ready'; payload: Record<string, never> }
  | { type: 'offline'; payload: Record<string, never> }
  | { type: 'close'; payload: Record<string, never> }
  | { type: 'invite'; payload: { callsid: string; sdp: string; parameters: Record<string, string> } }
  | { type: 'ringing'; payload: { callsid: string } }
  | { type: 'answer'; payload: { callsid: string; sdp?: string; reconnect?: string } }
  | { type: 'cancel'; payload: { callsid: string } }
  | { type: 'hangup'; payload: { callsid: string; error?: WireError } }
  | { type: 'error'; payload: { callsid?: string; error: WireError } };

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** null for frames that are not JSON objects with a type. */
export function parseClientMessage(text: string): ClientMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== 'object') return null;
  const msg = raw as { type?: unknown; payload?: unknown };
  const type = str(msg.type);
  if (type === null) return null;
  const p = (msg.payload !== null && typeof msg.payload === 'object' ? msg.payload : {}) as Record<string, unknown>;
  const callsid = str(p['callsid']);
  switch (type) {
    case 'listen':
      return { type, payload: { token: str(p['token']) ?? '' } };
    case 'register': {
      const media = p['media'] as { audio?: unknown } | undefined;
      return { type, payload: { media: { audio: media?.audio === true } } };
    }
    case 'invite': {
      const twilio = (p['twilio'] ?? {}) as { params?: unknown };
      if (callsid === null || str(p['sdp']) === null) return null;
      return { type, payload: { callsid, sdp: str(p['sdp'])!, params: str(twilio.params) ?? '', reconnect: str(p['reconnect']) } };
    }
    case 'answer':
      if (callsid === null || str(p['sdp']) === null) return null;
      return { type, payload: { callsid, sdp: str(p['sdp'])! } };
    case 'dtmf':
      if (callsid === null) return null;
      return { type, payload: { callsid, dtmf: str(p['dtmf']) ?? '' } };
    case 'hangup':
    case 'reject':
      if (callsid === null) return null;
      return { type, payload: { callsid } };
    default:
      return { type: 'other', name: type, callsid };
  }
}

/** Voice SDK signalling codes (the SDK turns them into AccessTokenInvalid 20101, AccessTokenExpired 20104, ...). */
export const WIRE = {
  tokenInvalid: 31204,
  tokenExpired: 31205,
  general: 31000,
  badRequest: 31400,
  declined: 31603,
  notFound: 31404,
  applicationNotFound: 31001,
  connectionDeclined: 31002,
  busy: 31486,
} as const;
