/**
 * Message creates that arrive while earlier ones are being written go to the store together: one slot
 * reservation per sender and one insert for all of them, as one unit of the group commit. On PostgreSQL
 * that is a few round trips a batch instead of two a message. If the store refuses the batch (a row it
 * will not take), each message is written again on its own, so only that one fails.
 */
import { errors } from '../core/errors.js';
import type { JobQueue } from '../jobs/queue.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { MessageRow, MessagesRepository } from '../store/repositories/messages.js';
import type { Executor } from '../store/transactor.js';
import { SEND_QUEUE } from './queues.js';

export interface CreateBatchDeps {
  messages: Pick<MessagesRepository, 'reserveSlots' | 'insertMany'>;
  group: Pick<GroupCommitter, 'run'>;
  /** Announces new sends after their commit, so the send pipeline wakes at once. */
  queue: Pick<JobQueue, 'announce'>;
  maxBacklogMs: number;
}

/** A message to store; a `queued` one takes its sender's next slot (`costMs` long) as its run_at. */
export interface NewMessage {
  row: MessageRow;
  costMs: number;
}

interface Entry extends NewMessage {
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 256;

export class CreateBatcher {
  private pending: Entry[] = [];
  private writing = false;

  constructor(private readonly d: CreateBatchDeps) {}

  /** Settles once the message is committed; a sender whose backlog is full refuses it (queue full). */
  write(message: NewMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ ...message, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) await this.writeBatch(this.pending.splice(0, MAX_BATCH));
    this.writing = false;
  }

  private async writeBatch(batch: Entry[]): Promise<void> {
    let refused: Set<Entry>;
    try {
      // Keyed by the first sender it locks, so the group takes schedule rows in one order (see group-commit.ts).
      const key = batch.flatMap((e) => (e.row.status === 'queued' ? [e.row.from_number] : [])).sort()[0] ?? '';
      refused = await this.d.group.run((trx) => this.store(batch, trx), key);
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // Rare: one after another is fast enough, and keeps each message's outcome its own.
      for (const e of batch) await this.writeBatch([e]);
      return;
    }
    for (const e of batch) {
      if (refused.has(e)) e.reject(errors.queueFull());
      else e.resolve();
    }
  }

  /** May run more than once (group commit): every outcome is worked out again. */
  private async store(batch: Entry[], trx: Executor): Promise<Set<Entry>> {
    const refused = new Set<Entry>();
    const bySender = new Map<string, Entry[]>();
    for (const e of batch) {
      if (e.row.status !== 'queued') continue;
      const list = bySender.get(e.row.from_number);
      if (list) list.push(e);
      else bySender.set(e.row.from_number, [e]);
    }
    // Senders in one order on every node, so two batches never wait on each other's schedule rows.
    for (const sender of [...bySender.keys()].sort()) {
      const entries = bySender.get(sender)!;
      const now = Math.max(...entries.map((e) => e.row.date_created));
      const slots = await this.d.messages.reserveSlots(
        sender,
        now,
        entries.map((e) => e.costMs),
        this.d.maxBacklogMs,
        trx,
      );
      entries.forEach((e, i) => {
        const slot = slots[i];
        if (slot === undefined) refused.add(e);
        else e.row.run_at = slot;
      });
    }
    const rows = batch.filter((e) => !refused.has(e)).map((e) => e.row);
    if (rows.length > 0) {
      await this.d.messages.insertMany(rows, trx);
      this.d.queue.announce(SEND_QUEUE, trx);
    }
    return refused;
  }
}
