/**
 * The voice nodes sharing one database, as each node sees them (table call_nodes, migration 0017). Every
 * node writes its own row on a heartbeat: the URL and key of its internal call control, its SIP address,
 * whether it takes new calls, and its load. A node is alive while its heartbeat is younger than one lease
 * (the same deadline after which CallRecovery ends its calls), so "dead" means the same thing everywhere.
 */
import { randomBytes } from 'node:crypto';
import type { CallNodeRow, CallNodesRepository } from '../../store/repositories/call-nodes.js';

export interface NodeRegistryDeps {
  repo: CallNodesRepository;
  nodeId: string;
  leaseMs: number;
  now: () => number;
  /** Calls this node runs now. */
  liveCalls: () => number;
  /** --max-calls-per-node (0: no cap). */
  maxCalls: number;
  /** host:port of the SIP endpoint, null while SIP is disabled. */
  sipAddress: () => string | null;
  onError: (err: unknown) => void;
}

export class NodeRegistry {
  /** Requests to this node's control endpoint are signed with it; a new one each start, published in the row. */
  readonly key = randomBytes(32).toString('hex');
  private controlUrl: string | null = null;
  private startedAt = 0;
  private accepting = true;
  private timer: NodeJS.Timeout | null = null;
  private turn = 0;

  constructor(private readonly d: NodeRegistryDeps) {}

  get nodeId(): string {
    return this.d.nodeId;
  }

  get heartbeatMs(): number {
    return Math.max(1000, Math.floor(this.d.leaseMs / 3));
  }

  /** Joins the cluster once the HTTP API listens at `controlUrl`. */
  async start(controlUrl: string): Promise<void> {
    this.controlUrl = controlUrl.replace(/\/$/, '');
    this.startedAt = this.d.now();
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(this.d.onError), this.heartbeatMs);
    this.timer.unref();
  }

  /** Stops taking new calls (placement skips this node) ahead of a shutdown; the row stays until it ages out. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.accepting = false;
    if (this.controlUrl !== null) await this.d.repo.setAccepting(this.d.nodeId, false).catch(this.d.onError);
  }

  async beat(): Promise<void> {
    if (this.controlUrl === null) return;
    const now = this.d.now();
    await this.d.repo.beat({
      id: this.d.nodeId,
      control_url: this.controlUrl,
      control_key: this.key,
      sip_address: this.d.sipAddress(),
      accepting: this.accepting ? 1 : 0,
      live_calls: this.d.liveCalls(),
      max_calls: this.d.maxCalls,
      started_at: this.startedAt,
      heartbeat_at: now,
    });
    // Nodes gone for a day are forgotten.
    await this.d.repo.forget(now - 86_400_000);
  }

  find(id: string): Promise<CallNodeRow | undefined> {
    return this.d.repo.find(id);
  }

  /** The other live nodes, by id. */
  async others(): Promise<CallNodeRow[]> {
    return (await this.d.repo.alive(this.d.now() - this.d.leaseMs)).filter((n) => n.id !== this.d.nodeId);
  }

  isAlive(node: CallNodeRow | undefined): boolean {
    return node !== undefined && node.heartbeat_at >= this.d.now() - this.d.leaseMs;
  }

  /**
   * The node that places the next outbound call: round-robin over the live nodes that take new calls and
   * are below their cap (this node counted with its load of this moment, the others as of their last
   * heartbeat). When this node has SIP, only nodes with SIP qualify. Null: place it here.
   */
  async placer(): Promise<CallNodeRow | null> {
    if (this.controlUrl === null) return null;
    const sip = this.d.sipAddress() !== null;
    const candidates = (await this.d.repo.alive(this.d.now() - this.d.leaseMs)).filter((n) => {
      if (n.id === this.d.nodeId) return this.accepting && (this.d.maxCalls === 0 || this.d.liveCalls() < this.d.maxCalls);
      return n.accepting === 1 && (!sip || n.sip_address !== null) && (n.max_calls === 0 || n.live_calls < n.max_calls);
    });
    if (candidates.length === 0) return null;
    const pick = candidates[this.turn++ % candidates.length]!;
    return pick.id === this.d.nodeId ? null : pick;
  }
}
