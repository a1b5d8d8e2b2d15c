/**
 * A leg placed by <Dial>: a Call resource of its own (direction outbound-dial, parent_call_sid, its
 * noun's status callbacks) that rings, answers or not, and once answered is a Party the caller is bridged
 * to. The Calls API sees it as a LiveCall: Status=canceled stops it ringing, Status=completed hangs it up
 * (the caller then goes on at the Dial's action).
 */
import { errors } from '../../core/errors.js';
import { LIVE_STATUSES, type CallRow } from '../../store/repositories/calls.js';
import type { CallLifecycle } from '../calls/lifecycle.js';
import type { LiveCall } from '../calls/live.js';
import type { CallPeer, Connector, Placement } from '../calls/peer.js';
import { unansweredTimes } from '../calls/params.js';
import type { CallLeg } from '../legs/types.js';
import { CallRecordings } from '../recordings/call-recording.js';
import type { DialRecordings } from './recording.js';
import { detectAnsweredBy, type AmdSettings } from '../amd/run.js';
import type { DialAttempt, LegOutcome, Party, UnansweredStatus } from './types.js';
import { runWhisper, type Whisper, type WhisperDeps } from './whisper.js';

export interface ChildDeps {
  lifecycle: CallLifecycle;
  /** The call is over: forget it (sessions map, virtual phone notes). */
  onEnded: (sid: string) => void;
  onError: (err: unknown) => void;
  whisper: WhisperDeps;
  /** Where the leg's API recordings (Calls/{Sid}/Recordings) are stored. */
  recordings: DialRecordings;
}

export class ChildCall implements LiveCall, Party {
  ended = false;
  readonly done: Promise<void>;
  private resolveDone: () => void = () => undefined;
  private placement: Placement | null = null;
  private peer: CallPeer | null = null;
  private answered: number | null = null;
  /** When ringing began: an unanswered leg's start_time. */
  private dialedAt: number | null = null;
  private endedAt: number | null = null;
  private canceled = false;
  private goneListeners: Array<() => void> = [];
  private moves: Promise<void> = Promise.resolve();
  private finishing: Promise<void> | null = null;
  private bridgedTo: CallLeg | null = null;
  private apiRecordings: CallRecordings | null = null;
  /** Aborts the whisper running on this leg (another leg won, the caller left, this one hung up). */
  private screening: AbortController | null = null;
  readonly sid: string;

