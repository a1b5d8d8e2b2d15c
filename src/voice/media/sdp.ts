/**
 * SDP offer/answer for G.711 audio (RFC 3264) with sdp-transform: PCMU 0, PCMA 8, telephone-event 101.
 * Answers honour the offerer's codec order, echo its telephone-event payload type, mirror the direction,
 * and reject (port 0) every m-line we do not use, keeping the m-line count as RFC 3264 6 requires.
 */
import { randomInt } from 'node:crypto';
import sdpTransform from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { PAYLOAD_TYPE } from './g711.js';
import type { G711Codec } from './g711.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface NegotiatedMedia {
  /** Where the peer wants RTP (before symmetric latching corrects it). */
  remoteAddress: string;
  remotePort: number;
  codec: G711Codec;
  payloadType: number;
  dtmfPayloadType: number | null;
  /** The peer's direction attribute. */
  direction: Direction;
  ptime: number | null;
}

export interface OfferOptions {
  address: string;
  port: number;
  codecs?: G711Codec[];
  dtmf?: boolean;
  dtmfPayloadType?: number;
  direction?: Direction;
  sessionId?: string;
  sessionVersion?: number;
}

export type AnswerResult = { ok: true; sdp: string; media: NegotiatedMedia } | { ok: false; reason: 'malformed' | 'no-audio' | 'no-common-codec' };

const MIRROR: Record<Direction, Direction> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

function ipVer(address: string): number {
  return address.includes(':') ? 6 : 4;
}

function session(address: string, sessionId?: string, sessionVersion?: number): SessionDescription {
  return {
    version: 0,
    origin: {
      username: '-',
      sessionId: sessionId ?? String(randomInt(1, 2 ** 47)),
      sessionVersion: sessionVersion ?? 1,
      netType: 'IN',
      ipVer: ipVer(address),
      address,
    },
    name: 'Switchboard',
    connection: { version: ipVer(address), ip: address },
    timing: { start: 0, stop: 0 },
    media: [],
  };
}

function audio(port: number, codecs: Array<{ name: string; pt: number }>, dtmfPt: number | null, direction: Direction): MediaDescription {
  const rtp = codecs.map((c) => ({ payload: c.pt, codec: c.name, rate: 8000 }));
  const fmtp: MediaDescription['fmtp'] = [];
  if (dtmfPt !== null) {
    rtp.push({ payload: dtmfPt, codec: 'telephone-event', rate: 8000 });
    fmtp.push({ payload: dtmfPt, config: '0-16' });
  }
  return {
    type: 'audio',
    port,
    protocol: 'RTP/AVP',
    payloads: rtp.map((r) => r.payload).join(' '),
    rtp,
    fmtp,
    ptime: 20,
    direction,
  };
}

export function createOffer(o: OfferOptions): string {
  const sdp = session(o.address, o.sessionId, o.sessionVersion);
  const codecs = (o.codecs ?? ['PCMU', 'PCMA']).map((name) => ({ name, pt: PAYLOAD_TYPE[name] }));
  sdp.media.push(audio(o.port, codecs, o.dtmf === false ? null : (o.dtmfPayloadType ?? 101), o.direction ?? 'sendrecv'));
  return sdpTransform.write(sdp);
}

function parse(text: string): SessionDescription | null {
  if (!/^v=0/m.test(text)) return null;
  try {
    const sdp = sdpTransform.parse(text);
    // A port over 65535 (the fuzzer found `m=audio 67534`) would make dgram.send throw in the media clock.
    if (sdp.media?.some((m) => !Number.isInteger(m.port) || m.port < 0 || m.port > 65535)) return null;
    return sdp;
  } catch {
    return null;
  }
}

/** The codecs and events a media section offers, in its own preference order. */
function formats(m: MediaDescription): Array<{ pt: number; name: string; rate: number }> {
  const pts = String(m.payloads ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n));
  return pts.map((pt) => {
    const map = m.rtp.find((r) => r.payload === pt);
    // sdp-transform types codec as a string but yields a number for `a=rtpmap:0 123/8000` (fuzzer finding).
    if (map) return { pt, name: String(map.codec).toUpperCase(), rate: map.rate ?? 8000 };
    return { pt, name: pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : '', rate: 8000 };
  });
}

function describe(sdp: SessionDescription, m: MediaDescription, codec: { pt: number; name: string }, dtmfPt: number | null): NegotiatedMedia {
  return {
    remoteAddress: m.connection?.ip ?? sdp.connection?.ip ?? '',
    remotePort: m.port,
    codec: codec.name as G711Codec,
    payloadType: codec.pt,
    dtmfPayloadType: dtmfPt,
    direction: (m.direction ?? sdp.direction ?? 'sendrecv') as Direction,
    ptime: m.ptime ?? null,
  };
}

function pick(m: MediaDescription, ours: G711Codec[]): { codec: { pt: number; name: string } | null; dtmf: number | null } {
  const f = formats(m);
  const codec = f.find((x) => x.rate === 8000 && (ours as string[]).includes(x.name)) ?? null;
  const dtmf = f.find((x) => x.name === 'TELEPHONE-EVENT' && x.rate === 8000)?.pt ?? null;
  return { codec, dtmf };
}

export interface AnswerOptions {
  address: string;
  port: number;
  codecs?: G711Codec[];
  /** Our direction before mirroring the peer's (hold). Default sendrecv. */
  direction?: Direction;
  sessionId?: string;
  sessionVersion?: number;
}

export function createAnswer(offer: string, o: AnswerOptions): AnswerResult {
  const parsed = parse(offer);
  if (!parsed || !Array.isArray(parsed.media)) return { ok: false, reason: 'malformed' };
  const ours = o.codecs ?? ['PCMU', 'PCMA'];
  const answer = session(o.address, o.sessionId, o.sessionVersion);
  let chosen: NegotiatedMedia | null = null;
  let sawAudio = false;
  for (const m of parsed.media) {
    const rejected: MediaDescription = { type: m.type, port: 0, protocol: m.protocol, payloads: m.payloads ?? '', rtp: [], fmtp: [] };
    if (chosen || m.type !== 'audio' || m.port === 0 || !/^RTP\/AVP$/i.test(m.protocol)) {
      answer.media.push(rejected);
      continue;
    }
    sawAudio = true;
    const { codec, dtmf } = pick(m, ours);
    if (!codec) {
      answer.media.push(rejected);
      continue;
    }
    chosen = describe(parsed, m, codec, dtmf);
    const mine = o.direction ?? 'sendrecv';
    const direction = mine === 'sendrecv' ? MIRROR[chosen.direction] : mine;
    answer.media.push(audio(o.port, [codec], dtmf, direction));
  }
  if (!chosen) return { ok: false, reason: sawAudio ? 'no-common-codec' : 'no-audio' };
  return { ok: true, sdp: sdpTransform.write(answer), media: chosen };
}

/** Reads the peer's answer to our offer: the first audio stream it accepted. */
export function parseAnswer(answer: string, codecs: G711Codec[] = ['PCMU', 'PCMA']): NegotiatedMedia | null {
  const parsed = parse(answer);
  if (!parsed || !Array.isArray(parsed.media)) return null;
  for (const m of parsed.media) {
    if (m.type !== 'audio' || m.port === 0) continue;
    const { codec, dtmf } = pick(m, codecs);
    if (codec) return describe(parsed, m, codec, dtmf);
  }
  return null;
}
