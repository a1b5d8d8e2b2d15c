/**
 * Calls survive a restart as records, not as calls: their media lived in the process that died. Each node
 * renews a lease on the live calls it runs; a call whose lease ran out (its node died), or at start-up any
 * call this node ran in its previous life, is ended: in-progress becomes completed (ending at the last
 * heartbeat), queued or ringing becomes failed, and the usual `completed` status callback goes out.
 */
import type { CallRow, CallsRepository } from '../../store/repositories/calls.js';
import { LIVE_STATUSES } from '../../store/repositories/calls.js';
import type { CallLifecycle } from './lifecycle.js';
import { unansweredTimes } from './params.js';

export interface RecoveryDeps {
  calls: CallsRepository;
  lifecycle: CallLifecycle;
  nodeId: string;
  leaseMs: number;
  onError: (err: unknown) => void;
}

export class CallRecovery {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly d: RecoveryDeps) {}

  async start(): Promise<void> {
    await this.sweep(true);
    this.timer = setInterval(() => void this.beat(), Math.max(1000, Math.floor(this.d.leaseMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    try {
      await this.d.calls.renewLeases(this.d.nodeId, this.d.lifecycle.now() + this.d.leaseMs);
      await this.sweep(false);
    } catch (err) {
      this.d.onError(err);
    }
  }

  /** Ends orphaned calls, a bounded batch at a time. */
  async sweep(startup: boolean): Promise<number> {
    let ended = 0;
    for (let round = 0; round < 20; round++) {
      const rows = await this.d.calls.orphaned(this.d.lifecycle.now(), 200, startup ? this.d.nodeId : undefined);
      if (rows.length === 0) break;
      for (const row of rows) if (await this.endOrphan(row)) ended++;
      if (rows.length < 200) break;
    }
    return ended;
  }

  /** Ends a call whose node is gone; false when it had already ended. Also used when a request finds the owner dead. */
  async endOrphan(row: CallRow): Promise<boolean> {
    const lastAlive = Math.min(this.d.lifecycle.now(), (row.lease_until ?? 0) - this.d.leaseMs);
    const answered = row.status === 'in-progress' && row.start_time !== null;
    const end = answered ? Math.max(row.start_time ?? 0, lastAlive) : this.d.lifecycle.now();
    const times = answered ? { end_time: end, duration: Math.round((end - (row.start_time ?? end)) / 1000) } : unansweredTimes(row.date_created); // calls are dialed (or arrive) when created
    const moved = await this.d.lifecycle.move(row, LIVE_STATUSES, { status: answered ? 'completed' : 'failed', ...times, lease_until: null });
    return moved !== null;
  }
}
