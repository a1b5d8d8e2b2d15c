/**
 * Caps on calls this node runs at once: per account (one tenant cannot take every RTP port and webhook
 * worker) and in total. A call holds its slot from the moment it is admitted (inbound INVITE, REST create)
 * until its session ends. The counts are per node: with several nodes, the per-account cap applies on each.
 */
export type LimitHit = 'account' | 'node';

export class CallLimits {
  private readonly perAccount = new Map<string, number>();
  private readonly held = new Map<string, string>();
  /** Calls refused at each cap, for metrics. */
  readonly refused = { account: 0, node: 0 };

  /** 0 disables a cap. */
  constructor(
    private readonly maxPerAccount: number,
    private readonly maxPerNode: number,
  ) {}

  /** Takes a slot for call `sid`; returns which cap refused it, or null. */
  acquire(sid: string, accountSid: string): LimitHit | null {
    if (this.held.has(sid)) return null;
    if (this.maxPerNode > 0 && this.held.size >= this.maxPerNode) {
      this.refused.node++;
      return 'node';
    }
    const n = this.perAccount.get(accountSid) ?? 0;
    if (this.maxPerAccount > 0 && n >= this.maxPerAccount) {
      this.refused.account++;
      return 'account';
    }
    this.perAccount.set(accountSid, n + 1);
    this.held.set(sid, accountSid);
    return null;
  }

  /** Frees the slot of `sid` (a no-op for calls that never held one). */
  release(sid: string): void {
    const account = this.held.get(sid);
    if (account === undefined) return;
    this.held.delete(sid);
    const n = (this.perAccount.get(account) ?? 1) - 1;
    if (n > 0) this.perAccount.set(account, n);
    else this.perAccount.delete(account);
  }

  get active(): number {
    return this.held.size;
  }
}
