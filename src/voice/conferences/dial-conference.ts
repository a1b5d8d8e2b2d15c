/**
 * <Dial><Conference>: the caller joins the named room of its account (made on first use) as soon as the
 * Dial runs; there is nothing to ring. The Dial ends when the caller leaves the conference: it hangs up
 * (the Dial's action is not requested then, as for every Dial), presses * with hangupOnStar, reaches
 * timeLimit, is kicked through the Participants API, or the conference ends (endConferenceOnExit of
 * someone else, Status=completed): then the call goes on at the Dial's action, or with the next verb.
 * A full room (maxParticipants) fails the Dial at once (DialCallStatus=failed). With several nodes the
 * caller joins the conference on the node that runs it (conferences/remote.ts).
 */
import type { ConferenceNoun } from '../../twiml/index.js';
import type { DialAttempt, DialContext, NounDialer, Party } from '../dial/types.js';
import type { CallLeg } from '../legs/types.js';
import type { Participant, Room } from './room.js';
import type { ConferenceRuntime } from './runtime.js';
import type { JoinSettings } from './types.js';

export interface DialConferenceDeps {
  runtime: ConferenceRuntime;
  /**
   * Several nodes: joins the live conference of this name when it runs on another node (conferences/
   * remote.ts): the party, 'full', or null to use (or make) the room on this node.
   */
  remote?: (accountSid: string, name: string, ctx: DialContext, settings: JoinSettings) => Promise<Party | 'full' | null>;
  now: () => number;
}

export function conferenceDialer(d: DialConferenceDeps): NounDialer<ConferenceNoun> {
  return {
    async start(noun, ctx) {
      const settings = settingsOf(noun, ctx);
      const unsupported: string[] = [];
      if (noun.eventCallbackUrl !== null) unsupported.push('eventCallbackUrl');
      if (noun.recordingConfigurationId !== null) unsupported.push('recordingConfigurationId');
      if (unsupported.length)
        await ctx.alert('voiceVerbUnsupported', `<Conference> attributes Switchboard does not support were ignored: ${unsupported.join(', ')}`);
      const full = async (): Promise<DialAttempt[]> => {
        await ctx.alert('voiceCallFailed', `the conference "${noun.name}" is full (maxParticipants)`);
        return [{ sid: null, result: Promise.resolve({ status: 'failed' as const, sid: null }), cancel: () => undefined }];
      };
      if (d.remote && !d.runtime.live(ctx.parent.account_sid, noun.name)) {
        // A conference elsewhere that cannot be reached is not joined: one starts here instead.
        const there = await d.remote(ctx.parent.account_sid, noun.name, ctx, settings).catch(() => null);
        if (there === 'full') return full();
        if (there) return [{ sid: null, result: Promise.resolve({ party: there }), cancel: () => undefined }];
      }
      const room = d.runtime.room(ctx.parent.account_sid, noun.name, settings);
      if (room === null) return full();
      const party = new ConferenceParty(d, room, ctx, settings);
      return [{ sid: null, result: Promise.resolve({ party }), cancel: () => undefined }];
    },
  };
}

function settingsOf(noun: ConferenceNoun, ctx: DialContext): JoinSettings {
  const resolve = (u: string | null): string | null => (u === null ? null : ctx.resolve(u));
  const waitUrl = noun.waitUrl === null ? null : noun.waitUrl.trim() === '' ? 'silent' : resolve(noun.waitUrl);
  const statusCallback = resolve(noun.statusCallback);
  const recordingCallback = resolve(noun.recordingStatusCallback);
  return {
    label: noun.participantLabel,
    muted: noun.muted,
    beep: noun.beep,
    startConferenceOnEnter: noun.startConferenceOnEnter,
    endConferenceOnExit: noun.endConferenceOnExit,
    coach: noun.coach,
    wait: waitUrl === null || waitUrl === 'silent' ? waitUrl : { url: waitUrl, method: noun.waitMethod },
    maxParticipants: noun.maxParticipants,
    record: noun.record === 'record-from-start',
    recordingCallback:
      recordingCallback === null ? null : { url: recordingCallback, method: noun.recordingStatusCallbackMethod, events: noun.recordingStatusCallbackEvent },
    trim: noun.trim === 'trim-silence',
    // Without statusCallbackEvent a statusCallback hears of the conference's start and end.
    callback:
      statusCallback === null
        ? null
        : { url: statusCallback, method: noun.statusCallbackMethod, events: noun.statusCallbackEvent.length ? noun.statusCallbackEvent : ['start', 'end'] },
  };
}

/** The conference, as the party the caller is connected to. */
class ConferenceParty implements Party {
  readonly sid = null;
  private p: Participant | null = null;
  private joinedAt = 0;
  private leftAt: number | null = null;
  private readonly pendingGone: Array<() => void> = [];

  constructor(
    private readonly d: DialConferenceDeps,
    private readonly room: Room,
    private readonly ctx: DialContext,
    private readonly settings: JoinSettings,
  ) {}

  get answeredAt(): number {
    return this.joinedAt;
  }

  /** Joins: the caller waits (music) or is mixed at once. */
  async prepare(): Promise<void> {
    const leg: CallLeg = this.ctx.callerLeg;
    leg.stopAudio();
    this.joinedAt = this.d.now();
    const p = await this.d.runtime.join(this.room, () => this.ctx.parent, leg, this.settings);
    this.p = p;
    p.onGone(() => (this.leftAt ??= this.d.now()));
    for (const cb of this.pendingGone.splice(0)) p.onGone(cb);
  }

  connect(): boolean {
    return this.p !== null && !this.p.left;
  }

  disconnect(): void {
    const p = this.p;
    this.leftAt ??= this.d.now();
    if (p && !p.left) void this.d.runtime.leave(p);
  }

  onGone(cb: () => void): void {
    if (this.p) this.p.onGone(cb);
    else this.pendingGone.push(cb);
  }

  async hangup(): Promise<void> {
    this.leftAt ??= this.d.now();
    const p = this.p;
    if (p && !p.left) await this.d.runtime.leave(p);
  }

  duration(): number {
    return Math.max(0, Math.round(((this.leftAt ?? this.d.now()) - this.joinedAt) / 1000));
  }
}
