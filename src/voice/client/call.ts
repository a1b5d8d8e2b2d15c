/**
 * What both directions of a browser call share: the device it runs on (which may change when the SDK's
 * WebSocket drops and comes back), the messages that name it, and the end of the call from either side.
 */
import type { ClientCallHandle, ClientGateway, DeviceLink } from './gateway.js';
import type { ClientLeg } from './leg.js';
import type { ClientMessage, ServerMessage } from './protocol.js';

/** How long a call waits for its device's socket to come back before it ends. */
export const LINK_GRACE_MS = 30_000;

export abstract class ClientCall implements ClientCallHandle {
  leg: ClientLeg | null = null;
  protected ended = false;
  private grace: NodeJS.Timeout | null = null;
  private readonly hangupCbs: Array<() => void> = [];

  constructor(
    protected readonly gateway: ClientGateway,
    readonly sid: string,
    readonly alias: string | null,
    readonly accountSid: string,
    readonly identity: string,
    protected link: DeviceLink,
  ) {
    gateway.track(this);
  }

  abstract onMessage(msg: ClientMessage, from: DeviceLink): void;

  protected send(msg: ServerMessage): void {
    this.link.send(msg);
  }

  /** Digits from a `dtmf` message; `hangup` from the device. */
  protected common(msg: ClientMessage): boolean {
    if (msg.type === 'dtmf') {
      for (const digit of msg.payload.dtmf) if (/^[0-9*#A-Da-d]$/.test(digit)) this.leg?.pressed(digit.toUpperCase());
      return true;
    }
    if (msg.type === 'hangup') {
      this.remoteEnded();
      return true;
    }
    return false;
  }

  onHangup(cb: () => void): void {
    if (this.ended) queueMicrotask(cb);
    else this.hangupCbs.push(cb);
  }

  /** The device hung up or went away for good. */
  protected remoteEnded(): void {
    if (this.ended) return;
    this.finish();
    for (const cb of this.hangupCbs.splice(0)) cb();
  }

  /** We end it: the device hears `hangup`. */
  async hangup(): Promise<void> {
    if (this.ended) return;
    this.send({ type: 'hangup', payload: { callsid: this.sid } });
    this.finish();
  }

  protected finish(): void {
    this.ended = true;
    if (this.grace) clearTimeout(this.grace);
    this.grace = null;
    this.gateway.untrack(this);
  }

  onLinkLost(): void {
    if (this.ended || this.link.open || this.grace) return;
    this.grace = setTimeout(() => this.remoteEnded(), LINK_GRACE_MS);
    this.grace.unref();
  }

  onLinkBack(link: DeviceLink): void {
    if (this.ended || this.link.open || link.grant?.identity !== this.identity) return;
    this.link = link;
    if (this.grace) clearTimeout(this.grace);
    this.grace = null;
  }
}
