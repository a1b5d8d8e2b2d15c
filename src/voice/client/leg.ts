/**
 * The voice layer's side of a browser call: an ordinary RTP session (on a media engine thread when there
 * are some) whose far end is the WebRTC relay, wrapped in the SIP leg so every verb works unchanged.
 */
import { SipLeg } from '../legs/sip-leg.js';
import type { MediaSession } from '../media/index.js';
import { openRtp, type MediaOptions } from '../calls/sip-peers.js';
import type { WebRtcMedia } from './media.js';

export class ClientLeg extends SipLeg {
  constructor(
    rtp: MediaSession,
    media: MediaOptions,
    private readonly webrtc: WebRtcMedia,
  ) {
    super(rtp, media.tts, media.audio);
  }

  /** A digit the SDK sent as a signalling message (when the browser could not send RFC 4733 events). */
  pressed(digit: string): void {
    for (const l of [...this.listeners]) l(digit);
  }

  override onFailure(cb: (detail: string) => void): void {
    super.onFailure(cb);
    this.webrtc.onFailure(cb);
  }

  override async close(): Promise<void> {
    await Promise.all([super.close(), this.webrtc.close()]);
  }
}

/** Opens the RTP session beside `near` (a <Dial> parent's) and joins it to the relay. */
export async function openClientLeg(webrtc: WebRtcMedia, media: MediaOptions, relayHost: string, near?: MediaSession): Promise<ClientLeg> {
  const rtp = await openRtp(media, near);
  rtp.setCodec('PCMU', webrtc.dtmfPayloadType);
  rtp.setRemote(relayHost, webrtc.relayPort, relayHost);
  webrtc.connectRtp(relayHost, rtp.port);
  return new ClientLeg(rtp, media, webrtc);
}
