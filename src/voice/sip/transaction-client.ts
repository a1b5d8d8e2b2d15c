/**
 * Client transactions (RFC 3261 17.1): INVITE (timers A, B, D) and non-INVITE (timers E, F, K).
 * A 2xx to an INVITE ends the transaction at once; retransmitted 2xx and their ACKs belong to the UA core.
 */
import { getHeader, getHeaders } from './message.js';
import type { SipHeader, SipRequest, SipResponse } from './message.js';
import { parseCSeq } from './header-values.js';
import type { Destination } from './transport.js';
import { timerD } from './timers.js';
import type { Cancel, Scheduler, TimerConfig } from './timers.js';

export interface ClientTransactionUser {
  /** Provisional and final responses; for an INVITE each non-2xx final reaches the TU once. */
  response(res: SipResponse): void;
  /** Timer B or F fired: the peer never answered. */
  timeout(): void;
  transportError(err: Error): void;
}

export interface TransactionContext {
  send(msg: SipRequest | SipResponse, dest: Destination, onError?: (err: Error) => void): void;
  scheduler: Scheduler;
  timers: TimerConfig;
  terminated(key: string): void;
}

export type ClientState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'terminated';

export class ClientTransaction {
  readonly key: string;
  readonly isInvite: boolean;
  state: ClientState;
  private cancelRetransmit: Cancel | null = null;
  private cancelTimeout: Cancel | null = null;
  private cancelWait: Cancel | null = null;
  private interval: number;
  private ack: SipRequest | null = null;

  constructor(
    readonly request: SipRequest,
    readonly branch: string,
    readonly dest: Destination,
    private readonly reliable: boolean,
    private readonly ctx: TransactionContext,
    private readonly tu: ClientTransactionUser,
  ) {
    this.isInvite = request.method === 'INVITE';
    this.key = clientKey(branch, request.method);
    this.state = this.isInvite ? 'calling' : 'trying';
    this.interval = ctx.timers.t1;
  }

  start(): void {
    this.transmit();
    if (!this.reliable) this.armRetransmit();
    // Timer B (INVITE) or F (non-INVITE): 64*T1
    this.cancelTimeout = this.ctx.scheduler.after(64 * this.ctx.timers.t1, () => {
      if (this.state === 'completed' || this.state === 'terminated') return;
      if (this.isInvite && this.state !== 'calling') return; // B only applies while calling
      this.terminate();
      this.tu.timeout();
    });
  }

  private transmit(): void {
    this.ctx.send(this.request, this.dest, (err) => this.onTransportError(err));
  }

  private onTransportError(err: Error): void {
    if (this.state === 'terminated') return;
    const wasCompleted = this.state === 'completed';
    this.terminate();
    if (!wasCompleted) this.tu.transportError(err);
  }

  /** Timer A (INVITE) doubles each time; timer E doubles up to T2, and stays at T2 once proceeding. */
  private armRetransmit(): void {
    this.cancelRetransmit = this.ctx.scheduler.after(this.interval, () => {
      if (this.state !== 'calling' && this.state !== 'trying' && this.state !== 'proceeding') return;
      if (this.isInvite && this.state !== 'calling') return;
      this.transmit();
      this.interval = this.isInvite ? this.interval * 2 : this.state === 'proceeding' ? this.ctx.timers.t2 : Math.min(this.interval * 2, this.ctx.timers.t2);
      this.armRetransmit();
    });
  }

  receive(res: SipResponse): void {
    if (this.state === 'terminated') return;
    if (res.status < 200) {
      if (this.state === 'calling' || this.state === 'trying' || this.state === 'proceeding') {
        if (this.state === 'calling') this.stopRetransmit();
        this.state = 'proceeding';
        this.tu.response(res);
      }
      return;
    }
    if (this.isInvite) return this.receiveInviteFinal(res);
    if (this.state === 'completed') return; // retransmission absorbed
    this.stopRetransmit();
    this.cancelTimeout?.();
    this.state = 'completed';
    this.tu.response(res);
    this.wait(this.reliable ? 0 : this.ctx.timers.t4); // Timer K
  }

  private receiveInviteFinal(res: SipResponse): void {
    if (res.status < 300) {
      if (this.state === 'completed') return;
      this.terminate();
      this.tu.response(res);
      return;
    }
    if (this.state === 'completed') {
      if (this.ack) this.ctx.send(this.ack, this.dest);
      return;
    }
    this.stopRetransmit();
    this.cancelTimeout?.();
    this.ack = buildNonSuccessAck(this.request, res);
    this.ctx.send(this.ack, this.dest);
    this.state = 'completed';
    this.tu.response(res);
    this.wait(timerD(this.reliable, this.ctx.timers)); // Timer D
  }

  private wait(ms: number): void {
    if (ms <= 0) return this.terminate();
    this.cancelWait = this.ctx.scheduler.after(ms, () => this.terminate());
  }

  private stopRetransmit(): void {
    this.cancelRetransmit?.();
    this.cancelRetransmit = null;
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.stopRetransmit();
    this.cancelTimeout?.();
    this.cancelWait?.();
    this.ctx.terminated(this.key);
  }
}

export function clientKey(branch: string, method: string): string {
  return `${branch}|${method}`;
}

/** ACK for a non-2xx final response (RFC 3261 17.1.1.3): same branch, To from the response. */
export function buildNonSuccessAck(invite: SipRequest, res: SipResponse): SipRequest {
  const headers: SipHeader[] = [];
  const via = getHeader(invite, 'Via');
  if (via) headers.push({ name: 'Via', value: via });
  for (const r of getHeaders(invite, 'Route')) headers.push({ name: 'Route', value: r });
  headers.push({ name: 'Max-Forwards', value: '70' });
  headers.push({ name: 'From', value: getHeader(invite, 'From') ?? '' });
  headers.push({ name: 'To', value: getHeader(res, 'To') ?? getHeader(invite, 'To') ?? '' });
  headers.push({ name: 'Call-ID', value: getHeader(invite, 'Call-ID') ?? '' });
  const cseq = parseCSeq(getHeader(invite, 'CSeq') ?? '');
  headers.push({ name: 'CSeq', value: `${cseq?.seq ?? 1} ACK` });
  return { type: 'request', method: 'ACK', uri: invite.uri, headers, body: Buffer.alloc(0) };
}
