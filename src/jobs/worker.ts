import { ClaimLoop } from './loop.js';
import type { Job, JobHandler, JobOutcome, JobQueue, JobTaker } from './queue.js';

export interface WorkerOptions {
  queue: string;
  workerId: string;
  handler: JobHandler;
  /** Jobs claimed per poll. */
  batch: number;
  /** Jobs running at once (default twice the batch): the loop claims more while earlier jobs still run. */
  maxInFlight?: number;
  pollMs: number;
  leaseMs: number;
  onError?: (err: unknown) => void;
  /**
   * Jobs with the same key run one after another, in claim order (run_at), instead of concurrently: a
   * message's status callbacks must reach the app in the order the statuses changed. Holds across claims.
   */
  orderKey?: (job: Job) => string | undefined;
}

/** Finished jobs are deleted together, at most this long after the first of them finished. */
const FLUSH_MS = 100;

/**
 * Polls one queue and runs claimed jobs concurrently. No job waits for another one's batch: the loop keeps
 * claiming while jobs are in flight (up to `maxInFlight`), so one slow job (a webhook server trickling its
 * answer) holds only itself and the jobs queued behind it under the same `orderKey`. Completions are
 * coalesced into one DELETE per flush, which keeps the per-job cost of the old whole-batch completion.
 * Work this process commits on its queue wakes it at once (JobQueue.subscribe), so latency is not the poll period.
 */
export class Worker implements JobTaker {
  private readonly loop: ClaimLoop;
  private readonly max: number;
  /** Job id -> its run (after its turn in its key's chain). */
  private readonly running = new Map<string, Promise<void>>();
  /** Order key -> the run of the last job with that key. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Finished jobs not yet deleted. */
  private readonly finished = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** The last claim was cut short for lack of room: a flush (room freed) kicks the loop. */
  private starved = false;
  private lastMove = Date.now();
  /** A small claim costs the store as much as a full one: the loop claims once there is room for this many. */
  private readonly minClaim: number;
  /** Between start() and the beginning of stop(): takes jobs handed over at enqueue. */
  private taking = false;
  private stopped = false;
  /** Due jobs of this queue wait unclaimed in the table (JobTaker.missed); `missedSeq` counts the reports. */
  private backlog = false;
  private missedSeq = 0;

  constructor(
    private readonly jobs: JobQueue,
    private readonly opts: WorkerOptions,
  ) {
    this.max = opts.maxInFlight ?? opts.batch * 2;
    this.minClaim = Math.min(this.max, Math.ceil(opts.batch / 2));
    this.loop = new ClaimLoop(() => this.claim(), { batch: opts.batch, pollMs: opts.pollMs, onError: (err) => opts.onError?.(err) });
    jobs.subscribe(opts.queue, () => this.loop.kick());
    jobs.take(opts.queue, this);
  }

  get workerId(): string {
    return this.opts.workerId;
  }

  get leaseMs(): number {
    return this.opts.leaseMs;
  }

  start(): void {
    this.stopped = false;
    this.taking = true;
    this.loop.start();
  }

  room(): number {
    return this.taking && !this.backlog ? Math.max(0, this.max - this.running.size) : 0;
  }

  missed(): void {
    this.backlog = true;
    this.missedSeq++;
  }

  /** Jobs this process enqueued, claimed for this worker in the same insert (JobQueue.take). */
  hand(jobs: Job[]): void {
    if (this.stopped) {
      // Committed after the drain: given back, so any node (or this one's next start) runs them now.
      this.jobs
        .release(
          jobs.map((j) => j.id),
          this.opts.workerId,
        )
        .catch((err: unknown) => this.opts.onError?.(err)); // else they come round when the lease lapses
      return;
    }
    this.lastMove = Date.now();
    for (const job of jobs) this.begin(job);
  }

  kick(): void {
    this.loop.kick();
  }

  /** Jobs running or waiting their turn on this node. */
  get inFlight(): number {
    return this.running.size;
  }

  /** How long the worker has been unable to move (its loop stuck or failing, or full with nothing finishing). */
  stalledMs(now = Date.now()): number {
    const full = this.max - this.running.size < this.minClaim;
    return Math.max(this.loop.stalledMs(now), full ? now - this.lastMove : 0);
  }

  /** Stops claiming, waits for the jobs in hand and deletes the finished ones: what SIGTERM's drain needs. */
  async stop(): Promise<void> {
    this.taking = false;
    await this.loop.stop();
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
    this.stopped = true; // from here a hand-over is given back (see hand)
    await this.flush();
  }

  private async claim(): Promise<number> {
    const room = this.max - this.running.size;
    this.starved = room < this.opts.batch;
    if (room < this.minClaim) return 0;
    const seq = this.missedSeq;
    const limit = Math.min(this.opts.batch, room);
    const claimed = await this.jobs.claim(this.opts.queue, this.opts.workerId, limit, this.opts.leaseMs);
    // Everything due was claimed, including what was reported missed before this claim began.
    if (claimed.length < limit && seq === this.missedSeq) this.backlog = false;
    if (claimed.length > 0) this.lastMove = Date.now();
    for (const job of claimed) this.begin(job);
    return claimed.length;
  }

  private begin(job: Job): void {
    // Still here (its lease ran out while it waited its turn, and this claim renewed it): never run it twice.
    if (this.running.has(job.id) || this.finished.has(job.id)) return;
    const key = this.opts.orderKey?.(job);
    const before = key === undefined ? undefined : this.tails.get(key);
    const run = before ? before.then(() => this.run(job)) : this.run(job);
    this.running.set(job.id, run);
    if (key !== undefined) {
      this.tails.set(key, run);
      void run.then(() => {
        if (this.tails.get(key) === run) this.tails.delete(key);
      });
    }
  }

  /** Runs one job to its outcome; never rejects (a chain must not break on one job). */
  private async run(job: Job): Promise<void> {
    try {
      let outcome: JobOutcome;
      try {
        outcome = await this.opts.handler(job);
      } catch (err) {
        outcome = { kind: 'retry', delayMs: 1000 * 2 ** Math.min(job.attempts, 8), error: String(err) };
      }
      if (outcome.kind === 'done' || outcome.kind === 'dead' || job.attempts >= job.maxAttempts) {
        if (outcome.kind !== 'done') this.opts.onError?.(new Error(`job ${job.id} on ${job.queue} gave up: ${'error' in outcome ? outcome.error : ''}`));
        this.finished.add(job.id);
      } else {
        await this.jobs.retry(job.id, this.opts.workerId, outcome.delayMs, outcome.error);
      }
    } catch (err) {
      this.opts.onError?.(err); // the store refused the retry: the lease runs out and the job comes round again
    } finally {
      this.running.delete(job.id);
      this.lastMove = Date.now();
      this.scheduleFlush();
    }
  }

  private scheduleFlush(): void {
    // Nothing else running: delete now, as the whole-batch completion did; otherwise gather a few.
    if (this.running.size === 0) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing = this.flushing.then(async () => {
      const ids = [...this.finished];
      if (ids.length > 0) {
        try {
          await this.jobs.complete(ids, this.opts.workerId);
        } catch (err) {
          this.opts.onError?.(err); // not deleted: each comes round again when its lease runs out (at least once)
        }
        for (const id of ids) this.finished.delete(id);
      }
      if (this.starved && this.max - this.running.size >= this.minClaim) {
        this.starved = false;
        this.loop.kick();
      }
    });
    return this.flushing;
  }
}
