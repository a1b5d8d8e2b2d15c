/**
 * Calls to `client:<identity>` (<Dial><Client>, or the Calls API with To=client:...): every device
 * registered for that identity gets an `invite` with our SDP offer and the call's parameters; the first to
 * answer takes the call and the others hear `cancel`. A device that rejects ends the attempt `busy`; one
 * that ignores the call lets it ring until the timeout (`no-answer`), as on Twilio.
 */
import type { Placing } from '../calls/dialer.js';
import type { CallPeer, Connector, Placement } from '../calls/peer.js';
import type { MediaOptions } from '../calls/sip-peers.js';
import { ClientCall } from './call.js';
import type { ClientGateway, Device, DeviceLink } from './gateway.js';
import { openClientLeg, type ClientLeg } from './leg.js';
import { WebRtcMedia, type WebRtcOptions } from './media.js';
import type { ClientMessage } from './protocol.js';

export interface ConnectorDeps {
  gateway: () => ClientGateway;
  media: MediaOptions;
  webrtc: WebRtcOptions;
}

type Outcome = Awaited<Placement['result']>;

class IncomingClientCall extends ClientCall {
  private readonly offers = new Map<DeviceLink, WebRtcMedia>();
  private settle: ((o: Outcome) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly d: ConnectorDeps,
    private readonly placing: Placing,
    identity: string,
    devices: Device[],
  ) {
    super(d.gateway(), placing.sid, null, placing.accountSid, identity, devices[0]!);
  }

  async ring(devices: Device[], parameters: Record<string, string>, onRinging: () => void): Promise<Outcome> {
    const result = new Promise<Outcome>((resolve) => (this.settle = resolve));
    for (const device of devices) {
      const { media, sdp } = await WebRtcMedia.offering(this.d.webrtc);
      if (this.ended) {
        await media.close();
        break;
      }
      this.offers.set(device, media);
      device.send({ type: 'invite', payload: { callsid: this.sid, sdp, parameters } });
    }
    if (!this.ended) {
      onRinging();
      this.timer = setTimeout(() => this.giveUp('no-answer'), this.placing.timeoutSeconds * 1000);
      this.timer.unref();
    }
    return result;
  }

  /** Stops ringing everywhere but `keep`. */
  private cancelOthers(keep: DeviceLink | null): void {
    for (const [device, media] of this.offers) {
      if (device === keep) continue;
      device.send({ type: 'cancel', payload: { callsid: this.sid } });
      void media.close();
    }
    for (const device of [...this.offers.keys()]) if (device !== keep) this.offers.delete(device);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  giveUp(status: 'no-answer' | 'canceled' | 'busy' | 'failed'): void {
    if (this.ended) return;
    this.cancelOthers(null);
    this.finish();
    this.settle?.({ status });
  }

  onMessage(msg: ClientMessage, from: DeviceLink): void {
    if (this.leg) {
      this.common(msg, from);
      return;
    }
    if (msg.type === 'answer') void this.answered(from, msg.payload.sdp);
    else if (msg.type === 'reject') this.giveUp('busy');
    else if (msg.type === 'hangup') this.giveUp('canceled');
  }

  private async answered(device: DeviceLink, sdp: string): Promise<void> {
    const media = this.offers.get(device);
    if (!media || this.ended || this.leg) return;
    this.cancelOthers(device);
    this.link = device;
    let leg: ClientLeg;
    try {
      await media.accept(sdp);
      leg = await openClientLeg(media, this.d.media, this.d.webrtc.relayHost, this.placing.near);
    } catch (err) {
      device.send({ type: 'hangup', payload: { callsid: this.sid, error: { code: 31000, message: `Cannot use the SDP answer: ${(err as Error).message}` } } });
      await media.close();
      this.giveUp('failed');
      return;
    }
    this.leg = leg;
    // As Twilio does: the accepting device hears `answer`, which carries its signalling-reconnect token.
    this.send({ type: 'answer', payload: { callsid: this.sid, reconnect: this.issueReconnectToken() } });
    // The call we placed is answered once it is a peer: answer() has nothing left to do.
    const peer: CallPeer = {
      leg,
      answer: async () => undefined,
      reject: () => void this.hangup(),
      hangup: () => this.hangup(),
      onHangup: (cb) => this.onHangup(cb),
    };
    this.settle?.({ answered: peer });
  }
}

export class ClientConnector implements Connector {
  constructor(
    private readonly d: ConnectorDeps,
    private readonly placing: Placing,
    private readonly identity: string,
  ) {}

  connect(onRinging: () => void): Placement {
    const devices = this.d.gateway().devices(this.placing.accountSid, this.identity);
    if (devices.length === 0)
      return { cancel: () => undefined, result: Promise.resolve({ status: 'no-answer', detail: `client:${this.identity} is not registered` }) };
    const call = new IncomingClientCall(this.d, this.placing, this.identity, devices);
    const parameters: Record<string, string> = {
      CallSid: this.placing.sid,
      AccountSid: this.placing.accountSid,
      From: this.placing.from,
      To: `client:${this.identity}`,
      ApiVersion: '2010-04-01',
    };
    if (this.placing.params?.length) parameters.Params = new URLSearchParams(this.placing.params.map((p): [string, string] => [p.name, p.value])).toString();
    return { cancel: () => call.giveUp('canceled'), result: call.ring(devices, parameters, onRinging) };
  }
}
