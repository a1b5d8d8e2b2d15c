/**
 * Delivery reports from carriers, applied in batches. A report names our message SID (carriers we run) or
 * the carrier's id for one part; parts are looked up in `message_parts` and a multipart message is
 * aggregated from its parts' stored statuses: delivered only when every part is, otherwise the worst part
 * wins. A report that arrives before its submit result is stored (receipts often overtake the pipeline)
 * waits and is retried when results are applied, for at most `waitMs`. `report()` settles once the report
 * is stored, so a carrier can acknowledge its peer only then.
 */
import { codes } from '../core/errors.js';
import type { NewJob } from '../jobs/queue.js';
import type { MessageChanges, MessageRow, MessagesRepository } from '../store/repositories/messages.js';
import type { MessagePartsRepository } from '../store/repositories/message-parts.js';
import type { Executor, Transactor } from '../store/transactor.js';
import { aggregateStatus, isForward } from './carriers/smpp/status.js';
import type { StatusUpdate, TwilioMessageStatus } from './carriers/smpp/status.js';
import type { DeliveryReport } from './carriers/types.js';

/** The part rows reports match and aggregate. */
export type ReportPartStore = Pick<MessagePartsRepository, 'find' | 'findManyWithMessage' | 'forMessage' | 'update' | 'lockMessage'>;

/** A status change a report makes, applied with the rest of its batch (`moveEach`). */
export interface ReportMove {
  m: MessageRow;
  changes: MessageChanges;
}

export interface ReportsDeps {
  messages: Pick<MessagesRepository, 'find' | 'findMany'>;
  parts: ReportPartStore;
  tx: Transactor;
  now: () => number;
  /** The pipeline's conditional status change plus its status callback. */
  move: (m: MessageRow, from: readonly string[], changes: MessageChanges, trx: Executor, callbacks: NewJob[]) => Promise<boolean>;
  /** `move` for a batch's single-part messages together (the first change per message counts). */
  moveEach: (moves: ReportMove[], from: readonly string[], trx: Executor, callbacks: NewJob[]) => Promise<void>;
  enqueue: (callbacks: NewJob[], trx: Executor) => Promise<void>;
  /** A batch that could not be stored (it is retried): for the log. */
  onError: (err: unknown) => void;
  /** How long a report may wait for its message to be sent (default 2 minutes). */
  waitMs?: number;
}

/** What a batch's reports name, read before any of them is applied: one read per batch on PostgreSQL. */
interface Known {
  messages: Map<string, MessageRow>;
  /** By carrier, then the carrier's id for the part. */
  parts: Map<string, Map<string, { total: number; message: MessageRow }>>;
}

interface Pending {
  report: DeliveryReport;
  since: number;
  errors: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

const ERROR_TEXT: Readonly<Record<number, string>> = {
  [codes.unreachableHandset]: 'Unreachable destination handset',
  [codes.unknownHandset]: 'Unknown destination handset',
  [codes.landlineOrUnreachableCarrier]: 'Landline or unreachable carrier',
  [codes.messageFiltered]: 'Message filtered',
  [codes.unknownDeliveryError]: 'Unknown error',
};

export class DeliveryReports {
  private queue: Pending[] = [];
  private waiting: Pending[] = [];
  private running: Promise<void> | undefined;
  private waitTimer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly d: ReportsDeps) {}

  add(report: DeliveryReport): Promise<void> {
    const stored = new Promise<void>((resolve, reject) => {
      this.queue.push({ report, since: this.d.now(), errors: 0, resolve, reject });
      this.schedule();
    });
    // Callers that do not wait (the simulator) must not turn a refusal at shutdown into an unhandled rejection.
    stored.catch(() => undefined);
    return stored;
  }

  /** Submit results were just stored: reports waiting for them may match now. */
  retryWaiting(): void {
    if (this.waiting.length === 0) return;
    this.queue.push(...this.waiting.splice(0));
    this.schedule();
  }

