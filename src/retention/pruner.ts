import type { Clock } from '../core/clock.js';
import type { RetentionRepository } from '../store/repositories/retention.js';
import { RETENTION_KINDS, type RetentionKind, type RetentionPolicy } from './policy.js';

export interface PrunerOptions {
  /** Time between rounds. */
  intervalMs: number;
  /** Rows per statement: small, so each statement holds the write lock only briefly. */
  batch: number;
  /** Pause between two statements, so requests and workers run in between. */
  pauseMs: number;
  /** Statements per kind per round; a larger backlog is worked off over the following rounds. */
  maxBatches: number;
  onError: (err: unknown) => void;
  /** Told how many records of a kind one round removed (metrics), when it removed any. */
  onPruned?: (kind: RetentionKind, count: number) => void;
}

export const DEFAULT_PRUNER: Omit<PrunerOptions, 'onError'> = { intervalMs: 60_000, batch: 500, pauseMs: 20, maxBatches: 200 };

/**
 * Removes records older than their kind's retention (policy.ts): webhook requests, alerts, media and
 * recordings are deleted; message bodies are emptied (and the virtual phones' copies of them deleted).
 * It runs on a timer, in small batches with pauses between them, never inside a request or a worker's
 * transaction, so the hot path only ever waits for one short statement. Every node runs it; on PostgreSQL
 * the batches skip rows another node is already removing.
 */
export class RetentionPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private readonly o: PrunerOptions;

  constructor(
    private readonly repo: Pick<RetentionRepository, 'deleteOlder' | 'redactMessageBodies'>,
    private readonly policy: RetentionPolicy,
    private readonly clock: Clock,
    o: Partial<PrunerOptions> & Pick<PrunerOptions, 'onError'>,
  ) {
    this.o = { ...DEFAULT_PRUNER, ...o };
  }

  /** True when at least one kind has a retention: otherwise start() sets no timer. */
  get enabled(): boolean {
    return RETENTION_KINDS.some((k) => this.policy[k] !== null);
  }

  start(): void {
    if (!this.enabled || this.timer) return;
    this.stopped = false;
    const tick = () => {
      this.running = this.runOnce()
        .catch(this.o.onError)
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.o.intervalMs).unref();
  }

  /** Stops the timer and waits for the statement in flight; a round in progress ends after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round over every kind with a retention; returns how many records of each it removed. */
  async runOnce(): Promise<Partial<Record<RetentionKind, number>>> {
    const removed: Partial<Record<RetentionKind, number>> = {};
    for (const kind of RETENTION_KINDS) {
      const keep = this.policy[kind];
      if (keep === null || this.stopped) continue;
      const before = this.clock.now() - keep;
      let total = 0;
      for (const step of this.steps(kind)) total += await this.drain(() => step(before));
      removed[kind] = total;
      if (total > 0) this.o.onPruned?.(kind, total);
    }
    return removed;
  }

  private steps(kind: RetentionKind): ((before: number) => Promise<number>)[] {
    const { batch } = this.o;
    switch (kind) {
      case 'webhookLog':
        return [(before) => this.repo.deleteOlder('webhook_requests', before, batch)];
      case 'alerts':
        return [(before) => this.repo.deleteOlder('alerts', before, batch)];
      case 'messageBodies':
        return [
          (before) => this.repo.redactMessageBodies(before, batch, this.clock.now()),
          (before) => this.repo.deleteOlder('virtual_phone_messages', before, batch),
        ];
      case 'media':
        return [(before) => this.repo.deleteOlder('message_media', before, batch)];
      case 'recordings':
        return [(before) => this.repo.deleteOlder('recordings', before, batch)];
    }
  }

  /** Runs one statement until it finds less than a batch, pausing between statements. */
  private async drain(statement: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let i = 0; i < this.o.maxBatches && !this.stopped; i++) {
      const n = await statement();
      total += n;
      if (n < this.o.batch) break;
      await new Promise((r) => setTimeout(r, this.o.pauseMs));
    }
    return total;
  }
}
