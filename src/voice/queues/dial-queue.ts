/**
 * <Dial><Queue>: the agent takes the caller at the front of the queue (with several nodes, wherever the
 * caller's media runs: queues/remote.ts).
 * An empty queue is waited on until a caller joins or the Dial's timeout runs out (DialCallStatus
 * no-answer); a queue that does not exist fails at once (Twilio posts "an error status" to the action:
 * failed). The taken caller hears the noun's `url` TwiML, then the two are bridged; when the bridge ends
 * the caller is let go, to go on at its <Enqueue> action with QueueResult=bridged.
 */
import type { QueueNoun } from '../../twiml/index.js';
import type { Party, DialAttempt, NounDialer, UnansweredStatus } from '../dial/types.js';
import type { CallLeg } from '../legs/types.js';
import type { MediaSession } from '../media/index.js';
import type { QueueMemberRow } from '../../store/repositories/queues.js';
import type { Dequeuer, Handoff } from './handoff.js';
import { linkMedia } from './media-link.js';
import type { QueueRuntime } from './runtime.js';
import { MAX_NAME, type QueuesService } from './service.js';

export interface DialQueueDeps {
  runtime: QueueRuntime;
  service: QueuesService;
  /** Opens a relay RTP session beside `near` (for callers whose media runs on another engine thread). */
  openNear: (near: MediaSession) => Promise<MediaSession>;
  loopbackHost: string;
  /**
   * Several nodes: connects the agent to the caller `row` whose call runs on another node (the row is
   * already out of the line); null when that caller is no longer there to take.
   */
  remote?: (row: QueueMemberRow, dequeuer: Dequeuer, agentLeg: CallLeg) => Promise<Party | null>;
  now: () => number;
}

/** Agents waiting on an empty queue also look again this often (a caller may join on another path). */
const POLL_MS = 1000;

type AttemptResult = Awaited<DialAttempt['result']>;

export function queueDialer(d: DialQueueDeps): NounDialer<QueueNoun> {
  return {
    async start(noun, ctx) {
      const fail = (status: UnansweredStatus): DialAttempt[] => [{ sid: null, result: Promise.resolve({ status, sid: null }), cancel: () => undefined }];
      if (noun.name.length > MAX_NAME) {
        await ctx.alert('dialQueueNameTooLong', `<Queue>${noun.name.slice(0, 70)}...</Queue> is longer than ${MAX_NAME} characters`);
        return fail('failed');
      }
      const queue = await d.service.findByName(ctx.parent.account_sid, noun.name);
      if (!queue) return fail('failed');
      if (noun.reservationSid !== null || noun.postWorkActivitySid !== null) {
        await ctx.alert(
          'voiceVerbUnsupported',
          '<Queue> TaskRouter attributes (reservationSid, postWorkActivitySid) are not supported by Switchboard and were ignored',
        );
      }
      const dequeuer = { callSid: ctx.parent.sid, url: noun.url === null ? null : ctx.resolve(noun.url), method: noun.method };
      let canceled = false;
      let poke: () => void = () => undefined;
      const result = (async (): Promise<AttemptResult> => {
        const deadline = d.now() + ctx.verb.timeout * 1000;
        while (!canceled) {
          const got = await d.runtime.claim(queue.sid, dequeuer);
          if (got && 'remote' in got) {
            const party = d.remote ? await d.remote(got.remote, dequeuer, ctx.callerLeg).catch(() => null) : null;
            if (party) return { party };
            continue;
          }
          if (got) return { party: new QueueParty(got.handoff, got.callSid, got.callerLeg, ctx.callerLeg, d) };
          const left = deadline - d.now();
          if (left <= 0) return { status: 'no-answer', sid: null };
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, Math.min(POLL_MS, left));
            const unwatch = d.runtime.watch(queue.sid, done);
            poke = done;
            function done(): void {
              clearTimeout(timer);
              unwatch();
              resolve();
            }
          });
        }
        return { status: 'canceled', sid: null };
      })();
      return [
        {
          sid: null,
          result,
          cancel: () => {
            canceled = true;
            poke();
          },
        },
      ];
    },
  };
}

/** The taken caller, as the party the agent is connected to. */
class QueueParty implements Party {
  private endedAt: number | null = null;

  constructor(
    private readonly h: Handoff,
    readonly sid: string,
    private readonly callerLeg: CallLeg,
    private readonly agentLeg: CallLeg,
    private readonly d: DialQueueDeps,
  ) {
    h.onGone(() => (this.endedAt ??= d.now()));
  }

  get answeredAt(): number {
    return this.h.bridgedAt ?? 0;
  }

  /** Waits for the caller's <Queue url> TwiML, then relays media between the two. */
  async prepare(): Promise<void> {
    if (!(await this.h.ready)) return;
    const a = this.callerLeg.media;
    const b = this.agentLeg.media;
    if (!a || !b) return;
    this.callerLeg.stopAudio();
    this.agentLeg.stopAudio();
    this.h.link = await linkMedia(a, b, this.d.openNear, this.d.loopbackHost).catch(() => null);
    if (this.h.gone) this.h.unlink();
  }

  connect(): boolean {
    if (this.h.gone || !this.h.link) return false;
    this.h.bridgedAt = this.d.now();
    return true;
  }

  disconnect(): void {
    this.h.unlink();
  }

  onGone(cb: () => void): void {
    this.h.onGone(cb);
  }

  /** The agent's side is done: the caller is not hung up but let go, to its <Enqueue> action. */
  async hangup(): Promise<void> {
    this.endedAt ??= this.d.now();
    this.h.unlink();
    this.h.release();
  }

  duration(): number {
    if (this.h.bridgedAt === null) return 0;
    return Math.max(0, Math.round(((this.endedAt ?? this.d.now()) - this.h.bridgedAt) / 1000));
  }
}