  /**
   * retryWaiting a few milliseconds later: the status callback a report causes then gets a later run_at than
   * the `sent` callback just queued, so the two cannot tie and reach the app out of order.
   */
  retryWaitingSoon(): void {
    if (this.waiting.length === 0 || this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      this.retryWaiting();
    }, 5);
    this.soonTimer.unref?.();
  }

  /** Applies everything queued now (and what arrives meanwhile); used at shutdown. */
  async flush(): Promise<void> {
    // Bounded: each round applies what was queued; reports keep arriving only while carriers run.
    for (let i = 0; i < 1000 && (this.running || this.queue.length > 0); i++) {
      this.running ??= this.run();
      await this.running;
    }
  }

  /** Reports still waiting are refused so their carriers ask the peer to send them again later. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.waitTimer) clearTimeout(this.waitTimer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.waitTimer = undefined;
    this.soonTimer = undefined;
    await this.flush();
    for (const p of this.waiting.splice(0)) p.reject(new Error('shutting down before the report matched a message'));
  }

  private schedule(): void {
    if (this.running) return;
    // setImmediate gathers the reports of one socket read into one transaction.
    this.running = new Promise<void>((r) => setImmediate(r)).then(() => this.run());
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.applyBatch(this.queue.splice(0));
    } finally {
      this.running = undefined;
    }
    if (this.waiting.length > 0 && !this.waitTimer && !this.stopped) {
      // Also retried after each stored batch of submit results; this catches the rest.
      this.waitTimer = setTimeout(() => {
        this.waitTimer = undefined;
        this.retryWaiting();
      }, 1000);
      this.waitTimer.unref?.();
    }
  }

  private async applyBatch(batch: Pending[]): Promise<void> {
    const now = this.d.now();
    const callbacks: NewJob[] = [];
    const wait: Pending[] = [];
    const done: Pending[] = [];
    try {
      await this.d.tx.transaction(async (trx) => {
        const known = await this.lookUp(batch, trx);
        const moves: ReportMove[] = [];
        for (const p of batch) {
          const outcome = await this.apply(p.report, now, trx, callbacks, known, moves);
          if (outcome === 'wait' && now - p.since < (this.d.waitMs ?? 120_000)) wait.push(p);
          else done.push(p);
        }
        if (moves.length > 0) await this.d.moveEach(moves, ['sent'], trx, callbacks);
        await this.d.enqueue(callbacks, trx);
      });
    } catch (err) {
      // Nothing of the batch was stored: try again, and after repeated failures let the carrier ask for a resend.
      for (const p of batch) {
        if (++p.errors >= 5) p.reject(err instanceof Error ? err : new Error(String(err)));
        else this.waiting.push(p);
      }
      this.d.onError(new Error('delivery reports not stored, will retry', { cause: err }));
      return;
    }
    for (const p of done) p.resolve();
    this.waiting.push(...wait);
  }

  private async lookUp(batch: Pending[], trx: Executor): Promise<Known> {
    const sids = new Set<string>();
    const ids = new Map<string, Set<string>>();
    for (const { report } of batch) {
      if (report.messageSid) sids.add(report.messageSid);
      else if (report.carrierId) {
        const set = ids.get(report.carrier) ?? new Set<string>();
        ids.set(report.carrier, set.add(report.carrierId));
      }
    }
    const known: Known = { messages: sids.size > 0 ? await this.d.messages.findMany([...sids], trx) : new Map(), parts: new Map() };
    for (const [carrier, set] of ids) known.parts.set(carrier, await this.d.parts.findManyWithMessage(carrier, [...set], trx));
    return known;
  }

  private async apply(report: DeliveryReport, now: number, trx: Executor, callbacks: NewJob[], known: Known, moves: ReportMove[]): Promise<'applied' | 'wait'> {
    if (report.messageSid) {
      const m = known.messages.get(report.messageSid);
      if (!m) return 'applied';
      if (m.status === 'sending' || m.status === 'queued') return 'wait';
      if (report.status === 'sent') return 'applied';
      moves.push({ m, changes: changes({ status: report.status, errorCode: report.errorCode ?? null }, now) });
      return 'applied';
    }
    if (!report.carrierId) return 'applied';
    const found = known.parts.get(report.carrier)?.get(report.carrierId);
    if (!found) return 'wait';
    if (report.status === 'sent') return 'applied';
    const sid = found.message.sid;
    const update: StatusUpdate = { status: report.status, errorCode: report.status === 'delivered' ? null : (report.errorCode ?? codes.unknownDeliveryError) };
    let agg = update;
    if (found.total > 1) {
      // Under the message's lock, read the part again: another node may have just updated it.
      await this.d.parts.lockMessage(sid, trx);
      const part = await this.d.parts.find(report.carrier, report.carrierId, trx);
      if (!part || !isForward(part.status as TwilioMessageStatus, report.status)) return 'applied';
      await this.d.parts.update(part.carrier, part.carrier_id, { status: update.status, error_code: update.errorCode, date_updated: now }, trx);
      const all = await this.d.parts.forMessage(part.message_sid, trx);
      const statuses: StatusUpdate[] = all.map((p) => ({ status: p.status as TwilioMessageStatus, errorCode: p.error_code }));
      // A part never recorded counts as merely sent, so the message cannot be delivered without it.
      for (let i = statuses.length; i < part.total; i++) statuses.push({ status: 'sent', errorCode: null });
      agg = aggregateStatus(statuses);
    }
    // A single part's status is the message's own (kept on the message row, not repeated on the part).
    if (agg.status !== 'delivered' && agg.status !== 'undelivered' && agg.status !== 'failed') return 'applied';
    // The single-part row read with the part is current enough: the move is conditional on 'sent'.
    if (found.total === 1) {
      moves.push({ m: found.message, changes: changes(agg, now) });
      return 'applied';
    }
    const m = await this.d.messages.find(sid, trx);
    if (m) await this.d.move(m, ['sent'], changes(agg, now), trx, callbacks);
    return 'applied';
  }
}

function changes(u: StatusUpdate, now: number): MessageChanges {
  const c: MessageChanges = { status: u.status, date_updated: now };
  if (u.status !== 'delivered') {
    const code = u.errorCode ?? codes.unknownDeliveryError;
    c.error_code = code;
    c.error_message = ERROR_TEXT[code] ?? 'Delivery failed';
  }
  return c;
}
