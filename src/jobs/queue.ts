import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Executor, JobRow, JobsRepository } from '../store/repositories/jobs.js';
import { afterCommit, commitKnown } from '../store/transactor.js';

export interface NewJob {
  queue: string;
  payload: unknown;
  runAt?: number;
  maxAttempts?: number;
}

export interface Job<P = unknown> {
  id: string;
  queue: string;
  payload: P;
  attempts: number;
  maxAttempts: number;
}

/** What a handler tells the worker: done, try again later, or give up. */
export type JobOutcome = { kind: 'done' } | { kind: 'retry'; delayMs: number; error: string } | { kind: 'dead'; error: string };

export type JobHandler<P = unknown> = (job: Job<P>) => Promise<JobOutcome>;

/** A worker in this process that takes the jobs this process enqueues on its queue, already claimed for it. */
export interface JobTaker {
  readonly workerId: string;
  readonly leaseMs: number;
  /** How many more jobs it would run now (0 while stopped or full). */
  room(): number;
  /** The jobs, already claimed in their rows, once those rows are committed. */
  hand(jobs: Job[]): void;
  /**
   * A due job of its queue was committed unclaimed (no room, or a transaction whose commit could not be
   * awaited): it takes no hand-over until a poll has claimed what is due, so a later job with the same order
   * key (a message's `delivered` after its `sent`) cannot overtake one that waits in the table.
   */
  missed(): void;
}

/**
 * Durable work queue: jobs are rows, written in the same transaction as the work they describe, so an
 * accepted request and its follow-up work commit together or not at all.
 */
export class JobQueue {
  /** Queue name -> who works it on this node (a Worker, or the send pipeline for the messages table). */
  private readonly listeners = new Map<string, Array<() => void>>();
  private readonly takers = new Map<string, JobTaker>();

  constructor(
    private readonly repo: JobsRepository,
    private readonly clock: Clock,
  ) {}

  /** Wakes `listener` whenever this process commits new work on `queue` (other nodes find it by polling). */
  subscribe(queue: string, listener: () => void): void {
    const list = this.listeners.get(queue);
    if (list) list.push(listener);
    else this.listeners.set(queue, [listener]);
  }

  /**
   * Jobs this process enqueues on `queue` are written already claimed by `taker` (locked_by, a lease,
   * attempts 1) while it has room, and handed to it after the commit: no claim statement, no payload read
   * back. The row is the same durable row as before, so a crash leaves it to be claimed when the lease
   * lapses, exactly like a job claimed by polling; the taker's room bounds how many it holds at once.
   */
  take(queue: string, taker: JobTaker): void {
    this.takers.set(queue, taker);
  }

  /** Announces new work on `queue` once `executor`'s transaction commits (see store/transactor.ts). */
  announce(queue: string, executor?: Executor): void {
    afterCommit(executor, () => {
      for (const listener of this.listeners.get(queue) ?? []) listener();
    });
  }

  rows(jobs: NewJob[]): JobRow[] {
    const now = this.clock.now();
    return jobs.map((j) => ({
      id: randomUUID(),
      queue: j.queue,
      payload: JSON.stringify(j.payload),
      run_at: j.runAt ?? now,
      attempts: 0,
      max_attempts: j.maxAttempts ?? 10,
      locked_by: null,
      locked_until: null,
      last_error: null,
      date_created: now,
    }));
  }

  async enqueue(jobs: NewJob[], executor?: Executor): Promise<void> {
    if (jobs.length === 0) return;
    const rows = this.rows(jobs);
    // Handed over only where the hand-over can wait for the commit (never for a change that rolls back).
    const handed = commitKnown(executor) && this.takers.size > 0 ? this.preclaim(rows, jobs) : undefined;
    const missed = new Set<JobTaker>();
    for (const row of rows) {
      const taker = row.locked_by === null && row.run_at <= row.date_created ? this.takers.get(row.queue) : undefined;
      if (taker) missed.add(taker);
    }
    await this.repo.insert(rows, executor);
    if (handed || missed.size > 0)
      afterCommit(executor, () => {
        for (const [taker, js] of handed ?? []) taker.hand(js);
        for (const taker of missed) taker.missed();
      });
    const announced = new Set<string>();
    for (const row of rows) if (row.locked_by === null) announced.add(row.queue);
    for (const queue of announced) this.announce(queue, executor);
  }

  /**
   * Marks the rows a local taker has room for as claimed by it; returns its jobs. Each payload is the one
   * given to `enqueue` (`rows[i]` is `jobs[i]`), not parsed back from the JSON just written.
   */
  private preclaim(rows: JobRow[], jobs: NewJob[]): Map<JobTaker, Job[]> | undefined {
    const out = new Map<JobTaker, Job[]>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const taker = this.takers.get(row.queue);
      if (!taker || row.run_at > row.date_created) continue; // a job for later is found by polling when due
      const mine = out.get(taker);
      if (taker.room() <= (mine?.length ?? 0)) continue;
      row.locked_by = taker.workerId;
      row.locked_until = row.date_created + taker.leaseMs;
      row.attempts = 1;
      const job: Job = { id: row.id, queue: row.queue, payload: jobs[i]!.payload, attempts: 1, maxAttempts: row.max_attempts };
      if (mine) mine.push(job);
      else out.set(taker, [job]);
    }
    return out.size > 0 ? out : undefined;
  }

  async claim<P>(queue: string, worker: string, limit: number, leaseMs: number): Promise<Job<P>[]> {
    const rows = await this.repo.claim(queue, worker, limit, this.clock.now(), leaseMs);
    // UPDATE ... RETURNING gives no order: jobs start in the queue's order (a message's callbacks in the order
    // its statuses changed).
    rows.sort((a, b) => a.run_at - b.run_at || a.date_created - b.date_created);
    return rows.map((r) => ({ id: r.id, queue: r.queue, payload: JSON.parse(r.payload) as P, attempts: r.attempts, maxAttempts: r.max_attempts }));
  }

  /** Gives claimed jobs back unrun (attempts undone), for any node to claim at once. */
  release(ids: string[], worker: string): Promise<void> {
    return this.repo.release(ids, worker);
  }

  complete(ids: string[], worker: string): Promise<void> {
    return this.repo.complete(ids, worker);
  }

  retry(id: string, worker: string, delayMs: number, error: string): Promise<void> {
    return this.repo.reschedule(id, worker, this.clock.now() + delayMs, error);
  }

  depths(): Promise<Record<string, number>> {
    return this.repo.depths();
  }
}
