/**
 * The WebRTC side of a browser call: ICE, DTLS-SRTP and the audio m-line, on werift (as the video SFU),
 * relayed as plain RTP over loopback UDP to an ordinary RTP session of the voice layer. The call then runs
 * on that session like any SIP call (playback, DTMF, recording, <Dial> bridges, Media Streams, engine
 * threads) with no new media code; the cost is one loopback hop per packet.
 *
 * Only PCMU (and telephone-event) is negotiated: the Voice SDK offers PCMU first by default, so audio
 * passes through untouched, with no transcoding.
 */
import { createSocket, type Socket } from 'node:dgram';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, useSdesMid, type PeerConfig, type RTCRtpTransceiver } from 'werift';

export interface WebRtcOptions {
  /** The API listens on loopback only: gather on 127.0.0.1 (werift skips loopback otherwise). */
  loopbackOnly: boolean;
  /** Addresses written as extra host candidates (a 1:1 NAT's public address). */
  announce: string[];
  portRange?: [number, number] | undefined;
  /** Where the relay socket binds (the RTP sessions' loopback address). */
  relayHost: string;
}

const PCMU_PT = 0;

function config(o: WebRtcOptions): Partial<PeerConfig> {
  return {
    // No STUN: the server's own addresses are its candidates; the browser's address is learned from its
    // connectivity checks (peer-reflexive), since the SDK sends its SDP before any candidate is gathered.
    iceServers: [],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    iceAdditionalHostAddresses: o.announce.length ? o.announce : undefined,
    iceInterfaceAddresses: o.loopbackOnly ? { udp4: '127.0.0.1' } : undefined,
    icePortRange: o.portRange,
    codecs: {
      audio: [
        new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: PCMU_PT }),
        new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, channels: 1, payloadType: 101 }),
      ],
      video: [],
    },
    headerExtensions: { audio: [useSdesMid()], video: [] },
  };
}

export class WebRtcMedia {
  private readonly pc: RTCPeerConnection;
  private readonly transceiver: RTCRtpTransceiver;
  private readonly out = new MediaStreamTrack({ kind: 'audio' });
  private readonly relay: Socket;
  /** The voice layer's RTP session (loopback), once known. */
  private rtp: { host: string; port: number } | null = null;
  private closed = false;
  private failedCb: ((detail: string) => void) | null = null;

  private constructor(o: WebRtcOptions, relay: Socket) {
    this.relay = relay;
    this.pc = new RTCPeerConnection(config(o));
    this.transceiver = this.pc.addTransceiver(this.out, { direction: 'sendrecv' });
    this.transceiver.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((packet) => {
        const to = this.rtp;
        if (!to || this.closed) return;
        // Header extensions (mid) mean nothing past here; the RTP session parses them anyway.
        this.relay.send(packet.serialize(), to.port, to.host);
      });
    });
    relay.on('message', (msg) => {
      // werift writes every packet with the negotiated codec's payload type: RFC 4733 events from the
      // voice layer would reach the browser as noise, so only PCMU goes through (the SDK has no API for
      // digits it receives).
      if (this.closed || msg.length < 12 || (msg[1]! & 0x7f) !== PCMU_PT) return;
      this.out.writeRtp(msg);
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' && !this.closed) this.failedCb?.('the WebRTC connection failed (ICE or DTLS)');
    });
  }

  private static async create(o: WebRtcOptions): Promise<WebRtcMedia> {
    const relay = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      relay.once('error', reject);
      relay.bind(0, o.relayHost, () => {
        relay.off('error', reject);
        resolve();
      });
    });
    return new WebRtcMedia(o, relay);
  }

  /** The browser offered (a call it places): our answer's SDP. Throws when nothing usable is offered. */
  static async answering(offer: string, o: WebRtcOptions): Promise<{ media: WebRtcMedia; sdp: string }> {
    const media = await WebRtcMedia.create(o);
    try {
      await media.pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await media.pc.setLocalDescription(await media.pc.createAnswer());
      if (media.pc.getTransceivers().length !== 1 || !media.negotiatedPcmu()) throw new Error('the offer has no PCMU audio');
      return { media, sdp: media.pc.localDescription!.sdp };
    } catch (err) {
      await media.close();
      throw err;
    }
  }

  /** We call the browser: our offer's SDP; `accept` takes its answer. */
  static async offering(o: WebRtcOptions): Promise<{ media: WebRtcMedia; sdp: string }> {
    const media = await WebRtcMedia.create(o);
    await media.pc.setLocalDescription(await media.pc.createOffer());
    return { media, sdp: media.pc.localDescription!.sdp };
  }

  async accept(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    if (!this.negotiatedPcmu()) throw new Error('the answer has no PCMU audio');
  }

  private negotiatedPcmu(): boolean {
    return this.transceiver.codecs.some((c) => c.mimeType.toLowerCase() === 'audio/pcmu');
  }

  /**
   * The payload type of telephone-event/8000 as negotiated (the browser's RTCDTMFSender uses it), or null.
   * werift also keeps Chromium's telephone-event/48000 in the answer; the 8 kHz one goes with PCMU.
   */
  get dtmfPayloadType(): number | null {
    return this.transceiver.codecs.find((c) => c.mimeType.toLowerCase() === 'audio/telephone-event' && c.clockRate === 8000)?.payloadType ?? null;
  }

  /** Where the relay listens: the voice layer's RTP session sends here. */
  get relayPort(): number {
    return this.relay.address().port;
  }

  /** Relays the browser's audio to the voice layer's RTP session at this address. */
  connectRtp(host: string, port: number): void {
    this.rtp = { host, port };
  }

  onFailure(cb: (detail: string) => void): void {
    this.failedCb = cb;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.out.stop();
    this.relay.close();
    await this.pc.close().catch(() => undefined);
  }
}
