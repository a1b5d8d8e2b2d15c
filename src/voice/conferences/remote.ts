/**
 * A participant whose call runs on another node than its conference: a conference lives on one node (its
 * row's node_id), so the participant's node opens a media link to it (voice/nodes/media-link.ts) with
 * `conferences.join`. The conference's node puts the far relay in the room as the participant's leg (a
 * SIP leg over the relay: wait music, beeps, announcements and the mix all reach the caller through it);
 * the participant's node bridges the caller to its relay. Leaving on either side ends the link, and the
 * link's end takes the participant out on the other side: hanging up leaves the room; a kick or the
 * conference's end ends the caller's <Dial> (its action runs).
 */
import type { Party } from '../dial/types.js';
import type { CallLeg } from '../legs/types.js';
import type { LinkHalf } from '../nodes/media-link.js';
import type { Participant } from './room.js';

/** The conference's node: `p` (the far relay's leg) stays in the room as long as the link lives. */
export function serveRemoteParticipant(p: Participant, half: LinkHalf, leave: (p: Participant) => Promise<void>): void {
  half.onEnded((byPeer) => {
    if (byPeer && !p.left) void leave(p);
  });
  p.onGone(() => half.close());
}

/** The participant's node: the conference on another node, as the party the caller is connected to. */
export class RemoteConferenceParty implements Party {
  readonly sid = null;
  private joinedAt = 0;
  private leftAt: number | null = null;
  private bridged = false;

  constructor(
    private readonly half: LinkHalf,
    private readonly leg: CallLeg,
    private readonly now: () => number,
  ) {
    half.onEnded(() => (this.leftAt ??= now()));
  }

  get answeredAt(): number {
    return this.joinedAt;
  }

  /** The caller hears the conference's node from now on (its wait music, then the mix). */
  async prepare(): Promise<void> {
    this.leg.stopAudio();
    this.joinedAt = this.now();
    const media = this.leg.media;
    if (media && !this.half.closed) this.bridged = media.bridge(this.half.relay);
  }

  connect(): boolean {
    return this.bridged && !this.half.closed;
  }

  disconnect(): void {
    this.leftAt ??= this.now();
    if (this.bridged) this.leg.media?.bridge(null);
    this.bridged = false;
    this.half.close();
  }

  onGone(cb: () => void): void {
    this.half.onEnded((byPeer) => {
      if (byPeer) cb();
    });
  }

  async hangup(): Promise<void> {
    this.disconnect();
  }

  duration(): number {
    return Math.max(0, Math.round(((this.leftAt ?? this.now()) - this.joinedAt) / 1000));
  }
}
