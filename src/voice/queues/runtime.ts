/**
 * Queues at run time on this node: <Enqueue> puts the call in line (a member row, so every node's API
 * sees it) and keeps it waiting with the waitUrl TwiML or the hold music until something takes it out:
 * an agent's <Dial><Queue> (the two are bridged; the caller goes on at the action when the bridge ends),
 * the Members API (it runs the given URL), <Leave>, <Hangup>, the caller hanging up, or a Calls API
 * redirect. Only the live calls are in memory here; with several nodes an agent may take a caller whose
 * media runs on another node (queues/remote.ts bridges them over a media link between the nodes).
 */
import type { Clock } from '../../core/clock.js';
import { newOrderedSid } from '../../core/sid.js';
import type { QueueMemberRow, QueueRow, QueuesRepository } from '../../store/repositories/queues.js';
import type { CallLeg } from '../legs/types.js';
import { Handoff, type Dequeuer } from './handoff.js';
import { MAX_NAME, type QueuesService } from './service.js';
import type { DequeueTarget, EnqueueHost, EnqueueResult, QueueResult } from './types.js';
import { holdMusicUntilStopped, runAnnounce, runWaitUrl, type WaitEnd, type WaitHost } from './wait.js';
import type { EventBus } from '../../core/events.js';

export interface QueueRuntimeDeps {
  repo: QueuesRepository;
  service: QueuesService;
  clock: Clock;
  nodeId: string;
  events: Pick<EventBus, 'emit'>;
  /** Several voice nodes: an agent takes the front of the whole line, wherever the caller runs. */
  crossNode?: boolean;
  onError: (err: unknown) => void;
}

type Exit = { kind: 'agent'; handoff: Handoff } | { kind: 'api'; target: DequeueTarget };

/** One call waiting in a queue on this node. */
class Waiter {
  readonly stop = new AbortController();
  exit: Exit | null = null;
  /** The wait is over (by itself or taken): nobody else may take it. */
  closed = false;

  constructor(
    readonly callSid: string,
    readonly leg: CallLeg,
  ) {}

  take(exit: Exit): boolean {
    if (this.closed || this.exit) return false;
    this.exit = exit;
    this.closed = true;
    this.stop.abort('dequeued');
    this.leg.stopAudio();
    return true;
  }
}

export interface Claimed {
  handoff: Handoff;
  callSid: string;
  callerLeg: CallLeg;
}

/** The caller at the front runs on another node: its row, taken out of the line here, says which. */
export interface ClaimedElsewhere {
  remote: QueueMemberRow;
}

export class QueueRuntime {
  private readonly waiters = new Map<string, Waiter>();
  private readonly watchers = new Map<string, Set<() => void>>();

  constructor(private readonly d: QueueRuntimeDeps) {}

  /** This node's calls from a previous life are over: so is their place in line. */
  start(): Promise<void> {
    return this.d.repo.purgeNode(this.d.nodeId);
  }

