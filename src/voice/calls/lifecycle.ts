/**
 * Call state changes. Each is a conditional UPDATE (statuses only move forward, so a hangup racing an
 * answer cannot undo it) committed in one transaction with its status callback job, as messaging does:
 * a callback is sent if and only if its change happened.
 */
import type { Clock } from '../../core/clock.js';
import type { EventBus } from '../../core/events.js';
import type { JobQueue, NewJob } from '../../jobs/queue.js';
import type { CallChanges, CallRow, CallsRepository } from '../../store/repositories/calls.js';
import type { Executor, Transactor } from '../../store/transactor.js';
import type { WebhookDispatcher } from '../../webhooks/dispatcher.js';
import { eventFor, isFinal, statusParams } from './params.js';

export interface LifecycleDeps {
  calls: CallsRepository;
  jobs: JobQueue;
  tx: Transactor;
  webhooks: WebhookDispatcher;
  events: EventBus;
  clock: Clock;
}

export class CallLifecycle {
  constructor(private readonly d: LifecycleDeps) {}

  now(): number {
    return this.d.clock.now();
  }

  /** Inserts a new call and, for an outbound one, its `initiated` callback. */
  async create(row: CallRow): Promise<CallRow> {
    const callbacks: NewJob[] = [];
    const stored = this.withCallback(row, callbacks);
    await this.d.tx.transaction(async (trx) => {
      await this.d.calls.insert(stored, trx);
      await this.d.jobs.enqueue(callbacks, trx);
    });
    this.announce(stored);
    return stored;
  }

  /** Moves the call on from one of `from`; returns the new row, or null when it had already moved on. */
  async move(row: CallRow, from: readonly string[], changes: CallChanges, ex?: Executor): Promise<CallRow | null> {
    const callbacks: NewJob[] = [];
    const next = this.withCallback({ ...row, ...changes, date_updated: this.d.clock.now() }, callbacks);
    const diff: CallChanges = { ...changes, date_updated: next.date_updated, callback_seq: next.callback_seq };
    const apply = async (trx: Executor): Promise<boolean> => {
      const ok = await this.d.calls.transition(row.sid, from, diff, trx);
      if (ok) await this.d.jobs.enqueue(callbacks, trx);
      return ok;
    };
    const ok = ex ? await apply(ex) : await this.d.tx.transaction(apply);
    if (!ok) return null;
    this.announce(next);
    return next;
  }

  /** Answering machine detection's verdict (no status change, no callback of its own). */
  async setAnsweredBy(row: CallRow, answeredBy: string): Promise<CallRow> {
    const next = { ...row, answered_by: answeredBy, date_updated: this.d.clock.now() };
    await this.d.calls.update(row.sid, { answered_by: answeredBy, date_updated: next.date_updated });
    return next;
  }

  /** The row with its callback job added to `callbacks` when its status callback wants this event. */
  private withCallback(row: CallRow, callbacks: NewJob[]): CallRow {
    const event = eventFor(row.status);
    if (!row.status_callback || event === null) return row;
    const wanted = JSON.parse(row.status_callback_events) as string[];
    if (!wanted.includes(event)) return row;
    const seq = row.callback_seq + 1;
    const next = { ...row, callback_seq: seq };
    callbacks.push(
      this.d.webhooks.job({
        accountSid: row.account_sid,
        resourceSid: row.sid,
        purpose: 'voice-status',
        primary: { url: row.status_callback, method: row.status_callback_method === 'GET' ? 'GET' : 'POST' },
        params: statusParams(next, seq, this.d.clock.now(), event),
      }),
    );
    return next;
  }

  private announce(row: CallRow): void {
    this.d.events.emit('call.status', { accountSid: row.account_sid, sid: row.sid, status: row.status });
  }
}

export { isFinal };
