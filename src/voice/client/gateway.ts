/**
 * The Voice SDK's signalling endpoint: one WebSocket per Device (`wss://<chunderw>/signal`). A `listen`
 * authenticates with the access token; `register` makes the device reachable as `client:<identity>` of the
 * token's account; `invite` places a call to the token's TwiML App; calls to the device arrive as `invite`.
 * Calls are found by CallSid, not by socket: when the SDK reconnects after a brief drop, its calls carry on.
 */
import { ApiError } from '../../core/errors.js';
import type { KeySecretLookup } from '../../core/access-token.js';
import { verifyVoiceToken, type VoiceGrant } from './grant.js';
import { parseClientMessage, WIRE, type ClientMessage, type ServerMessage, type WireError } from './protocol.js';

/** A browser's socket, as the calls see it. */
export interface DeviceLink {
  readonly grant: VoiceGrant | null;
  send(msg: ServerMessage): void;
  readonly open: boolean;
}

/** What a call on a device's socket does with the messages that name it. */
export interface ClientCallHandle {
  readonly sid: string;
  /** The id the SDK used before it learned the CallSid (its outbound connection id), if any. */
  readonly alias: string | null;
  readonly accountSid: string;
  onMessage(msg: ClientMessage, from: DeviceLink): void;
  /** The device's socket closed: the call waits this long for it to come back, then ends. */
  onLinkLost(): void;
  onLinkBack(link: DeviceLink): void;
}

export interface GatewayDeps {
  secretOf: KeySecretLookup;
  now: () => number;
  /** A device placed a call (`invite` without a reconnect token). */
  placeCall: (link: DeviceLink, grant: VoiceGrant, msg: Extract<ClientMessage, { type: 'invite' }>) => void;
  log: (level: 'warn' | 'error', msg: string, err?: unknown) => void;
}

export class Device implements DeviceLink {
  grant: VoiceGrant | null = null;
  registered = false;
  private expiry: NodeJS.Timeout | null = null;

  constructor(
    private readonly gateway: ClientGateway,
    private readonly sendText: (text: string) => void,
    private readonly isOpen: () => boolean,
    readonly closeSocket: () => void,
    /** Ends the socket without a close frame, as a network failure does (the browser sees 1006). */
    readonly dropSocket: () => void,
  ) {}

  get open(): boolean {
    return this.isOpen();
  }

  send(msg: ServerMessage): void {
    if (this.open) this.sendText(JSON.stringify(msg));
  }

  error(error: WireError, callsid?: string): void {
    this.send({ type: 'error', payload: { ...(callsid ? { callsid } : {}), error } });
  }

  /**
   * The token runs out while the socket is open: the SDK hears 31205 and `offline` (it is no longer
   * reachable); a Device that was registered registers again by itself once updateToken() brings a new one.
   */
  armExpiry(nowMs: number): void {
    if (this.expiry) clearTimeout(this.expiry);
    const grant = this.grant;
    if (!grant) return;
    this.expiry = setTimeout(
      () => {
        this.error({ code: WIRE.tokenExpired, message: 'JWT token expired' });
        this.gateway.unregister(this);
        this.grant = null;
        this.send({ type: 'offline', payload: {} });
      },
      Math.max(0, grant.expiresAt * 1000 - nowMs),
    );
    this.expiry.unref();
  }

  dispose(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
  }
}

export class ClientGateway {
  /** accountSid -> identity -> devices registered for incoming calls. */
  private readonly registered = new Map<string, Map<string, Set<Device>>>();
  private readonly calls = new Map<string, ClientCallHandle>();
  /** Devices by account and identity, registered or not: a call whose socket dropped finds the new one. */
  private readonly linked = new Map<string, Set<Device>>();

  constructor(private readonly d: GatewayDeps) {}

  /** A new socket. `send` writes a text frame; `close` ends the socket. */
  connect(send: (text: string) => void, isOpen: () => boolean, close: () => void, drop: () => void = close): { message(text: string): void; closed(): void } {
    const device = new Device(this, send, isOpen, close, drop);
    return {
      message: (text) => void this.handle(device, text).catch((err: unknown) => this.d.log('error', 'voice client signalling failed', err)),
      closed: () => this.closed(device),
    };
  }

  /** Registered devices of a client identity (the ones a call to client:<identity> rings). */
  devices(accountSid: string, identity: string): Device[] {
    return [...(this.registered.get(accountSid)?.get(identity) ?? [])].filter((d) => d.open);
  }

  track(call: ClientCallHandle): void {
    this.calls.set(call.sid, call);
    if (call.alias) this.calls.set(call.alias, call);
  }

  untrack(call: ClientCallHandle): void {
    if (this.calls.get(call.sid) === call) this.calls.delete(call.sid);
    if (call.alias && this.calls.get(call.alias) === call) this.calls.delete(call.alias);
  }

  unregister(device: Device): void {
    device.registered = false;
    const g = device.grant;
    if (!g) return;
    const ids = this.registered.get(g.accountSid);
    const set = ids?.get(g.identity);
    set?.delete(device);
    if (set?.size === 0) ids?.delete(g.identity);
    if (ids?.size === 0) this.registered.delete(g.accountSid);
  }

