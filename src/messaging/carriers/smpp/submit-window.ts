/**
 * The submit side of a session: a queue in front of a window of outstanding submit_sm, each resolved
 * exactly once with a SubmitResult (never a rejection). Throttling answers pause the queue with
 * exponential backoff; a response timeout or a dropped connection fails the submit as retryable.
 */
import { Backoff } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import { Status, statusName } from './constants.js';
import { SmppRequestError } from './connection.js';
import type { SmppConnection } from './connection.js';
import type { Pdu, ShortMessageFields } from './pdu.js';
import { normalizeMessageId } from './receipt.js';
import type { MessageIdFormat } from './receipt.js';

export type SubmitFailureReason =
  | 'throttled'
  | 'timeout'
  | 'disconnected'
  | 'queue_timeout'
  | 'queue_full'
  | 'closed'
  | 'rejected'
  | 'invalid'
  | 'protocol_error';

export type SubmitResult =
  | { ok: true; messageId: string; rawMessageId: string }
  | { ok: false; reason: SubmitFailureReason; retryable: boolean; commandStatus?: number; message: string };

/** command_status values after which the same submit may succeed later. */
const RETRYABLE_STATUS = new Set<number>([
  Status.ESME_RTHROTTLED,
  Status.ESME_RMSGQFUL,
  Status.ESME_RINVBNDSTS, // the SMSC thinks we are not bound yet (race with a rebind)
  Status.ESME_RX_T_APPN,
]);

export function isThrottleStatus(status: number): boolean {
  return status === Status.ESME_RTHROTTLED || status === Status.ESME_RMSGQFUL;
}

export interface SubmitWindowOptions {
  window: number;
  responseTimeoutMs: number;
  queueTimeoutMs: number;
  maxQueue: number;
  throttleBackoff: BackoffOptions;
  submitIdFormat: MessageIdFormat;
  random?: () => number;
  onThrottle?(pauseMs: number): void;
}

interface Job {
  fields: ShortMessageFields;
  settle(result: SubmitResult): void;
  timer: NodeJS.Timeout | null;
  done: boolean;
}

export class SubmitWindow {
  private readonly queue: Job[] = [];
  private inflight = 0;
  private pausedUntil = 0;
  private pauseTimer: NodeJS.Timeout | null = null;
  private readonly throttle: Backoff;
  private closed = false;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly options: SubmitWindowOptions,
    private readonly connection: () => SmppConnection | null,
  ) {
    this.throttle = new Backoff(options.throttleBackoff, options.random);
  }

  get queued(): number {
    return this.queue.length;
  }

  get outstanding(): number {
    return this.inflight;
  }

  submit(fields: ShortMessageFields): Promise<SubmitResult> {
    return new Promise<SubmitResult>((resolve) => {
      const job: Job = {
        fields,
        timer: null,
        done: false,
        settle: (result) => {
          if (job.done) return;
          job.done = true;
          if (job.timer) clearTimeout(job.timer);
          resolve(result);
        },
      };
      if (this.closed) return job.settle(failure('closed', true, 'session closed'));
      if (this.queue.length >= this.options.maxQueue) {
        return job.settle(failure('queue_full', true, `${this.queue.length} submits already queued`));
      }
      job.timer = setTimeout(() => {
        const i = this.queue.indexOf(job);
        if (i >= 0) this.queue.splice(i, 1);
        job.settle(failure('queue_timeout', true, `not sent within ${this.options.queueTimeoutMs} ms (not bound or paused)`));
      }, this.options.queueTimeoutMs);
      this.queue.push(job);
      this.pump();
    });
  }

  /** Sends queued submits while the link is bound, the window has room and no throttle pause holds. */
  pump(): void {
    const conn = this.connection();
    while (conn && conn.isOpen && this.queue.length > 0 && this.inflight < this.options.window) {
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) {
        this.schedulePump(wait);
        return;
      }
      const job = this.queue.shift();
      if (!job || job.done) continue;
      if (job.timer) clearTimeout(job.timer);
      job.timer = null;
      this.inflight++;
      void this.send(conn, job);
    }
  }

  private async send(conn: SmppConnection, job: Job): Promise<void> {
    let result: SubmitResult;
    try {
      result = this.fromResponse(await conn.request({ command: 'submit_sm', status: 0, ...job.fields }, this.options.responseTimeoutMs));
    } catch (err) {
      result = fromError(err);
    }
    this.inflight--;
    job.settle(result);
    if (this.inflight === 0) this.notifyDrained();
    this.pump();
  }

  /** Fails every queued submit (retryable) and waits for the outstanding ones to resolve. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    for (const job of this.queue.splice(0)) job.settle(failure('closed', true, 'session closed'));
    if (this.inflight === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  private notifyDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private schedulePump(delay: number): void {
    if (this.pauseTimer) return;
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = null;
      this.pump();
    }, delay);
  }

  private fromResponse(resp: Pdu): SubmitResult {
    if (resp.command !== 'submit_sm_resp' && resp.command !== 'generic_nack') {
      return failure('protocol_error', true, `unexpected ${resp.command} in answer to submit_sm`);
    }
    if (resp.status === Status.ESME_ROK && resp.command === 'submit_sm_resp') {
      this.throttle.reset();
      const raw = resp.messageId;
      return { ok: true, rawMessageId: raw, messageId: normalizeMessageId(raw, this.options.submitIdFormat, this.options.submitIdFormat) };
    }
    if (isThrottleStatus(resp.status)) {
      const pause = this.throttle.next();
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pause);
      this.options.onThrottle?.(pause);
      return failure('throttled', true, `${statusName(resp.status)}: pausing submits ${pause} ms`, resp.status);
    }
    const retryable = RETRYABLE_STATUS.has(resp.status);
    return failure('rejected', retryable, `${resp.command} ${statusName(resp.status)}`, resp.status);
  }
}

function fromError(err: unknown): SubmitResult {
  if (err instanceof SmppRequestError) {
    switch (err.kind) {
      case 'timeout':
        return failure('timeout', true, err.message);
      case 'closed':
        return failure('disconnected', true, err.message);
      case 'encode':
        return failure('invalid', false, err.message);
      case 'protocol':
        return failure('protocol_error', true, err.message);
    }
  }
  return failure('disconnected', true, String(err));
}

function failure(reason: SubmitFailureReason, retryable: boolean, message: string, commandStatus?: number): SubmitResult {
  return commandStatus === undefined ? { ok: false, reason, retryable, message } : { ok: false, reason, retryable, message, commandStatus };
}
