/**
 * Strict RTP: which source a session takes packets from (Asterisk's strictrtp=yes, with its RTP Bleed fix).
 *
 * - Packets from the address and port the SDP announced lock the session at once.
 * - Another source may be learned only when it shares the SDP address's IP (a NAT that rewrote the port, or
 *   a peer that sends from another port than it announced), or, when the SDP address is unusable (0.0.0.0,
 *   a private, link-local or CGNAT address behind NAT), the IP the signalling came from. It must first send
 *   `probation` packets in a row of one SSRC with consecutive sequence numbers; until then its packets are dropped.
 * - Once locked, packets from any other source are dropped; a new SSRC from the locked source is taken only
 *   after the same probation. Exceptions: the exact SDP address takes over from a learned source, and the
 *   locked stream (same SSRC, same IP) may move to a new port after probation (NAT rebinding).
 * - A new SDP (setRemote) starts learning again.
 * All state is strings and numbers compared in place: checking a packet allocates nothing.
 */
import { BlockList, isIPv6 } from 'node:net';

/** Packets a node's sessions dropped, by reason; incremented in place and read by the metrics collector. */
export interface RtpDropCounters {
  /** From a source that is not (or not yet) the session's peer. */
  source: number;
  /** From the peer's address with an SSRC that has not passed probation. */
  ssrc: number;
}

export const DROP = 0;
export const ACCEPT = 1;
/** Accepted, and the session is now locked to this source: send there. */
export const LEARNED = 2;

const UNUSABLE = new BlockList();
for (const [net, bits] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
] as const) {
  UNUSABLE.addSubnet(net, bits, 'ipv4');
}
UNUSABLE.addSubnet('fc00::', 7, 'ipv6');
UNUSABLE.addSubnet('fe80::', 10, 'ipv6');

/** True for SDP addresses a peer behind NAT announces but never sends from. */
export function unusableSdpAddress(host: string): boolean {
  if (host === '' || host === '0.0.0.0' || host === '::') return true;
  try {
    return UNUSABLE.check(host, isIPv6(host) ? 'ipv6' : 'ipv4');
  } catch {
    return false; // a hostname in c=: not an address we can compare anyway
  }
}

export class SourceFilter {
  locked = false;
  host = '';
  port = 0;
  ssrc = 0;
  private learned = false;
  private sdpHost = '';
  private sdpPort = 0;
  private altHost = '';
  private candHost = '';
  private candPort = 0;
  private candSsrc = 0;
  private candSeq = 0;
  private candCount = 0;

  constructor(
    private readonly probation: number,
    private readonly drops: RtpDropCounters,
  ) {}

  /** The SDP's address; `signalHost` is where the offer or answer came from (used only when the SDP's is unusable). */
  expect(host: string, port: number, signalHost: string | null = null): void {
    this.sdpHost = host;
    this.sdpPort = port;
    this.altHost = signalHost && signalHost !== host && unusableSdpAddress(host) ? signalHost : '';
    this.locked = false;
    this.learned = false;
    this.candCount = 0;
  }

  /** DROP, ACCEPT or LEARNED for one packet. */
  check(address: string, port: number, ssrc: number, seq: number): number {
    if (this.locked) {
      if (port === this.port && address === this.host) {
        if (ssrc === this.ssrc) return ACCEPT;
        // A new stream from the same source (a B2BUA switching media, a restarted sender): prove it first.
        if (this.probe(address, port, ssrc, seq)) {
          this.ssrc = ssrc;
          return ACCEPT;
        }
        this.drops.ssrc++;
        return DROP;
      }
      if (this.learned && port === this.sdpPort && address === this.sdpHost) return this.lock(address, port, ssrc, false);
      if (address === this.host && ssrc === this.ssrc && this.probe(address, port, ssrc, seq)) return this.lock(address, port, ssrc, true);
      this.drops.source++;
      return DROP;
    }
    if (port === this.sdpPort && address === this.sdpHost && this.sdpPort !== 0) return this.lock(address, port, ssrc, false);
    if (address !== '' && (address === this.sdpHost || address === this.altHost) && this.probe(address, port, ssrc, seq)) {
      return this.lock(address, port, ssrc, true);
    }
    this.drops.source++;
    return DROP;
  }

  private lock(address: string, port: number, ssrc: number, learned: boolean): number {
    this.locked = true;
    this.learned = learned;
    this.host = address;
    this.port = port;
    this.ssrc = ssrc;
    this.candCount = 0;
    return LEARNED;
  }

  /** Counts consecutive packets of one source and SSRC; true once `probation` of them arrived in sequence. */
  private probe(address: string, port: number, ssrc: number, seq: number): boolean {
    if (this.candCount > 0 && port === this.candPort && address === this.candHost && ssrc === this.candSsrc && seq === ((this.candSeq + 1) & 0xffff)) {
      this.candCount++;
    } else {
      this.candHost = address;
      this.candPort = port;
      this.candSsrc = ssrc;
      this.candCount = 1;
    }
    this.candSeq = seq;
    return this.candCount >= this.probation;
  }
}
