/**
 * The shapes of the <Dial> executor (run.ts). A noun (Number, Sip today; Client, Queue and Conference
 * later) is turned into attempts by its NounDialer; an attempt that answers yields a Party the caller is
 * connected to. A dialled number is a Party backed by a child call and a media bridge; a conference would
 * be a Party whose connect() joins a mixer, a queue one whose attempt waits for the front caller.
 */
import type { AlertKind } from '../../core/errors.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { DialTarget, DialVerb, HttpMethod } from '../../twiml/index.js';
import type { CallLeg } from '../legs/types.js';

export type DialCallStatus = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';
export type UnansweredStatus = 'busy' | 'no-answer' | 'failed' | 'canceled';
/** How an attempt that connected nobody ended: `declined` answered but turned the call down in its whisper. */
export type LegOutcome = UnansweredStatus | 'declined';

/** Someone the caller can be connected to. */
export interface Party {
  /** The child call's SID (DialCallSid), if the party is a call. */
  readonly sid: string | null;
  /** When it answered (ms since epoch). */
  readonly answeredAt: number;
  /** Runs before connecting, while the caller still hears ringing (sendDigits). */
  prepare(): Promise<void>;
  /** Connects the caller's leg; false when that is impossible (then the party is hung up). */
  connect(caller: CallLeg): boolean;
  disconnect(): void;
  /** `cb` runs once when the party leaves by itself (hangs up, ended through the API, media failed). */
  onGone(cb: () => void): void;
  /** We end it (the caller hung up, pressed *, the time limit): its call ends `completed`. */
  hangup(): Promise<void>;
  /** Seconds it was connected, once it is over. */
  duration(): number;
}

/** One thing being rung. */
export interface DialAttempt {
  /** The child call's SID, once it exists. */
  readonly sid: string | null;
  readonly result: Promise<{ party: Party } | { status: LegOutcome; sid: string | null }>;
  /** Stop ringing: it ends `canceled` (no-op once settled). */
  cancel(): void;
}

/** What a noun dialler may use: the parent call, the verb, and ways to report. */
export interface DialContext {
  readonly parent: CallRow;
  readonly verb: DialVerb;
  /** The caller ID the dialled parties see (already checked). */
  readonly callerId: string;
  /** The caller's leg: new legs open their media beside it. */
  readonly callerLeg: CallLeg;
  resolve(url: string): string | null;
  alert(kind: AlertKind, detail: string): Promise<void>;
}

export interface NounDialer<N extends DialTarget = DialTarget> {
  start(noun: N, ctx: DialContext): Promise<DialAttempt[]>;
}

export interface DialResult {
  status: DialCallStatus;
  /** DialCallSid: the party connected, or the attempt whose status is reported. */
  callSid: string | null;
  /** DialCallDuration: seconds connected (only when a party answered). */
  durationSeconds: number | null;
  bridged: boolean;
  /** No noun could be dialled at all (nouns not supported yet): the call ends, as before Dial existed. */
  unsupported: boolean;
  /** The bridge's recording (Dial record), when one was kept. */
  recording: { sid: string; url: string; durationSeconds: number } | null;
}

/** Status callbacks of one dialled leg (from the noun's attributes). */
export interface LegCallbacks {
  url: string | null;
  method: HttpMethod;
  events: readonly string[];
}
