/**
 * RTP fixed header (RFC 3550 5.1). Parsing fills a caller-owned object and writing fills a caller-owned
 * buffer, so a session parses and builds every packet without allocating.
 */
export interface RtpHeader {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payloadOffset: number;
  payloadLength: number;
}

export const RTP_HEADER_BYTES = 12;

export function createRtpHeader(): RtpHeader {
  return {
    version: 2,
    padding: false,
    extension: false,
    csrcCount: 0,
    marker: false,
    payloadType: 0,
    sequence: 0,
    timestamp: 0,
    ssrc: 0,
    payloadOffset: RTP_HEADER_BYTES,
    payloadLength: 0,
  };
}

/** Fills `out` from `buf`; false for anything that is not a well-formed RTP version 2 packet. */
export function parseRtp(buf: Uint8Array, length: number, out: RtpHeader): boolean {
  if (length < RTP_HEADER_BYTES) return false;
  const b0 = buf[0] ?? 0;
  const b1 = buf[1] ?? 0;
  if (b0 >> 6 !== 2) return false;
  const pt = b1 & 0x7f;
  if (pt >= 72 && pt <= 76) return false; // RTCP sent to the RTP port (RFC 5761 4)
  out.version = 2;
  out.padding = (b0 & 0x20) !== 0;
  out.extension = (b0 & 0x10) !== 0;
  out.csrcCount = b0 & 0x0f;
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = pt;
  out.sequence = ((buf[2] ?? 0) << 8) | (buf[3] ?? 0);
  out.timestamp = (((buf[4] ?? 0) << 24) | ((buf[5] ?? 0) << 16) | ((buf[6] ?? 0) << 8) | (buf[7] ?? 0)) >>> 0;
  out.ssrc = (((buf[8] ?? 0) << 24) | ((buf[9] ?? 0) << 16) | ((buf[10] ?? 0) << 8) | (buf[11] ?? 0)) >>> 0;
  let offset = RTP_HEADER_BYTES + out.csrcCount * 4;
  if (out.extension) {
    if (length < offset + 4) return false;
    const words = ((buf[offset + 2] ?? 0) << 8) | (buf[offset + 3] ?? 0);
    offset += 4 + words * 4;
  }
  let end = length;
  if (out.padding) {
    const pad = buf[length - 1] ?? 0;
    if (pad === 0 || pad > length - offset) return false;
    end -= pad;
  }
  if (offset > end) return false;
  out.payloadOffset = offset;
  out.payloadLength = end - offset;
  return true;
}

/** Writes a 12-byte header (no CSRC, no extension, no padding) at the start of `buf`. */
export function writeRtpHeader(buf: Uint8Array, marker: boolean, payloadType: number, sequence: number, timestamp: number, ssrc: number): void {
  buf[0] = 0x80;
  buf[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  buf[2] = (sequence >> 8) & 0xff;
  buf[3] = sequence & 0xff;
  buf[4] = (timestamp >>> 24) & 0xff;
  buf[5] = (timestamp >>> 16) & 0xff;
  buf[6] = (timestamp >>> 8) & 0xff;
  buf[7] = timestamp & 0xff;
  buf[8] = (ssrc >>> 24) & 0xff;
  buf[9] = (ssrc >>> 16) & 0xff;
  buf[10] = (ssrc >>> 8) & 0xff;
  buf[11] = ssrc & 0xff;
}

/** Allocating convenience for tests and tools. */
export function encodeRtp(p: { marker?: boolean; payloadType: number; sequence: number; timestamp: number; ssrc: number; payload: Uint8Array }): Buffer {
  const buf = Buffer.alloc(RTP_HEADER_BYTES + p.payload.length);
  writeRtpHeader(buf, p.marker ?? false, p.payloadType, p.sequence, p.timestamp, p.ssrc);
  buf.set(p.payload, RTP_HEADER_BYTES);
  return buf;
}