  async enqueue(h: EnqueueHost): Promise<EnqueueResult> {
    const { verb, ctl, call } = h;
    const none = (result: QueueResult): EnqueueResult => ({ result, queueSid: null, queueTime: null, hangup: false, target: null });
    if (verb.name === null) {
      await ctl.alert('voiceVerbUnsupported', '<Enqueue workflowSid> (TaskRouter) is not supported by Switchboard: name a queue instead');
      return none('system-error');
    }
    if (verb.name.length > MAX_NAME) {
      await ctl.alert('enqueueNameTooLong', `the queue name "${verb.name.slice(0, 70)}..." is longer than ${MAX_NAME} characters`);
      return none('error');
    }
    if (verb.workflowSid !== null || verb.task !== null) {
      await ctl.alert('voiceVerbUnsupported', '<Enqueue> TaskRouter attributes (workflowSid, <Task>) are not supported by Switchboard and were ignored');
    }
    let queue: QueueRow;
    try {
      queue = await this.d.service.findOrCreate(call.account_sid, verb.name, verb.maxQueueSize);
    } catch (err) {
      this.d.onError(err);
      return none('system-error');
    }
    const limit = verb.maxQueueSize ?? queue.max_size;
    const enqueuedAt = this.d.clock.now();
    const waiter = new Waiter(call.sid, ctl.leg);
    this.waiters.set(call.sid, waiter);
    try {
      const row = {
        sid: newOrderedSid('QT', enqueuedAt),
        call_sid: call.sid,
        queue_sid: queue.sid,
        account_sid: call.account_sid,
        node_id: this.d.nodeId,
        date_created: enqueuedAt,
      };
      let added: boolean;
      try {
        added = await this.d.repo.enqueue(row, limit);
      } catch (err) {
        this.d.onError(err);
        return none('system-error');
      }
      if (!added) {
        await ctl.alert('enqueueQueueFull', `queue ${queue.friendly_name} (${queue.sid}) already holds ${limit} calls`);
        return none('queue-full');
      }
      this.wake(queue.sid);
      const member = { accountSid: call.account_sid, queueSid: queue.sid, callSid: call.sid };
      this.d.events.emit('queue.member', { ...member, change: 'joined' });
      try {
        return await this.wait(h, queue, waiter, enqueuedAt);
      } finally {
        this.d.events.emit('queue.member', { ...member, change: 'left' });
      }
    } finally {
      this.waiters.delete(call.sid);
    }
  }

  /** The Members API: the call leaves the queue and runs `target`. False when it does not wait on this node. */
  async dequeueTo(callSid: string, target: DequeueTarget): Promise<boolean> {
    const w = this.waiters.get(callSid);
    if (!w || w.closed) return false;
    if (!(await this.d.repo.remove(callSid))) return false;
    return w.take({ kind: 'api', target });
  }

  /**
   * Takes the caller at the front out of the queue, for an agent: on one node, the first caller waiting
   * here; on several, the front of the whole line (a caller on another node comes back as `remote`).
   */
  async claim(queueSid: string, dequeuer: Dequeuer): Promise<Claimed | ClaimedElsewhere | null> {
    for (;;) {
      const row = await this.d.repo.claimFront(queueSid, this.d.crossNode ? null : this.d.nodeId);
      if (!row) return null;
      if (row.node_id !== this.d.nodeId) return { remote: row };
      const taken = this.take(row.call_sid, dequeuer);
      if (taken) return taken;
      // That call is leaving the queue this very moment: take the next.
    }
  }

  /** Hands a caller waiting here to an agent (its member row is already out of the line); null when it left. */
  take(callSid: string, dequeuer: Dequeuer): Claimed | null {
    const w = this.waiters.get(callSid);
    const handoff = new Handoff(dequeuer);
    return w?.take({ kind: 'agent', handoff }) ? { handoff, callSid: w.callSid, callerLeg: w.leg } : null;
  }

  /** `cb` runs when a call joins the queue on this node (agents waiting on an empty queue); returns the unsubscribe. */
  watch(queueSid: string, cb: () => void): () => void {
    let set = this.watchers.get(queueSid);
    if (!set) {
      set = new Set();
      this.watchers.set(queueSid, set);
    }
    set.add(cb);
    return () => {
      set.delete(cb);
      if (set.size === 0) this.watchers.delete(queueSid);
    };
  }

  private wake(queueSid: string): void {
    for (const cb of this.watchers.get(queueSid) ?? []) cb();
  }

