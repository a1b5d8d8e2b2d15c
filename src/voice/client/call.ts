/**
 * What both directions of a browser call share: the device it runs on (which may change when the SDK's
 * WebSocket drops and comes back), the messages that name it, and the end of the call from either side.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
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
  /**
   * The SDK's signalling-reconnect token for this call, given with `answer`: after its WebSocket drops,
   * the SDK sends `invite` with it (and the CallSid) on the new socket and the call carries on. A new
   * token each time, so an old one cannot be replayed.
   */
  private reconnectToken: string | null = null;

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

  /** A fresh reconnect token, for the `answer` the device hears. */
  protected issueReconnectToken(): string {
    this.reconnectToken = randomBytes(24).toString('base64url');
    return this.reconnectToken;
  }

  /** Digits from a `dtmf` message; `hangup` from the device; a reconnect `invite` after a dropped socket. */
  protected common(msg: ClientMessage, from: DeviceLink): boolean {
    if (msg.type === 'invite') {
      this.reconnect(msg.payload.reconnect, from);
      return true;
    }
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

  /**
   * The SDK's reconnect: the token it was given, from a socket of the same identity. The call moves to
   * that socket and the SDK hears `answer` with a new token (its Call goes from reconnecting to open).
   */
  private reconnect(token: string | null, from: DeviceLink): void {
    const expected = this.reconnectToken;
    const given = Buffer.from(token ?? '');
    const valid = expected !== null && given.length === Buffer.byteLength(expected) && timingSafeEqual(given, Buffer.from(expected));
    if (this.ended || !valid || from.grant?.identity !== this.identity) {
      from.send({ type: 'hangup', payload: { callsid: this.sid, error: { code: 31209, message: 'The call cannot be reconnected' } } });
      return;
    }
    this.link = from;
    if (this.grace) clearTimeout(this.grace);
    this.grace = null;
    this.send({ type: 'answer', payload: { callsid: this.sid, reconnect: this.issueReconnectToken() } });
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
