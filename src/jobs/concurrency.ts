import type { Clock } from '../core/clock.js';
import type { ClusterRepository } from '../store/repositories/cluster.js';

/**
 * The API's concurrency limit per account, held across every node sharing the database: each node takes
 * an equal share of the global limit, the share recomputed from the live nodes' heartbeats. No per-request
 * round trip to the database, and the sum of the shares never exceeds the limit.
 */
export class ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();
  private share: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: number,
    private readonly cluster: ClusterRepository,
    private readonly nodeId: string,
    private readonly clock: Clock,
    private readonly heartbeatMs = 2000,
  ) {
    this.share = limit;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      void this.beat().catch(() => undefined);
    }, this.heartbeatMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.cluster.leave(this.nodeId).catch(() => undefined);
  }

  /** This node's current share of the per-account limit. */
  get localLimit(): number {
    return this.share;
  }

  tryAcquire(accountSid: string): boolean {
    const n = this.inFlight.get(accountSid) ?? 0;
    if (n >= this.share) return false;
    this.inFlight.set(accountSid, n + 1);
    return true;
  }

  release(accountSid: string): void {
    const n = (this.inFlight.get(accountSid) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(accountSid);
    else this.inFlight.set(accountSid, n);
  }

  private async beat(): Promise<void> {
    const now = this.clock.now();
    const live = await this.cluster.beat(this.nodeId, now, now - this.heartbeatMs * 3);
    this.share = Math.max(1, Math.floor(this.limit / live));
  }
}
