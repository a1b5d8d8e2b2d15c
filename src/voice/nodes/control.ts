/**
 * Call control between voice nodes: a small authenticated HTTP call from the node that received an API
 * request to the node that runs the call (docs/architecture.md, "Voice on several nodes", says why HTTP
 * and not LISTEN/NOTIFY). The caller posts `op` and `args` (JSON) to the owner's
 * /switchboard/internal/v1/Control, signed with HMAC-SHA256 under the key the owner published in
 * call_nodes; the owner runs the operation as if the request had reached it, and answers with its result or
 * its API error, which the caller rethrows unchanged. Operations are registered by name, so features built
 * elsewhere (conference participants, call recordings) add theirs without touching this file.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError, NotFoundError } from '../../core/errors.js';
import type { CallNodeRow } from '../../store/repositories/call-nodes.js';

export type ControlHandler = (args: unknown) => Promise<unknown>;

export const CONTROL_PATH = '/switchboard/internal/v1/Control';
export const SIGNATURE_HEADER = 'x-switchboard-node-signature';
export const FROM_HEADER = 'x-switchboard-node';
/** A signed request older (or newer) than this is refused: clocks of the nodes must agree within it. */
const MAX_SKEW_MS = 60_000;

/** The owner could not be asked: refused, timed out, or it no longer knows our signature (it restarted). */
export class NodeUnreachable extends Error {
  /**
   * `notDelivered`: the node surely did not run the request (connection refused, unknown host, signature
   * refused), so running it elsewhere cannot run it twice; otherwise (a timeout, a reset) it may have.
   */
  constructor(
    readonly node: string,
    message: string,
    readonly notDelivered: boolean,
  ) {
    super(`voice node ${node} could not be reached: ${message}`);
    this.name = 'NodeUnreachable';
  }
}

export interface ControlReply {
  status: number;
  body: { result?: unknown; error?: ErrorBody };
}

interface ErrorBody {
  code: number;
  status: number;
  message: string;
  kind?: string;
  sid?: string;
}

export function sign(key: string, t: number, from: string, op: string, args: string): string {
  return createHmac('sha256', key).update(`${t}.${from}.${op}.${args}`).digest('hex');
}

export interface NodeControlDeps {
  nodeId: string;
  /** This node's key (NodeRegistry.key). */
  key: string;
  now: () => number;
  timeoutMs?: number;
  onError: (err: unknown) => void;
}

export class NodeControl {
  private readonly handlers = new Map<string, ControlHandler>();
  /** Signatures accepted in the last MAX_SKEW_MS: a replayed request is refused. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly d: NodeControlDeps) {}

  /** Adds an operation other nodes may ask this one to run (e.g. 'participants.update'). */
  register(op: string, handler: ControlHandler): void {
    if (this.handlers.has(op)) throw new Error(`control operation ${op} is already registered`);
    this.handlers.set(op, handler);
  }

  /** Asks `node` to run `op`: its result, or its API error thrown here; NodeUnreachable when it cannot answer. */
  async send<T>(node: Pick<CallNodeRow, 'id' | 'control_url' | 'control_key'>, op: string, args: unknown): Promise<T> {
    const body = JSON.stringify(args);
    const t = this.d.now();
    let res: Response;
    try {
      res = await fetch(node.control_url + CONTROL_PATH, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          [FROM_HEADER]: this.d.nodeId,
          [SIGNATURE_HEADER]: `t=${t},v1=${sign(node.control_key, t, this.d.nodeId, op, body)}`,
        },
        body: new URLSearchParams({ Op: op, Args: body }),
        signal: AbortSignal.timeout(this.d.timeoutMs ?? 15_000),
      });
    } catch (err) {
      const cause = String((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name);
      throw new NodeUnreachable(node.id, cause, ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(cause));
    }
    const text = await res.text().catch(() => '');
    let parsed: ControlReply['body'] | null = null;
    try {
      parsed = JSON.parse(text) as ControlReply['body'];
    } catch {
      parsed = null;
    }
    if (res.status === 401 || parsed === null || (parsed.error === undefined && !('result' in parsed))) {
      throw new NodeUnreachable(node.id, `HTTP ${res.status}`, res.status === 401);
    }
    if (parsed.error) throw revive(parsed.error);
    return parsed.result as T;
  }

  /** Runs a request another node sent: checks its signature, then the operation. */
  async receive(from: string | undefined, signature: string | undefined, op: string | undefined, args: string | undefined): Promise<ControlReply> {
    const refused: ControlReply = { status: 401, body: { error: { code: 20003, status: 401, message: 'Authenticate' } } };
    if (!from || !signature || op === undefined || args === undefined) return refused;
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
    if (!m) return refused;
    const t = Number(m[1]);
    const now = this.d.now();
    if (Math.abs(now - t) > MAX_SKEW_MS) return refused;
    const expected = Buffer.from(sign(this.d.key, t, from, op, args), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'))) return refused;
    for (const [sig, until] of this.seen) if (until < now) this.seen.delete(sig);
    if (this.seen.has(m[2]!)) return refused;
    this.seen.set(m[2]!, t + MAX_SKEW_MS);
    const handler = this.handlers.get(op);
    if (!handler) return { status: 400, body: { error: { code: 20001, status: 400, message: `Unknown control operation ${op}` } } };
    try {
      return { status: 200, body: { result: (await handler(JSON.parse(args))) ?? null } };
    } catch (err) {
      if (err instanceof ApiError) {
        const error: ErrorBody = { code: err.code, status: err.status, message: err.message };
        if (err instanceof NotFoundError) {
          error.kind = err.kind;
          if (err.sid !== undefined) error.sid = err.sid;
        }
        return { status: err.status, body: { error } };
      }
      this.d.onError(err);
      return { status: 500, body: { error: { code: 20500, status: 500, message: 'Internal Server Error' } } };
    }
  }
}

function revive(e: ErrorBody): ApiError {
  if (e.kind !== undefined) return new NotFoundError(e.kind, e.sid);
  return new ApiError(e.code, e.status, e.message);
}
