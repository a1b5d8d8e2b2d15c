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
 * transaction, so a commit is shared; each caller still resumes only after its work is durable. One group
 * runs at a time per process.
 *
 * A unit that fails is rolled back alone and the rest commit together. Units run without savepoints first:
 * a savepoint and its release are two more statements per unit (two more round trips on PostgreSQL, half of
 * a message create's), and units rarely fail. When one does, the whole group is rolled back and runs again
 * with each unit in a savepoint of its own (units may run again: deadlock retries already need that), and
 * groups keep using savepoints until one has no failing unit, so a run of refusals (a full sender queue)
 * does not make every group run twice.
 */
export class GroupCommitter {
  private queue: Pending<unknown>[] = [];
  private running = false;
  private careful = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 256,
  ) {}

  /** `work` may run more than once before it commits (after another unit's failure or a deadlock): it only writes rows. */
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
    let savepoints = this.careful && batch.length > 1;
    for (let attempt = 1; ; attempt++) {
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
      // Each unit's commit hooks apart: a unit rolled back to its savepoint announces nothing.
      const hooks: Array<Array<() => void>> = [];
      try {
        await this.db.transaction().execute(async (trx) => {
          for (const item of batch) {
            const unitHooks = collectCommitHooks(trx);
            if (!savepoints) {
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
        if (!savepoints && batch.length > 1) {
          savepoints = true;
          this.careful = true;
          continue;
        }
        for (const item of batch) item.reject(err);
        return;
      }
      if (savepoints && outcomes.every((o) => o.ok)) this.careful = false;
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