  private key(g: VoiceGrant): string {
    return `${g.accountSid}\n${g.identity}`;
  }

  private async handle(device: Device, text: string): Promise<void> {
    const msg = parseClientMessage(text);
    if (!msg) return device.error({ code: WIRE.badRequest, message: 'Malformed message' });
    if (msg.type === 'listen') return this.listen(device, msg.payload.token);
    const grant = device.grant;
    if (!grant) return device.error({ code: WIRE.tokenInvalid, message: 'Send a valid access token (listen) first' });
    switch (msg.type) {
      case 'register':
        if (!msg.payload.media.audio) {
          this.unregister(device);
          return device.send({ type: 'offline', payload: {} });
        }
        if (!grant.incomingAllow) {
          return device.error({ code: WIRE.tokenInvalid, message: 'The access token does not allow incoming calls (VoiceGrant incomingAllow)' });
        }
        this.addRegistered(device, grant);
        return device.send({ type: 'ready', payload: {} });
      case 'invite': {
        const existing = this.ownCall(grant, msg.payload.callsid);
        if (existing) return existing.onMessage(msg, device);
        if (msg.payload.reconnect !== null) {
          return device.send({
            type: 'hangup',
            payload: { callsid: msg.payload.callsid, error: { code: 31209, message: 'The call to reconnect to is over' } },
          });
        }
        return this.d.placeCall(device, grant, msg);
      }
      case 'other':
        // reinvite (ICE restart) and message (user-defined call messages) are not supported: docs/voice-client.md.
        if (msg.callsid) device.error({ code: WIRE.badRequest, message: `${msg.name} is not supported by Switchboard` }, msg.callsid);
        return;
      default:
        this.ownCall(grant, msg.payload.callsid)?.onMessage(msg, device);
    }
  }

  /** A call of the device's account (a CallSid of another account is nobody's here). */
  private ownCall(grant: VoiceGrant, callsid: string): ClientCallHandle | undefined {
    const call = this.calls.get(callsid);
    return call && call.accountSid === grant.accountSid ? call : undefined;
  }

  private addRegistered(device: Device, grant: VoiceGrant): void {
    device.registered = true;
    const ids = this.registered.get(grant.accountSid) ?? new Map<string, Set<Device>>();
    this.registered.set(grant.accountSid, ids);
    const set = ids.get(grant.identity) ?? new Set<Device>();
    ids.set(grant.identity, set);
    set.add(device);
  }

  private async listen(device: Device, token: string): Promise<void> {
    let grant: VoiceGrant;
    try {
      grant = await verifyVoiceToken(token, this.d.secretOf, this.d.now());
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const code = err.code === 20104 ? WIRE.tokenExpired : WIRE.tokenInvalid;
      device.error({ code, message: err.message });
      // A token for another identity must not keep the old one's registration.
      if (device.grant) this.unregister(device);
      device.grant = null;
      return;
    }
    const before = device.grant;
    if (before && (before.accountSid !== grant.accountSid || before.identity !== grant.identity)) {
      this.unregister(device);
      this.unlink(device, before);
    }
    device.grant = grant;
    if (device.registered) this.addRegistered(device, grant);
    this.link(device, grant);
    device.armExpiry(this.d.now());
    const ttl = Math.max(0, grant.expiresAt - Math.floor(this.d.now() / 1000));
    device.send({ type: 'connected', payload: { region: 'switchboard', edge: 'switchboard', token: { identity: grant.identity, ttl } } });
    // Calls of this identity whose socket dropped carry on over this one.
    for (const call of new Set(this.calls.values())) if (call.accountSid === grant.accountSid) call.onLinkBack(device);
  }

  private link(device: Device, grant: VoiceGrant): void {
    const k = this.key(grant);
    const set = this.linked.get(k) ?? new Set<Device>();
    this.linked.set(k, set);
    set.add(device);
  }

  private unlink(device: Device, grant: VoiceGrant): void {
    const k = this.key(grant);
    this.linked.get(k)?.delete(device);
    if (this.linked.get(k)?.size === 0) this.linked.delete(k);
  }

  private closed(device: Device): void {
    device.dispose();
    const grant = device.grant;
    this.unregister(device);
    if (grant) this.unlink(device, grant);
    for (const call of new Set(this.calls.values())) call.onLinkLost();
  }

  /** Sockets open for an identity (registered or not). */
  linkedDevices(accountSid: string, identity: string): Device[] {
    return [...(this.linked.get(`${accountSid}\n${identity}`) ?? [])];
  }

  /**
   * Drops every socket of an identity as a network failure would; its calls wait for the SDK to reconnect.
   * For tests of the SDK's reconnection; returns how many were dropped.
   */
  dropLinks(accountSid: string, identity: string): number {
    const devices = this.linkedDevices(accountSid, identity);
    for (const d of devices) d.dropSocket();
    return devices.length;
  }

  close(): void {
    for (const ids of this.registered.values()) for (const set of ids.values()) for (const d of set) d.dispose();
    this.registered.clear();
    this.linked.clear();
  }
}
