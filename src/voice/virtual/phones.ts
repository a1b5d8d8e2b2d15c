/**
 * Virtual phones on the voice side: the far end of calls to numbers no trunk serves, with real media (an
 * RTP session of the phone's own, see line.ts). Each call notes what the app did and what the phone heard
 * (stored per event, readable through the Switchboard API while the call runs), and each phone answers,
 * speaks and presses keys as its CallBehavior says.
 */
import type { Clock } from '../../core/clock.js';
import type { Page, PageQuery } from '../../store/paging.js';
import type { CallRow, CallsRepository } from '../../store/repositories/calls.js';
import type { VirtualCallEventRow, VirtualCallsRepository } from '../../store/repositories/virtual-calls.js';
import type { MediaSession } from '../media/index.js';
import { SipLeg } from '../legs/sip-leg.js';
import { VirtualLeg } from '../legs/virtual-leg.js';
import type { CallPeer, Connector, Placement } from '../calls/peer.js';
import type { MediaOptions } from '../calls/sip-peers.js';
import { readBehavior, writeBehavior, type VirtualBehavior } from './behavior.js';
import { PhoneLine } from './line.js';

export class VirtualPhones {
  private readonly noters = new Map<string, (kind: string, detail: Record<string, unknown>) => void>();

  constructor(
    private readonly repo: VirtualCallsRepository,
    private readonly calls_: CallsRepository,
    private readonly media: MediaOptions,
    private readonly clock: Clock,
  ) {}

  async behavior(accountSid: string, phone: string): Promise<VirtualBehavior> {
    return readBehavior(await this.repo.behavior(accountSid, phone));
  }

  async setBehavior(accountSid: string, phone: string, behavior: VirtualBehavior): Promise<VirtualBehavior> {
    await this.repo.setBehavior(accountSid, phone, writeBehavior(behavior), this.clock.now());
    return behavior;
  }

  clearBehavior(accountSid: string, phone: string): Promise<void> {
    return this.repo.clearBehavior(accountSid, phone);
  }

  events(callSids: readonly string[]): Promise<VirtualCallEventRow[]> {
    return this.repo.events(callSids);
  }

  calls(accountSid: string, phone: string, page: PageQuery): Promise<Page<CallRow>> {
    return this.calls_.listForVirtualPhone(accountSid, phone, page);
  }

  /**
   * The phone's end of one call, its media open. `answered`: the phone already picked up (an outbound call
   * it answered), so the session's answer() only starts its audio and the hang-up timer. `near`: open the
   * call's media on that session's engine thread (a <Dial> leg joins its parent's).
   */
  async peer(call: { sid: string; accountSid: string; phone: string }, behavior: VirtualBehavior, answered = false, near?: MediaSession): Promise<CallPeer> {
    const note = this.noter(call);
    const line = await PhoneLine.open(this.media, note, near);
    const leg = new VirtualLeg(new SipLeg(line.call, this.media.tts, this.media.audio), line, note, this.media.audio, [...behavior.digits]);
    let hungUp: (() => void) | null = null;
    let timer: NodeJS.Timeout | null = null;
    const over = (): void => {
      if (timer) clearTimeout(timer);
      timer = null;
    };
    const startHangupTimer = (): void => {
      if (behavior.hangupAfterSeconds === null) return;
      timer = setTimeout(() => {
        note('hangup', { by: 'phone' });
        hungUp?.();
      }, behavior.hangupAfterSeconds * 1000);
    };
    return {
      leg,
      answer: async () => {
        if (!answered) note('answered', {});
        answered = true;
        if (timer === null) startHangupTimer();
        line.start(behavior.audio, behavior.digitsAt);
      },
      reject: (reason) => {
        over();
        note('rejected', { reason });
      },
      hangup: async () => {
        over();
        note('hangup', { by: 'app' });
      },
      onHangup: (cb) => {
        hungUp = cb;
      },
    };
  }

  /** Rings the phone for an outbound call and answers (or not) as its behavior says. */
  connector(call: { sid: string; accountSid: string; phone: string; timeoutSeconds: number }, behavior: VirtualBehavior, near?: MediaSession): Connector {
    return {
      connect: (onRinging): Placement => {
        let timer: NodeJS.Timeout | null = null;
        let settle: (r: Awaited<Placement['result']>) => void = () => undefined;
        const result = new Promise<Awaited<Placement['result']>>((resolve) => (settle = resolve));
        const note = this.noter(call);
        note('ringing', {});
        onRinging();
        const ringMs = (behavior.answer === 'no-answer' ? call.timeoutSeconds : Math.min(behavior.ringSeconds, call.timeoutSeconds)) * 1000;
        timer = setTimeout(() => {
          timer = null;
          if (behavior.answer === 'answer' && behavior.ringSeconds <= call.timeoutSeconds) {
            note('answered', {});
            this.peer(call, behavior, true, near).then(
              (peer) => settle({ answered: peer }),
              (err: unknown) => settle({ status: 'failed', detail: `the virtual phone's media could not be opened: ${(err as Error).message}` }),
            );
          } else if (behavior.answer === 'busy') settle({ status: 'busy' });
          else if (behavior.answer === 'fail') settle({ status: 'failed', detail: `the virtual phone ${call.phone} is set to fail` });
          else settle({ status: 'no-answer' });
        }, ringMs);
        return {
          cancel: () => {
            if (!timer) return;
            clearTimeout(timer);
            timer = null;
            note('missed', {});
            settle({ status: 'canceled' });
          },
          result,
        };
      },
    };
  }

  /** The call is over: no more events for it. */
  forget(callSid: string): void {
    this.noters.delete(callSid);
  }

  /** Notes events in order; each is one row, written in the background (a failure to log never ends a call). */
  private noter(call: { sid: string; accountSid: string; phone: string }): (kind: string, detail: Record<string, unknown>) => void {
    const known = this.noters.get(call.sid);
    if (known) return known;
    let seq = 0;
    let chain: Promise<void> = Promise.resolve();
    const note = (kind: string, detail: Record<string, unknown>): void => {
      const row: VirtualCallEventRow = {
        call_sid: call.sid,
        seq: seq++,
        account_sid: call.accountSid,
        phone: call.phone,
        kind,
        detail: JSON.stringify(detail),
        date_created: this.clock.now(),
      };
      chain = chain.then(() => this.repo.addEvent(row)).catch(() => undefined);
    };
    this.noters.set(call.sid, note);
    return note;
  }
}
