/**
 * `client:<identity>` when the identity's devices hold their WebSocket on another node: a device's
 * signalling and its WebRTC media live where it connected, so the node placing the call (a <Dial><Client>
 * leg, or the Calls API) opens a media link to that node (voice/nodes/media-link.ts) with `clients.ring`.
 * There the devices ring as for a local call, the answered device's leg is bridged to the link's relay,
 * and the outcome comes back over the link as a signal ("ringing", then "answered" or busy, no-answer,
 * failed, canceled). The placing node keeps the child call (its row, status and callbacks) and sees the
 * far relay as the call's leg. Hanging up on either side ends the link, which hangs up the other.
 */
import type { Placing } from '../calls/dialer.js';
import type { CallPeer, Connector, Placement } from '../calls/peer.js';
import type { CallLeg } from '../legs/types.js';
import type { LinkHalf } from '../nodes/media-link.js';

type Outcome = Awaited<Placement['result']>;
type Unanswered = 'busy' | 'no-answer' | 'failed' | 'canceled';
const UNANSWERED: readonly Unanswered[] = ['busy', 'no-answer', 'failed', 'canceled'];

/** The JSON a ring request carries: the placing without its media. */
export type RemotePlacing = Omit<Placing, 'near'>;

export interface RemoteClientDeps {
  /** Whether a device of this identity is connected to this node. */
  hasLocal: (accountSid: string, identity: string) => boolean;
  /** Opens a link to the next node that has a device of this identity (null: none has). */
  ringElsewhere: (placing: Placing, identity: string) => Promise<LinkHalf | null>;
  /** The leg over the link's relay (speech and audio go to the device through it). */
  legOver: (half: LinkHalf) => CallLeg;
}

/** The placing node: rings the identity here when it is connected here, else on the node that has it. */
export class RemoteClientConnector implements Connector {
  constructor(
    private readonly d: RemoteClientDeps,
    private readonly local: Connector,
    private readonly placing: Placing,
    private readonly identity: string,
  ) {}

  connect(onRinging: () => void): Placement {
    if (this.d.hasLocal(this.placing.accountSid, this.identity)) return this.local.connect(onRinging);
    let canceled = false;
    let half: LinkHalf | null = null;
    const result = (async (): Promise<Outcome> => {
      half = await this.d.ringElsewhere(this.placing, this.identity).catch(() => null);
      // Nowhere: the local connector says it is not registered, as on one node.
      if (half === null) return canceled ? { status: 'canceled' } : this.local.connect(onRinging).result;
      const link: LinkHalf = half;
      if (canceled) {
        link.close();
        return { status: 'canceled' };
      }
      return new Promise<Outcome>((resolve) => {
        link.onSignal('ringing', onRinging);
        link.onSignal('answered', () => resolve({ answered: this.peer(link) }));
        for (const status of UNANSWERED)
          link.onSignal(status, () => {
            resolve({ status });
            link.close();
          });
        link.onEnded((byPeer) => resolve(byPeer ? { status: 'failed', detail: `the node of client:${this.identity} ended the call` } : { status: 'canceled' }));
      });
    })();
    return {
      cancel: () => {
        canceled = true;
        (half as LinkHalf | null)?.close();
      },
      result,
    };
  }

  private peer(link: LinkHalf): CallPeer {
    return {
      leg: this.d.legOver(link),
      answer: async () => undefined,
      reject: () => link.close(),
      hangup: async () => link.close(),
      onHangup: (cb) =>
        link.onEnded((byPeer) => {
          if (byPeer) cb();
        }),
    };
  }
}

/** The node the devices are connected to: rings them and bridges the one that answers to `half`. */
export function serveRemoteRing(half: LinkHalf, placement: (onRinging: () => void) => Placement): void {
  let settled = false;
  const p = placement(() => void half.signal('ringing'));
  half.onEnded(() => {
    if (!settled) p.cancel();
  });
  void p.result.then(async (r) => {
    settled = true;
    if (!('answered' in r)) {
      await half.signal(r.status);
      half.close();
      return;
    }
    const peer = r.answered;
    const media = peer.leg.media;
    // No call session runs here: the device's leg is released here, once, whichever side ends.
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      media?.bridge(null);
      half.close();
      await peer.hangup();
      await peer.leg.close();
    };
    if (half.closed || !media || !media.bridge(half.relay)) {
      await release();
      return;
    }
    peer.onHangup(() => void release());
    half.onEnded(() => void release());
    await half.signal('answered');
  });
}
