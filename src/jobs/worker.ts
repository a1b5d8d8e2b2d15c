import { ClaimLoop } from './loop.js';
import type { Job, JobHandler, JobQueue } from './queue.js';

export interface WorkerOptions {
  queue: string;
  workerId: string;
  handler: JobHandler;
  /** Jobs claimed per poll and run concurrently. */
  batch: number;
  pollMs: number;
  leaseMs: number;
  onError?: (err: unknown) => void;
  /**
   * Jobs with the same key run one after another, in claim order (run_at), instead of concurrently: a
   * message's status callbacks must reach the app in the order the statuses changed.
   */
  orderKey?: (job: Job) => string | undefined;
}

/**
 * Polls one queue, runs claimed jobs concurrently, and completes them in one statement per batch.
 * `kick()` wakes it early when work was just enqueued by this process, so latency is not the poll period.
 */
export class Worker {
  private readonly loop: ClaimLoop;

  constructor(private readonly jobs: JobQueue, private readonly opts: WorkerOptions) {
    this.loop = new ClaimLoop(async () => {
      const claimed = await this.jobs.claim(this.opts.queue, this.opts.workerId, this.opts.batch, this.opts.leaseMs);
      if (claimed.length > 0) await this.runAll(claimed);
      return claimed.length;
    }, { batch: opts.batch, pollMs: opts.pollMs, onError: (err) => opts.onError?.(err) });
  }

  start(): void {
    this.loop.start();
  }

  kick(): void {
    this.loop.kick();
  }

  /** Stops claiming and waits for the jobs in hand: what SIGTERM's drain needs. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async runAll(jobs: Job[]): Promise<void> {
    const done: string[] = [];
    const chains = new Map<string, Promise<void>>();
    const run = async (job: Job) => {
      let outcome;
      try {
        outcome = await this.opts.handler(job);
      } catch (err) {
        outcome = { kind: 'retry' as const, delayMs: 1000 * 2 ** Math.min(job.attempts, 8), error: String(err) };
      }
      if (outcome.kind === 'done' || outcome.kind === 'dead' || job.attempts >= job.maxAttempts) {
        if (outcome.kind !== 'done') this.opts.onError?.(new Error(`job ${job.id} on ${job.queue} gave up: ${'error' in outcome ? outcome.error : ''}`));
        done.push(job.id);
      } else {
        await this.jobs.retry(job.id, this.opts.workerId, outcome.delayMs, outcome.error);
      }
    };
    await Promise.all(jobs.map((job) => {
      const key = this.opts.orderKey?.(job);
      if (key === undefined) return run(job);
      const next = (chains.get(key) ?? Promise.resolve()).then(() => run(job));
      chains.set(key, next);
      return next;
    }));
    await this.jobs.complete(done, this.opts.workerId);
  }
}
