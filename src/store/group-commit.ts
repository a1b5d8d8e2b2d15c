import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { collectCommitHooks, runCommitHooks, type Executor } from './transactor.js';

interface Pending<T> {
  work: (trx: Executor) => Promise<T>;
  /** Units run in key order, so two groups (on two nodes) take row locks in the same order. */
  key: string;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

/** PostgreSQL's deadlock and serialization failures: the whole group is safe to run again. */
const RETRYABLE = new Set(['40P01', '40001']);

// Built once: a `sql` template is parsed and compiled again on every use, and these run twice per unit.
const SAVEPOINT = CompiledQuery.raw('savepoint sb_unit');
const RELEASE = CompiledQuery.raw('release savepoint sb_unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint sb_unit');

/**
 * Group commit: units of work submitted while the previous group runs are gathered and run in ONE
 * transaction, each inside its own savepoint, so a unit that fails is rolled back alone and the rest commit
 * together. A commit costs more than our small statements, so under load this multiplies write throughput;
 * each caller still resumes only after its work is durable. One group runs at a time per process.
 */
export class GroupCommitter {
  private queue: Pending<unknown>[] = [];
  private running = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 256,
  ) {}

  run<T>(work: (trx: Executor) => Promise<T>, key = ''): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, key, resolve, reject } as Pending<unknown>);
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      await this.runBatch(batch);
    }
    this.running = false;
  }

  private async runBatch(batch: Pending<unknown>[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
      // Each unit's commit hooks apart: a unit rolled back to its savepoint announces nothing.
      const hooks: Array<Array<() => void>> = [];
      try {
        await this.db.transaction().execute(async (trx) => {
          for (const item of batch) {
            const unitHooks = collectCommitHooks(trx);
            if (batch.length === 1) {
              outcomes.push({ ok: true, value: await item.work(trx) });
              hooks.push(unitHooks);
              continue;
            }
            await trx.executeQuery(SAVEPOINT);
            try {
              outcomes.push({ ok: true, value: await item.work(trx) });
              await trx.executeQuery(RELEASE);
              hooks.push(unitHooks);
            } catch (err) {
              if (RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
              await trx.executeQuery(ROLLBACK_TO);
              await trx.executeQuery(RELEASE);
              outcomes.push({ ok: false, err });
            }
          }
        });
      } catch (err) {
        if (RETRYABLE.has((err as { code?: string }).code ?? '') && attempt < 5) continue;
        for (const item of batch) item.reject(err);
        return;
      }
      for (const unitHooks of hooks) runCommitHooks(unitHooks);
      batch.forEach((item, i) => {
        const o = outcomes[i]!;
        if (o.ok) item.resolve(o.value);
        else item.reject(o.err);
      });
      return;
    }
  }
}
