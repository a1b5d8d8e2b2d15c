/**
 * Server transactions (RFC 3261 17.2): INVITE (timers G, H, I) and non-INVITE (timer J).
 * Retransmitted requests are answered with the last response sent; they never reach the UA core again.
 * A 2xx to an INVITE moves to the Accepted state of RFC 6026 instead of terminating at once.
 */
import type { SipRequest, SipResponse } from './message.js';
import type { Destination } from './transport.js';
import type { TransactionContext } from './transaction-client.js';
import type { Cancel } from './timers.js';

export type ServerState = 'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

export interface ServerTransactionEvents {
  /** Timer H fired: the ACK for our non-2xx final response never came. */
  onAckTimeout?: () => void;
  onTransportError?: (err: Error) => void;
}

export class ServerTransaction {
  readonly isInvite: boolean;
  state: ServerState;
  lastResponse: SipResponse | null = null;
  events: ServerTransactionEvents = {};
  private cancelG: Cancel | null = null;
  private cancelH: Cancel | null = null;
  private cancelWait: Cancel | null = null;
  private interval: number;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    /** Where responses go (RFC 3261 18.2.2 with RFC 3581 rport). */
    readonly responseDest: Destination,
    private readonly reliable: boolean,
    private readonly ctx: TransactionContext,
  ) {
    this.isInvite = request.method === 'INVITE';
    this.state = this.isInvite ? 'proceeding' : 'trying';
    this.interval = ctx.timers.t1;
  }

  get finalSent(): boolean {
    return this.lastResponse !== null && this.lastResponse.status >= 200;
  }

  respond(res: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.lastResponse = res;
    this.transmit();
    if (res.status < 200) {
      if (this.state === 'trying') this.state = 'proceeding';
      return;
    }
    if (this.isInvite && res.status < 300) {
      // RFC 6026 Accepted state (timer L): absorb INVITE retransmissions so they do not start a new call;
      // the UA core itself retransmits the 2xx until the ACK (RFC 3261 13.3.1.4).
      this.state = 'accepted';
      this.wait(64 * this.ctx.timers.t1);
      return;
    }
    this.state = 'completed';
    if (!this.isInvite) {
      this.wait(this.reliable ? 0 : 64 * this.ctx.timers.t1); // Timer J
      return;
    }
    if (!this.reliable) this.armG();
    this.cancelH = this.ctx.scheduler.after(64 * this.ctx.timers.t1, () => {
      if (this.state !== 'completed') return;
      this.terminate();
      this.events.onAckTimeout?.();
    });
  }

  private transmit(): void {
    if (!this.lastResponse) return;
    this.ctx.send(this.lastResponse, this.responseDest, (err) => {
      if (this.state === 'terminated') return;
      this.terminate();
      this.events.onTransportError?.(err);
    });
  }

  /** Timer G: retransmit the final response, doubling up to T2, until the ACK arrives. */
  private armG(): void {
    this.cancelG = this.ctx.scheduler.after(this.interval, () => {
      if (this.state !== 'completed') return;
      this.transmit();
      this.interval = Math.min(this.interval * 2, this.ctx.timers.t2);
      this.armG();
    });
  }

  /** A retransmitted request (or the ACK of an INVITE transaction) matched this transaction. */
  receiveRequest(req: SipRequest): void {
    if (req.method === 'ACK') {
      if (!this.isInvite || this.state !== 'completed') return;
      this.state = 'confirmed';
      this.cancelG?.();
      this.cancelH?.();
      this.wait(this.reliable ? 0 : this.ctx.timers.t4); // Timer I
      return;
    }
    if (this.state === 'proceeding' || this.state === 'completed') this.transmit();
  }

  private wait(ms: number): void {
    if (ms <= 0) return this.terminate();
    this.cancelWait = this.ctx.scheduler.after(ms, () => this.terminate());
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.cancelG?.();
    this.cancelH?.();
    this.cancelWait?.();
    this.ctx.terminated(this.key);
  }
}
