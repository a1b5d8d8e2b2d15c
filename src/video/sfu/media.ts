import { RTCRtpCodecParameters, useAbsSendTime, useRepairedRtpStreamId, useSdesMid, useSdesRTPStreamId, type PeerConfig } from 'werift';
import type { WorkerOptions } from './protocol.js';

/**
 * What the SFU negotiates. Audio is Opus; video VP8 or H.264 (constrained baseline, what every browser
 * decodes). No RTX: retransmissions travel on the media SSRC, which keeps simulcast (werift receives no RTX
 * with rids) and forwarding simple.
 *
 * Bandwidth feedback is REMB both ways, no transport-cc:
 * - publishers get REMB from the SFU: a cap taken from what the subscribers can take (forwarder.ts), which
 *   the browser combines with its loss-based estimate from werift's receiver reports. werift 0.24 can
 *   answer transport-cc, but measured against Chromium on loopback its feedback drove Chromium's delay-based
 *   estimator down until the top simulcast layer was switched off within seconds; without it all layers
 *   stay up;
 * - subscribers' browsers run receive-side estimation and report it in REMB, the figure used to pick each
 *   subscriber's simulcast layer and to cap a non-simulcast publisher.
 */
function videoCodecs(): RTCRtpCodecParameters[] {
  const feedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }];
  return [
    new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: feedback }),
    new RTCRtpCodecParameters({
      mimeType: 'video/H264',
      clockRate: 90000,
      rtcpFeedback: feedback,
      parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    }),
  ];
}

function audioCodecs(): RTCRtpCodecParameters[] {
  return [
    new RTCRtpCodecParameters({
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      parameters: 'minptime=10;useinbandfec=1',
      rtcpFeedback: [],
    }),
  ];
}

/** Peer connection settings; a fresh object each time because werift writes payload types into it. */
export function peerConfig(o: WorkerOptions, role: 'publish' | 'subscribe'): Partial<PeerConfig> {
  const publish = role === 'publish';
  return {
    // No STUN: the server's own addresses are its candidates (plus `announce` for 1:1 NAT); the browser's
    // address is learned from its checks (peer-reflexive), so the client needs no STUN either.
    iceServers: [],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    iceAdditionalHostAddresses: o.announce.length ? o.announce : undefined,
    iceInterfaceAddresses: o.loopbackOnly ? { udp4: '127.0.0.1' } : undefined,
    icePortRange: o.portRange,
    codecs: { audio: audioCodecs(), video: videoCodecs() },
    headerExtensions: {
      audio: [useSdesMid(), useAbsSendTime()],
      // rid and repaired-rid carry simulcast layers upstream; downstream every m-line has one stream.
      video: [useSdesMid(), useAbsSendTime(), ...(publish ? [useSdesRTPStreamId(), useRepairedRtpStreamId()] : [])],
    },
  };
}

/** Twilio's codec names for a negotiated MIME type. */
export function codecName(mimeType: string): string {
  const sub = mimeType.split('/')[1]?.toUpperCase() ?? '';
  return sub === 'OPUS' ? 'OPUS' : sub;
}

/**
 * Whether an RTP payload starts a key frame: a subscriber may only switch to a stream (join, simulcast
 * layer change) at one, or it decodes garbage until the next. VP8: RFC 7741 payload descriptor, then the
 * frame tag's P bit. H.264: an IDR or SPS NAL unit, alone, in a STAP-A, or starting an FU-A.
 */
export function isKeyframeStart(codec: string, p: Buffer): boolean {
  if (p.length < 2) return false;
  if (codec === 'VP8') {
    const b0 = p[0]!;
    if ((b0 & 0x10) === 0 || (b0 & 0x07) !== 0) return false; // not the start of partition 0
    let i = 1;
    if (b0 & 0x80) {
      const x = p[i++]!;
      if (x & 0x80) i += p[i]! & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
      if (x & 0x40) i++; // TL0PICIDX
      if (x & 0x30) i++; // TID/KEYIDX
    }
    return i < p.length && (p[i]! & 0x01) === 0;
  }
  if (codec === 'H264') {
    const type = p[0]! & 0x1f;
    if (type === 5 || type === 7) return true;
    if (type === 24) {
      for (let i = 1; i + 2 < p.length; ) {
        const size = p.readUInt16BE(i);
        const nal = p[i + 2]! & 0x1f;
        if (nal === 5 || nal === 7) return true;
        i += 2 + size;
      }
      return false;
    }
    if (type === 28) {
      const fu = p[1]!;
      return (fu & 0x80) !== 0 && ((fu & 0x1f) === 5 || (fu & 0x1f) === 7);
    }
    return false;
  }
  return true; // audio: every packet stands alone
}

/** Width and height from the first packet of a VP8 key frame (its header carries them), else undefined. */
export function vp8Dimensions(p: Buffer): { width: number; height: number } | undefined {
  let i = 1;
  if (p[0]! & 0x80) {
    const x = p[i++]!;
    if (x & 0x80) i += p[i]! & 0x80 ? 2 : 1;
    if (x & 0x40) i++;
    if (x & 0x30) i++;
  }
  // 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (little-endian, 2 scale bits).
  if (p.length < i + 10 || p[i + 3] !== 0x9d || p[i + 4] !== 0x01 || p[i + 5] !== 0x2a) return undefined;
  return { width: p.readUInt16LE(i + 6) & 0x3fff, height: p.readUInt16LE(i + 8) & 0x3fff };
}
