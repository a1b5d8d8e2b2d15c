import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Executor } from './transactor.js';

interface Pending<T> {
  work: (trx: Executor) => Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: units of work submitted in the same turn of the event loop run in ONE transaction, each
 * inside its own savepoint, so a unit that fails is rolled back alone and the rest commit together. A
 * commit costs more than our small statements, so under load this multiplies write throughput; each
 * caller still resumes only after its work is durable.
 */
export class GroupCommitter {
  private queue: Pending<unknown>[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<Database>, private readonly maxBatch = 256) {}

  run<T>(work: (trx: Executor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as Pending<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length) { this.scheduled = true; setImmediate(() => void this.flush()); }
    if (batch.length === 1) {
      const only = batch[0]!;
      await this.db.transaction().execute(only.work).then(only.resolve, only.reject);
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const item of batch) {
          await sql`savepoint sb_unit`.execute(trx);
          try {
            outcomes.push({ ok: true, value: await item.work(trx) });
            await sql`release savepoint sb_unit`.execute(trx);
          } catch (err) {
            await sql`rollback to savepoint sb_unit`.execute(trx);
            await sql`release savepoint sb_unit`.execute(trx);
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value); else item.reject(o.err);
    });
  }
}
