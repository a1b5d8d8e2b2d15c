/**
 * A queued caller and an agent on two voice nodes: the agent's node took the caller's member row (the
 * queue's line is in the database) and asked the caller's node to hand the caller over (`queues.take`)
 * with a media link between the two nodes (voice/nodes/media-link.ts). The caller's node runs the handoff
 * as for a local agent (the <Queue url> document, then the bridge, then the caller goes on at its
 * <Enqueue> action) and says "ready" over the link when it bridged the caller; the agent's node then
 * bridges the agent. Either side ending ends the link, and the link's end ends the other side.
 */
import type { Party } from '../dial/types.js';
import type { CallLeg } from '../legs/types.js';
import type { LinkHalf } from '../nodes/media-link.js';
import type { Handoff } from './handoff.js';

/** The caller's node: runs the handoff to an agent on another node over `half`. */
export function serveRemoteAgent(h: Handoff, callerLeg: CallLeg, half: LinkHalf, now: () => number): void {
  // The agent's side ended (or its node died): the caller goes on at its action.
  half.onEnded(() => {
    h.unlink();
    h.release();
  });
  void h.ready.then(async (ok) => {
    const media = callerLeg.media;
    if (!ok || half.closed || !media) {
      half.close();
      return;
    }
    callerLeg.stopAudio();
    if (!media.bridge(half.relay)) {
      half.close();
      return;
    }
    h.link = {
      close: () => {
        media.bridge(null);
        half.close();
      },
    };
    h.bridgedAt = now();
    await half.signal('ready');
  });
}

/** The agent's node: the caller on another node, as the party the agent is connected to. */
export class RemoteQueueParty implements Party {
  private bridgedAt: number | null = null;
  private endedAt: number | null = null;
  private bridged = false;

  constructor(
    readonly sid: string,
    private readonly half: LinkHalf,
    private readonly agentLeg: CallLeg,
    private readonly now: () => number,
  ) {
    half.onEnded(() => (this.endedAt ??= now()));
  }

  get answeredAt(): number {
    return this.bridgedAt ?? 0;
  }

  /** Waits until the caller heard the <Queue url> document and was bridged on its node. */
  async prepare(): Promise<void> {
    const ready = await new Promise<boolean>((resolve) => {
      this.half.onSignal('ready', () => resolve(true));
      this.half.onEnded(() => resolve(false));
    });
    const media = this.agentLeg.media;
    if (!ready || this.half.closed || !media) return;
    this.agentLeg.stopAudio();
    this.bridged = media.bridge(this.half.relay);
  }

  connect(): boolean {
    if (this.half.closed || !this.bridged) return false;
    this.bridgedAt = this.now();
    return true;
  }

  disconnect(): void {
    if (this.bridged) this.agentLeg.media?.bridge(null);
    this.bridged = false;
    this.half.close();
  }

  onGone(cb: () => void): void {
    this.half.onEnded((byPeer) => {
      if (byPeer) cb();
    });
  }

  /** The agent's side is done: the caller's node lets the caller go on (the link's end says so). */
  async hangup(): Promise<void> {
    this.endedAt ??= this.now();
    this.disconnect();
  }

  duration(): number {
    if (this.bridgedAt === null) return 0;
    return Math.max(0, Math.round(((this.endedAt ?? this.now()) - this.bridgedAt) / 1000));
  }
}
