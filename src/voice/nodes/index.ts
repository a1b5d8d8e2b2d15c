/**
 * Voice on several nodes sharing PostgreSQL (docs/architecture.md, "Voice on several nodes"): which node
 * runs a live call (calls.node_id), how a request for it reaches that node (NodeControl), which node places
 * a new outbound call (NodeRegistry.placer), and what happens when the owner is gone (the call is ended as
 * CallRecovery would end it after the lease, only sooner, and the request is answered as for an ended call).
 * On SQLite there is one node and none of this is built.
 */
import { errors } from '../../core/errors.js';
import { LIVE_STATUSES, type CallRow, type CallsRepository } from '../../store/repositories/calls.js';
import type { CallRecovery } from '../calls/recovery.js';
import { NodeUnreachable, type NodeControl } from './control.js';
import type { NodeRegistry } from './registry.js';

export { NodeControl, NodeUnreachable, CONTROL_PATH, FROM_HEADER, SIGNATURE_HEADER } from './control.js';
export { NodeRegistry } from './registry.js';

/** The owner's answer, or `ended`: the owner is gone and the call is over (`row` as it now stands). */
export type OwnerAnswer<T> = { kind: 'answered'; value: T } | { kind: 'ended'; row: CallRow };

export interface VoiceClusterDeps {
  registry: NodeRegistry;
  control: NodeControl;
  calls: CallsRepository;
  recovery: CallRecovery;
  now: () => number;
}

export class VoiceCluster {
  constructor(private readonly d: VoiceClusterDeps) {}

  get nodeId(): string {
    return this.d.registry.nodeId;
  }

  get control(): NodeControl {
    return this.d.control;
  }

  /** Whether `row` is a live call another node runs. */
  runsElsewhere(row: CallRow): boolean {
    return (LIVE_STATUSES as readonly string[]).includes(row.status) && row.node_id !== null && row.node_id !== this.nodeId;
  }

  /**
   * Runs `op` on the node that runs the live call `row`. When that node is dead (its heartbeat or the call's
   * lease lapsed), the call is ended here with its status callback, as recovery would a moment later, and
   * `ended` comes back so the caller answers as for any ended call. A live owner that does not answer is
   * a 503 (20503): the request may be retried.
   */
  async toOwner<T>(row: CallRow, op: string, args: unknown): Promise<OwnerAnswer<T>> {
    const owner = row.node_id ?? '';
    const node = await this.d.registry.find(owner);
    if (node && this.d.registry.isAlive(node)) {
      try {
        return { kind: 'answered', value: await this.d.control.send<T>(node, op, args) };
      } catch (err) {
        if (!(err instanceof NodeUnreachable)) throw err;
      }
    }
    // Not answered: the call may have ended meanwhile, or its node be gone.
    const now = (await this.d.calls.find(row.sid)) ?? row;
    if (!this.runsElsewhere(now) || now.node_id !== owner) return { kind: 'ended', row: now };
    const fresh = await this.d.registry.find(owner);
    const leaseLapsed = (now.lease_until ?? 0) < this.d.now();
    if (leaseLapsed || (fresh !== undefined && !this.d.registry.isAlive(fresh))) {
      await this.d.recovery.endOrphan(now);
      return { kind: 'ended', row: (await this.d.calls.find(row.sid)) ?? now };
    }
    throw errors.callNodeUnreachable();
  }

  /**
   * Places a new call on the node whose turn it is (NodeRegistry.placer): its answer, or null to place it
   * here (this node's turn, no other node, or the chosen one surely did not get the request).
   */
  async place<T>(op: string, args: unknown): Promise<T | null> {
    const node = await this.d.registry.placer();
    if (node === null) return null;
    try {
      return await this.d.control.send<T>(node, op, args);
    } catch (err) {
      if (err instanceof NodeUnreachable && err.notDelivered) return null;
      if (err instanceof NodeUnreachable) throw errors.callNodeUnreachable();
      throw err;
    }
  }
}
