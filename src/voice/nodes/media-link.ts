/**
 * A media leg between two voice nodes (docs/architecture.md, "Voice on several nodes"): the cross-node
 * form of queues/media-link.ts. Each node opens one relay RTP session beside the call it runs (so the
 * relay can be bridged or mixed on that call's engine thread) and the two relays send each other RTP
 * directly, each at its node's advertised RTP host (the SIP/RTP host in call_nodes, never 0.0.0.0). The
 * addresses are swapped through a control operation: the requesting node sends its relay's host:port with
 * the feature's operation (a queue take, a conference join), the other node opens its relay, points it at
 * the first and answers its own host:port. Strict RTP accepts only the announced peer.
 *
 * Either half ends the link: it closes its relay and tells the other node (`media.link.close`), whose half
 * then reports the end to its feature as "the other side left". A node that dies cannot say so: every
 * heartbeat the halves whose peer node is no longer alive are ended the same way. Features may also pass
 * small named signals over the link (`media.link.signal`, e.g. "ready" when a dequeued caller heard the
 * <Queue url> document).
 */
import { randomUUID } from 'node:crypto';
import type { MediaSession } from '../media/index.js';
import type { NodeControl } from './control.js';
import type { NodeRegistry } from './registry.js';

/** One end of a link as the other node must know it: sent with the operation that opens the link. */
export interface LinkEnd {
  id: string;
  node: string;
  host: string;
  port: number;
}

/** What the opening operation answers: the far relay's address, or null when the far side refused. */
export interface LinkAnswer {
  far: { host: string; port: number } | null;
}

/** What a feature sees of its half of a link. */
export interface LinkHalf {
  readonly relay: MediaSession;
  readonly closed: boolean;
  onEnded(cb: (byPeer: boolean) => void): void;
  onSignal(name: string, cb: () => void): void;
  signal(name: string): Promise<void>;
  close(): void;
}

/** This node's half of a link. */
export class CrossLink implements LinkHalf {
  private ended = false;
  private readonly endListeners: Array<(byPeer: boolean) => void> = [];
  private readonly signals = new Map<string, Array<() => void>>();
  private readonly received = new Set<string>();

  constructor(
    readonly id: string,
    readonly peer: string,
    readonly relay: MediaSession,
    private readonly links: CrossLinks,
  ) {}

  get closed(): boolean {
    return this.ended;
  }

  /** `cb` runs once when the link ends: `byPeer` when the other node ended it (or died). */
  onEnded(cb: (byPeer: boolean) => void): void {
    if (this.ended) queueMicrotask(() => cb(true));
    else this.endListeners.push(cb);
  }

  /** `cb` runs once the other node sent `name` (at once when it already did). */
  onSignal(name: string, cb: () => void): void {
    if (this.received.has(name)) {
      queueMicrotask(cb);
      return;
    }
    const list = this.signals.get(name) ?? [];
    list.push(cb);
    this.signals.set(name, list);
  }

  /** Tells the other node's half `name`. */
  signal(name: string): Promise<void> {
    return this.links.send(this, 'media.link.signal', { id: this.id, name });
  }

  /** Ends the link here and on the other node. */
  close(): void {
    if (this.ended) return;
    this.end(false);
    void this.links.send(this, 'media.link.close', { id: this.id });
  }

  /** @internal */
  deliver(name: string): void {
    this.received.add(name);
    const list = this.signals.get(name) ?? [];
    this.signals.delete(name);
    for (const cb of list) cb();
  }

  /** @internal Ends this half only. */
  end(byPeer: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.links.forget(this);
    void this.relay.close().catch(() => undefined);
    for (const cb of this.endListeners.splice(0)) cb(byPeer);
  }
}

export interface CrossLinksDeps {
  control: NodeControl;
  registry: Pick<NodeRegistry, 'nodeId' | 'find' | 'isAlive' | 'heartbeatMs' | 'others'>;
  /** The RTP host this node advertises (its public SIP/RTP host). */
  host: string;
  /** Opens a relay RTP session, beside `near` when given (same engine thread). */
  openNear: (near?: MediaSession) => Promise<MediaSession>;
  onError: (err: unknown) => void;
}

