import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Executor, JobRow, JobsRepository } from '../store/repositories/jobs.js';
import { afterCommit } from '../store/transactor.js';

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

/**
 * Durable work queue: jobs are rows, written in the same transaction as the work they describe, so an
 * accepted request and its follow-up work commit together or not at all.
 */
export class JobQueue {
  /** Queue name -> who works it on this node (a Worker, or the send pipeline for the messages table). */
  private readonly listeners = new Map<string, Array<() => void>>();

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
    await this.repo.insert(this.rows(jobs), executor);
    for (const queue of new Set(jobs.map((j) => j.queue))) this.announce(queue, executor);
  }

  async claim<P>(queue: string, worker: string, limit: number, leaseMs: number): Promise<Job<P>[]> {
    const rows = await this.repo.claim(queue, worker, limit, this.clock.now(), leaseMs);
    // UPDATE ... RETURNING gives no order: jobs start in the queue's order (a message's callbacks in the order
    // its statuses changed).
    rows.sort((a, b) => a.run_at - b.run_at || a.date_created - b.date_created);
    return rows.map((r) => ({ id: r.id, queue: r.queue, payload: JSON.parse(r.payload) as P, attempts: r.attempts, maxAttempts: r.max_attempts }));
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