  constructor(
    private readonly d: ChildDeps,
    private row: CallRow,
    private readonly sendDigits: string | null,
    private readonly whisper: Whisper | null = null,
    private readonly amd: AmdSettings | null = null,
  ) {
    this.sid = row.sid;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get current(): CallRow {
    return this.row;
  }

  get answeredAt(): number {
    return this.answered ?? 0;
  }

  /** Rings the far end; the attempt settles with this call as the answered party, or its final status. */
  ring(connector: Connector): DialAttempt {
    this.dialedAt = this.d.lifecycle.now();
    const placement = connector.connect(() => void this.move(['queued'], { status: 'ringing' }));
    this.placement = placement;
    const result = placement.result.then(async (r): Promise<Awaited<DialAttempt['result']>> => {
      this.placement = null;
      if ('status' in r) {
        await this.finishUnanswered(this.canceled ? 'canceled' : r.status);
        return { status: this.row.status as UnansweredStatus, sid: this.sid };
      }
      this.peer = r.answered;
      if (this.ended || this.canceled) {
        // Answered just as it was canceled (another leg won): hang it up at once.
        await this.finishAnswered(false, true);
        return { status: 'canceled', sid: this.sid };
      }
      this.answered = this.d.lifecycle.now();
      r.answered.onHangup(() => void this.finishAnswered(true));
      r.answered.leg.onFailure?.(() => void this.finishAnswered(false));
      await r.answered.answer().catch(() => undefined);
      await this.move(['queued', 'ringing'], { status: 'in-progress', start_time: this.answered });
      if (this.amd && !this.ended) {
        // Before the whisper and the bridge, so its url request and the callbacks carry AnsweredBy
        // (asynchronously with amdStatusCallback: the leg goes on, the verdict is posted there).
        const detection = this.detectMachine(r.answered.leg, this.amd);
        if (this.amd.async) void detection.catch((err: unknown) => this.d.onError(err));
        else await detection.catch((err: unknown) => this.d.onError(err));
      }
      if (this.whisper && !this.ended) {
        // The other legs ring on meanwhile: the first party to accept wins, one who declines is hung up.
        this.screening = new AbortController();
        const accepted = await runWhisper(this.d.whisper, () => this.row, r.answered.leg, this.whisper, this.screening.signal).catch((err: unknown) => {
          this.d.onError(err);
          return false;
        });
        this.screening = null;
        if (!accepted || this.canceled) {
          const outcome: LegOutcome = this.canceled ? 'canceled' : 'declined';
          await this.finishAnswered(false);
          return { status: outcome, sid: this.sid };
        }
      }
      // Ended meanwhile (hung up, or through the API): still the answered party; connecting it fails at once.
      return { party: this };
    });
    return { sid: this.sid, result, cancel: () => this.cancel() };
  }

  /** Runs the detector on the answered leg, stores answered_by on this call, posts amdStatusCallback. */
  private async detectMachine(leg: CallLeg, amd: AmdSettings): Promise<void> {
    const r = await detectAnsweredBy(leg, amd);
    if (this.ended) return;
    await this.setAnsweredBy(r.answeredBy);
    if (amd.statusCallback) {
      await this.d.whisper.webhooks
        .request({
          accountSid: this.row.account_sid,
          resourceSid: this.sid,
          purpose: 'amd-status',
          primary: amd.statusCallback,
          params: { CallSid: this.sid, AccountSid: this.row.account_sid, AnsweredBy: r.answeredBy, MachineDetectionDuration: String(r.durationMs) },
        })
        .catch(() => undefined); // a failed callback is logged by the dispatcher; the call goes on
    }
  }

  /** In line with the status changes, so neither overwrites the other's row. */
  private setAnsweredBy(answeredBy: string): Promise<void> {
    const run = this.moves.then(async () => {
      this.row = await this.d.lifecycle.setAnsweredBy(this.row, answeredBy);
    });
    this.moves = run.catch((err: unknown) => this.d.onError(err));
    return run.catch(() => undefined);
  }

  private cancel(): void {
    if (this.ended) return;
    if (this.answered !== null) {
      // Answered but still hearing its whisper: stop it; the leg is hung up.
      if (this.screening) {
        this.canceled = true;
        this.screening.abort();
      }
      return;
    }
    this.canceled = true;
    this.placement?.cancel();
  }

  // ----- LiveCall -----

  redirect(): void {
    throw errors.callInvalidState('a leg placed by <Dial> cannot be redirected: update its parent call instead');
  }

  async end(status: 'completed' | 'canceled'): Promise<void> {
    if (this.ended) return this.done;
    if (this.answered === null) this.cancel();
    else if (this.screening)
      void this.finishAnswered(false); // a leg hearing its whisper is not connected yet
    else if (status === 'completed') void this.finishAnswered(false);
    return this.done;
  }

  /** The leg's API recordings: itself on the first channel, the caller it is bridged to on the second. */
  callRecordings(): CallRecordings | null {
    if (this.apiRecordings) return this.ended ? null : this.apiRecordings;
    const media = this.peer?.leg.media;
    if (!media || this.ended || this.answered === null) return null;
    this.apiRecordings = new CallRecordings(
      this.d.recordings,
      () => this.row,
      media,
      () => this.d.lifecycle.now(),
    );
    return this.apiRecordings;
  }

  // ----- Party -----

  async prepare(): Promise<void> {
    if (this.sendDigits && this.peer && !this.ended) await this.peer.leg.sendDigits(this.sendDigits);
  }

  connect(caller: CallLeg): boolean {
    const mine = this.peer?.leg.media;
    if (this.ended || !mine || !caller.media) return false;
    caller.stopAudio();
    this.peer?.leg.stopAudio();
    if (!caller.media.bridge(mine)) return false;
    this.bridgedTo = caller;
    return true;
  }

  disconnect(): void {
    const caller = this.bridgedTo;
    this.bridgedTo = null;
    caller?.media?.bridge(null);
  }

  onGone(cb: () => void): void {
    if (this.ended) queueMicrotask(cb);
    else this.goneListeners.push(cb);
  }

  hangup(): Promise<void> {
    return this.finishAnswered(false);
  }

  duration(): number {
    if (this.answered === null) return 0;
    return Math.max(0, Math.round(((this.endedAt ?? this.d.lifecycle.now()) - this.answered) / 1000));
  }

  // ----- ending -----

  private finishAnswered(remote: boolean, quiet = false): Promise<void> {
    this.finishing ??= (async () => {
      this.ended = true;
      this.endedAt = this.d.lifecycle.now();
      this.screening?.abort();
      // Taken before the bridge goes: the caller's side is still in the recording's last frames.
      const recorded = this.apiRecordings?.stopAll().catch(() => undefined);
      this.disconnect();
      const peer = this.peer;
      await recorded;
      if (!remote) await peer?.hangup().catch(() => undefined);
      await peer?.leg.close().catch(() => undefined);
      const answered = this.answered !== null;
      const times = answered || !quiet ? { end_time: this.endedAt, duration: this.duration() } : unansweredTimes(this.dialedAt);
      await this.move(LIVE_STATUSES, { status: answered || !quiet ? 'completed' : 'canceled', ...times, lease_until: null });
      this.over();
    })();
    return this.finishing;
  }

  private finishUnanswered(status: UnansweredStatus): Promise<void> {
    this.finishing ??= (async () => {
      this.ended = true;
      this.endedAt = this.d.lifecycle.now();
      await this.move(LIVE_STATUSES, { status, ...unansweredTimes(this.dialedAt), lease_until: null });
      this.over();
    })();
    return this.finishing;
  }

  private over(): void {
    this.d.onEnded(this.sid);
    this.resolveDone();
    const listeners = this.goneListeners;
    this.goneListeners = [];
    for (const cb of listeners) cb();
  }

  /** Status changes one after another, each from the row the previous left (as CallSession does). */
  private move(from: readonly string[], changes: Partial<CallRow>): Promise<void> {
    const run = this.moves.then(async () => {
      const next = await this.d.lifecycle.move(this.row, from, changes);
      if (next) this.row = next;
    });
    this.moves = run.catch((err: unknown) => this.d.onError(err));
    return run.catch(() => undefined);
  }
}