  private async wait(h: EnqueueHost, queue: QueueRow, waiter: Waiter, enqueuedAt: number): Promise<EnqueueResult> {
    const { verb, ctl } = h;
    const host: WaitHost = { ctl, signal: AbortSignal.any([ctl.signal, waiter.stop.signal]), load: (s) => h.load(s) };
    const waitUrl = verb.waitUrl === null ? null : ctl.resolve(verb.waitUrl);
    let end: WaitEnd;
    if (verb.waitUrl !== null && waitUrl === null) {
      await ctl.alert('httpRetrievalFailure', `waitUrl "${verb.waitUrl}" is relative and this document has no URL to resolve it against`);
      end = 'error';
    } else {
      end = waitUrl
        ? await runWaitUrl(host, waitUrl, verb.waitUrlMethod, () => this.waitParams(queue, waiter.callSid, enqueuedAt))
        : await holdMusicUntilStopped(host);
    }
    waiter.closed = true;
    const queueTime = Math.max(0, Math.round((this.d.clock.now() - enqueuedAt) / 1000));
    const out = (result: QueueResult, more: Partial<EnqueueResult> = {}): EnqueueResult => ({
      result,
      queueSid: queue.sid,
      queueTime,
      hangup: false,
      target: null,
      ...more,
    });
    const exit = waiter.exit;
    if (!exit) await this.d.repo.remove(waiter.callSid).catch(this.d.onError);
    const hungUp = ctl.signal.aborted && ctl.signal.reason === 'hangup';
    if (exit?.kind === 'agent') return this.meet(h, queue, exit.handoff, queueTime, out);
    if (exit?.kind === 'api') return out('redirected', { target: hungUp ? null : exit.target, hangup: hungUp });
    if (ctl.signal.aborted) return out(hungUp ? 'hangup' : 'redirected', { hangup: hungUp });
    if (end === 'leave') return out('leave');
    if (end === 'hangup') return out('hangup', { hangup: true });
    return out('error');
  }

  /** The caller's side of a dequeue by an agent: the <Queue url> document, then the bridge until released. */
  private async meet(
    h: EnqueueHost,
    queue: QueueRow,
    handoff: Handoff,
    queueTime: number,
    out: (result: QueueResult, more?: Partial<EnqueueResult>) => EnqueueResult,
  ): Promise<EnqueueResult> {
    const { ctl } = h;
    const gone = (): void => handoff.callerGone();
    if (ctl.signal.aborted) gone();
    else ctl.signal.addEventListener('abort', gone, { once: true });
    try {
      const { url, method, callSid } = handoff.dequeuer;
      if (url !== null && !handoff.gone) {
        const params = { QueueSid: queue.sid, QueueTime: String(queueTime), DequeingCallSid: callSid };
        await runAnnounce({ ctl, signal: ctl.signal, load: (s) => h.load(s) }, url, method, params);
      }
      handoff.markReady(!handoff.gone);
      await new Promise<void>((resolve) => {
        void handoff.released.then(() => resolve());
        handoff.onGone(resolve);
      });
    } finally {
      ctl.signal.removeEventListener('abort', gone);
    }
    const hungUp = ctl.signal.aborted && ctl.signal.reason === 'hangup';
    if (ctl.signal.aborted && !hungUp) return out('redirected');
    return out(handoff.bridgedAt !== null ? 'bridged' : 'bridging-in-process', { hangup: hungUp });
  }

  /** What each waitUrl request carries besides the call's own parameters. */
  private async waitParams(queue: QueueRow, callSid: string, enqueuedAt: number): Promise<Record<string, string>> {
    const now = this.d.clock.now();
    const view = await this.d.service.find(queue.account_sid, queue.sid).catch(() => null);
    const line = await this.d.repo.line(queue.sid).catch(() => [] as string[]);
    return {
      QueuePosition: String(line.indexOf(callSid) + 1),
      QueueSid: queue.sid,
      QueueTime: String(Math.max(0, Math.round((now - enqueuedAt) / 1000))),
      AvgQueueTime: String(view?.averageWait ?? 0),
      CurrentQueueSize: String(view?.size ?? line.length),
      MaxQueueSize: String(view?.row.max_size ?? queue.max_size),
    };
  }
}