export class CrossLinks {
  private readonly links = new Map<string, CrossLink>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly d: CrossLinksDeps) {
    d.control.register('media.link.close', async (a) => {
      this.links.get(idOf(a))?.end(true);
      return null;
    });
    d.control.register('media.link.signal', async (a) => {
      const name = (a as { name?: unknown }).name;
      if (typeof name === 'string') this.links.get(idOf(a))?.deliver(name);
      return null;
    });
  }

  get size(): number {
    return this.links.size;
  }

  /** Starts ending the halves whose peer node died (checked once a heartbeat). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep().catch(this.d.onError), this.d.registry.heartbeatMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const link of [...this.links.values()]) link.close();
  }

  /**
   * Opens a link to `peer`: a relay (beside `near` when given), then `op` run there with `args` and `link` (this end).
   * The operation's answer comes back with the link, which is null when the peer refused (`far` null).
   * Throws what the control call throws (NodeUnreachable, the peer's API error).
   */
  async open<A extends LinkAnswer>(
    peer: string,
    near: MediaSession | undefined,
    op: string,
    args: Record<string, unknown>,
  ): Promise<{ link: CrossLink | null; answer: A }> {
    const node = await this.d.registry.find(peer);
    if (!node || !this.d.registry.isAlive(node)) return { link: null, answer: { far: null } as A };
    const relay = await this.d.openNear(near);
    relay.setCodec('PCMU', 101);
    // Registered before asking: the peer may signal or close it before its answer arrives here.
    const link = new CrossLink(randomUUID(), peer, relay, this);
    this.links.set(link.id, link);
    let answer: A;
    try {
      const end: LinkEnd = { id: link.id, node: this.d.registry.nodeId, host: this.d.host, port: relay.port };
      answer = await this.d.control.send<A>(node, op, { ...args, link: end });
    } catch (err) {
      link.end(false);
      throw err;
    }
    if (answer.far === null) {
      link.end(false);
      return { link: null, answer };
    }
    if (!link.closed) relay.setRemote(answer.far.host, answer.far.port);
    return { link, answer };
  }

  /** The far side of `open`, inside the operation's handler: a relay (beside `near`) pointed at `end`. */
  async accept(end: LinkEnd, near?: MediaSession): Promise<{ link: CrossLink; far: { host: string; port: number } }> {
    const relay = await this.d.openNear(near);
    relay.setCodec('PCMU', 101);
    relay.setRemote(end.host, end.port);
    const link = new CrossLink(end.id, end.node, relay, this);
    this.links.set(link.id, link);
    return { link, far: { host: this.d.host, port: relay.port } };
  }

  /** The other live voice nodes (where a feature may look for what is not here). */
  others(): Promise<Array<{ id: string }>> {
    return this.d.registry.others();
  }

  /** @internal */
  forget(link: CrossLink): void {
    if (this.links.get(link.id) === link) this.links.delete(link.id);
  }

  /** @internal Tells the peer of `link`; a peer that cannot be reached is ended by the sweep instead. */
  async send(link: CrossLink, op: string, args: unknown): Promise<void> {
    try {
      const node = await this.d.registry.find(link.peer);
      if (node && this.d.registry.isAlive(node)) await this.d.control.send(node, op, args);
    } catch {
      // The peer is gone or restarting: its half ends with it, ours by the sweep.
    }
  }

  private async sweep(): Promise<void> {
    const peers = new Set([...this.links.values()].map((l) => l.peer));
    for (const peer of peers) {
      if (this.d.registry.isAlive(await this.d.registry.find(peer))) continue;
      for (const link of [...this.links.values()]) if (link.peer === peer) link.end(true);
    }
  }
}

function idOf(a: unknown): string {
  const id = (a as { id?: unknown }).id;
  return typeof id === 'string' ? id : '';
}
