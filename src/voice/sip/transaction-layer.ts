/**
 * Matches messages to transactions (RFC 3261 17.1.3 and 17.2.3) and owns their lifetime.
 * Client transactions are keyed by branch + method; server transactions by branch + sent-by + method,
 * with ACK keyed like INVITE and a fallback key for pre-RFC 3261 peers whose branch lacks the magic cookie.
 */
import { getHeader } from './message.js';
import type { SipRequest, SipResponse } from './message.js';
import { parseCSeq, parseNameAddr, parseVia } from './header-values.js';
import type { Via } from './header-values.js';
import { BRANCH_COOKIE } from './serialize.js';
import { ClientTransaction, clientKey } from './transaction-client.js';
import type { ClientTransactionUser, TransactionContext } from './transaction-client.js';
import { ServerTransaction } from './transaction-server.js';
import type { Destination } from './transport.js';
import type { Scheduler, TimerConfig } from './timers.js';

export type IncomingMatch =
  | { kind: 'new'; tx: ServerTransaction }
  /** A retransmission handled by its transaction, or the ACK of a non-2xx response. */
  | { kind: 'absorbed' }
  /** An ACK for a 2xx (or a request we keep no transaction for): the UA core handles it. */
  | { kind: 'core' };

export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  readonly ctx: TransactionContext;

  constructor(send: TransactionContext['send'], scheduler: Scheduler, timers: TimerConfig) {
    this.ctx = {
      send,
      scheduler,
      timers,
      terminated: (key) => {
        this.clients.delete(key);
        this.servers.delete(key);
      },
    };
  }

  get size(): { clients: number; servers: number } {
    return { clients: this.clients.size, servers: this.servers.size };
  }

  /** Starts a client transaction; the request's top Via must already carry its branch. */
  request(req: SipRequest, dest: Destination, reliable: boolean, tu: ClientTransactionUser): ClientTransaction {
    const branch = parseVia(getHeader(req, 'Via') ?? '')?.params.branch ?? '';
    const tx = new ClientTransaction(req, branch, dest, reliable, this.ctx, tu);
    this.clients.set(tx.key, tx);
    tx.start();
    return tx;
  }

  /** Returns false when no client transaction matches (a stray or retransmitted 2xx for the UA core). */
  response(res: SipResponse): boolean {
    const via = parseVia(getHeader(res, 'Via') ?? '');
    const cseq = parseCSeq(getHeader(res, 'CSeq') ?? '');
    if (!via || !cseq) return false;
    const tx = this.clients.get(clientKey(via.params.branch ?? '', cseq.method.toUpperCase()));
    if (!tx) return false;
    tx.receive(res);
    return true;
  }

  incoming(req: SipRequest, via: Via, respondTo: Destination, reliable: boolean): IncomingMatch {
    const key = serverKey(req, via, req.method);
    const existing = this.servers.get(key);
    if (existing) {
      const ackForNon2xx = req.method === 'ACK' && existing.state === 'completed';
      existing.receiveRequest(req);
      if (req.method === 'ACK' && !ackForNon2xx) return { kind: 'core' };
      return { kind: 'absorbed' };
    }
    if (req.method === 'ACK') return { kind: 'core' };
    const tx = new ServerTransaction(key, req, respondTo, reliable, this.ctx);
    this.servers.set(key, tx);
    return { kind: 'new', tx };
  }

  /** True when a server transaction already holds this request (a retransmission). */
  known(req: SipRequest, via: Via): boolean {
    return this.servers.has(serverKey(req, via, req.method));
  }

  /** The INVITE server transaction a CANCEL targets (RFC 3261 9.2): same branch and sent-by. */
  inviteFor(cancel: SipRequest, via: Via): ServerTransaction | undefined {
    return this.servers.get(serverKey(cancel, via, 'INVITE'));
  }

  shutdown(): void {
    for (const tx of [...this.clients.values()]) tx.terminate();
    for (const tx of [...this.servers.values()]) tx.terminate();
  }
}

function serverKey(req: SipRequest, via: Via, method: string): string {
  const m = method === 'ACK' ? 'INVITE' : method;
  const branch = via.params.branch ?? '';
  const sentBy = `${via.host}:${via.port ?? ''}`;
  if (branch.startsWith(BRANCH_COOKIE)) return `${branch}|${sentBy}|${m}`;
  // RFC 2543 fallback (17.2.3): Request-URI, From tag, Call-ID, CSeq number and top Via.
  const fromTag = parseNameAddr(getHeader(req, 'From') ?? '')?.params.tag ?? '';
  const cseq = parseCSeq(getHeader(req, 'CSeq') ?? '')?.seq ?? 0;
  return `2543|${req.uri}|${fromTag}|${getHeader(req, 'Call-ID') ?? ''}|${cseq}|${sentBy}|${branch}|${m}`;
}
