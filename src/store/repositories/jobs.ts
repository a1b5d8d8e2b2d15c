import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../db.js';
import { compiledInsert } from '../compiled.js';
import type { Database, JobsTable } from '../schema.js';

export type JobRow = JobsTable;
export type { Executor } from '../transactor.js';
import type { Executor } from '../transactor.js';

const JOB_COLUMNS = [
  'id',
  'queue',
  'payload',
  'run_at',
  'attempts',
  'max_attempts',
  'locked_by',
  'locked_until',
  'last_error',
  'date_created',
] as const satisfies readonly (keyof JobRow)[];

/**
 * SQL of the durable work queue. Claims take a lease (locked_until): a node that dies mid-job loses its
 * claim when the lease runs out and another node takes the job. PostgreSQL claims with SKIP LOCKED so
 * nodes never wait on each other's rows; SQLite serializes writers anyway.
 */
export class JobsRepository {
  private readonly insertMany: ReturnType<typeof compiledInsert<'jobs', (typeof JOB_COLUMNS)[number]>>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {
    this.insertMany = compiledInsert(db, dialect, 'jobs', JOB_COLUMNS);
  }

  async insert(rows: JobRow[], executor?: Executor): Promise<void> {
    if (rows.length === 0) return;
    await this.insertMany(executor ?? null, rows);
  }

  async claim(queue: string, worker: string, limit: number, now: number, leaseMs: number): Promise<JobRow[]> {
    return this.db.transaction().execute(async (trx) => {
      let pick = trx
        .selectFrom('jobs')
        .select('id')
        .where('queue', '=', queue)
        .where('run_at', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('run_at')
        .limit(limit);
      if (this.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
      const ids = (await pick.execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      return trx
        .updateTable('jobs')
        .set({ locked_by: worker, locked_until: now + leaseMs, attempts: sql`attempts + 1` })
        .where('id', 'in', ids)
        .returningAll()
        .execute();
    });
  }

  /** Deletes finished jobs, but only while the caller still holds them (a lost lease means someone else does). */
  async complete(ids: string[], worker: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.deleteFrom('jobs').where('id', 'in', ids).where('locked_by', '=', worker).execute();
  }

  async release(ids: string[], worker: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('jobs')
      .set({ locked_by: null, locked_until: null, attempts: sql`attempts - 1` })
      .where('id', 'in', ids)
      .where('locked_by', '=', worker)
      .execute();
  }

  async reschedule(id: string, worker: string, runAt: number, error: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ run_at: runAt, locked_by: null, locked_until: null, last_error: error.slice(0, 500) })
      .where('id', '=', id)
      .where('locked_by', '=', worker)
      .execute();
  }

  async depths(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['queue', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('queue')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.queue, Number(r.n)]));
  }

  async count(queue: string): Promise<number> {
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('queue', '=', queue)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
