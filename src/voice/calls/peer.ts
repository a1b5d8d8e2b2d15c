import type { CallLeg } from '../legs/types.js';

/**
 * The far end of one call, after routing: its media (the leg) and its signalling. The session answers,
 * refuses or hangs up through this and never sees SIP.
 */
export interface CallPeer {
  readonly leg: CallLeg;
  /** Inbound: accept the call (SIP 200 OK, resolved on the ACK). Outbound: already answered, no-op. */
  answer(): Promise<void>;
  /** Inbound, before answering: refuse (SIP 486 for busy, 603 for rejected). */
  reject(reason: 'busy' | 'rejected'): void;
  /** Our side ends the call (BYE; an unanswered inbound call gets 603). */
  hangup(): Promise<void>;
  /** `cb` runs once if the other side hangs up (BYE, CANCEL, transport failure). */
  onHangup(cb: () => void): void;
}

/** Dialling the far end of an outbound call; `result` settles when it answers or gives up. */
export interface Placement {
  cancel(): void;
  result: Promise<{ answered: CallPeer } | { status: 'busy' | 'no-answer' | 'failed' | 'canceled'; detail?: string }>;
}

export interface Connector {
  /** `onRinging` runs once, when the far end starts ringing. */
  connect(onRinging: () => void): Placement;
}
