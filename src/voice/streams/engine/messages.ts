/**
 * The Media Streams messages, byte for byte as Twilio documents them
 * (https://www.twilio.com/docs/voice/media-streams/websocket-messages): field order as in Twilio's examples,
 * counters and timestamps as strings. The media message is built by concatenation: it goes out 50 times a
 * second per stream, and JSON.stringify of an object costs an object plus a walk each time.
 */
import type { StreamTrackName } from '../types.js';

export const CONNECTED = '{"event":"connected","protocol":"Call","version":"1.0.0"}';

export interface StartFields {
  accountSid: string;
  streamSid: string;
  callSid: string;
  tracks: StreamTrackName[];
  customParameters: Record<string, string>;
}

export function startMessage(seq: number, f: StartFields): string {
  return JSON.stringify({
    event: 'start',
    sequenceNumber: String(seq),
    start: {
      accountSid: f.accountSid,
      streamSid: f.streamSid,
      callSid: f.callSid,
      tracks: f.tracks,
      customParameters: f.customParameters,
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid: f.streamSid,
  });
}

/** `sidTail` is `","streamSid":"MZ..."}` made once per stream; the payload is base64 (no characters to escape). */
export function mediaMessage(seq: number, track: StreamTrackName, chunk: number, timestampMs: number, payload: string, sidTail: string): string {
  return `{"event":"media","sequenceNumber":"${seq}","media":{"track":"${track}","chunk":"${chunk}","timestamp":"${timestampMs}","payload":"${payload}"}${sidTail}`;
}

export function sidTail(streamSid: string): string {
  return `,"streamSid":${JSON.stringify(streamSid)}}`;
}

export function markMessage(seq: number, streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', sequenceNumber: String(seq), streamSid, mark: { name } });
}

export function dtmfMessage(seq: number, streamSid: string, digit: string): string {
  return JSON.stringify({ event: 'dtmf', streamSid, sequenceNumber: String(seq), dtmf: { track: 'inbound_track', digit } });
}

export function stopMessage(seq: number, streamSid: string, accountSid: string, callSid: string): string {
  return JSON.stringify({ event: 'stop', sequenceNumber: String(seq), streamSid, stop: { accountSid, callSid } });
}

/** What the app may send on a bidirectional stream. */
export type AppMessage = { event: 'media'; payload: Uint8Array } | { event: 'mark'; name: string } | { event: 'clear' };

/** Parses one text frame from the app; a string says why it is not a valid message (warning 31951). */
export function parseAppMessage(text: string): AppMessage | string {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return 'a message is not valid JSON';
  }
  if (typeof msg !== 'object' || msg === null) return 'a message is not a JSON object';
  const m = msg as Record<string, unknown>;
  switch (m.event) {
    case 'media': {
      const media = m.media as Record<string, unknown> | undefined;
      const payload = typeof media === 'object' && media !== null ? media.payload : undefined;
      if (typeof payload !== 'string') return 'a media message has no media.payload string';
      // Base64 only: Buffer.from ignores what is not base64, which would turn garbage into noise.
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) return 'a media payload is not base64';
      const bytes = Buffer.from(payload, 'base64');
      return { event: 'media', payload: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }
    case 'mark': {
      const mark = m.mark as Record<string, unknown> | undefined;
      const name = typeof mark === 'object' && mark !== null ? mark.name : undefined;
      if (typeof name !== 'string') return 'a mark message has no mark.name string';
      return { event: 'mark', name };
    }
    case 'clear':
      return { event: 'clear' };
    default:
      return `unsupported event ${JSON.stringify(String(m.event)).slice(0, 40)}: an app may send only media, mark and clear`;
  }
}
