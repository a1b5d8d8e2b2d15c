/**
 * What inbound and outbound calls share once a dialog exists: BYE, INFO, re-INVITE in both directions,
 * 2xx retransmission until the ACK (RFC 3261 13.3.1.4), and the CSeq and target-refresh rules of 12.2.
 */
import { getHeader } from './message.js';
import type { SipHeader, SipRequest, SipResponse } from './message.js';
import { parseCSeq } from './header-values.js';
import { authorizeRequest } from './auth.js';
import { createResponse } from './serialize.js';
import { Emitter } from '../../core/emitter.js';
import type { Dialog } from './dialog.js';
import type { DigestCredentials } from './digest.js';
import type { Destination, SipProtocol } from './transport.js';
import type { Cancel } from './timers.js';
import type { DialogHandler, UaCore } from './ua-core.js';

export type EndReason = 'local-bye' | 'remote-bye' | 'canceled' | 'rejected' | 'no-answer' | 'ack-timeout' | 'failed' | 'transport-error' | 'shutdown';

export type CallState = 'incoming' | 'calling' | 'early' | 'confirmed' | 'terminated';

export interface Provisional {
  status: number;
  reason: string;
  sdp?: string;
}

/** A re-INVITE from the peer; answer it with accept(sdp) or reject(status). Unanswered ones get our last SDP. */
export interface ReInvite {
  sdp: string;
  accept(sdp?: string): void;
  reject(status?: number): void;
}

export type CallEvents = {
  /** UAC: 18x received. */
  provisional: [p: Provisional];
  /** UAC: 2xx received and ACKed. */
  answered: [sdp: string];
  /** UAS: the ACK for our 2xx arrived. */
  confirmed: [];
  /** UAS: the caller sent CANCEL before we answered (a 487 has been sent). */
  cancel: [];
  /** The peer hung up with BYE (answered 200). */
  bye: [];
  reinvite: [r: ReInvite];
  info: [i: { contentType: string; body: Buffer }];
  terminated: [reason: EndReason];
};

const SDP = 'application/sdp';

export abstract class SipCall extends Emitter<CallEvents> implements DialogHandler {
  state: CallState;
  dialog: Dialog | null = null;
  localSdp: string | null = null;
  remoteSdp: string | null = null;
  endReason: EndReason | null = null;
  protected credentials: DigestCredentials | undefined;
  private awaitingAck: { seq: number; stop: Cancel; resolve: () => void } | null = null;
  /** The last ACK we sent for a 2xx, re-sent when that 2xx is retransmitted (our ACK was lost). */
  private lastAck: { seq: number; req: SipRequest; dest: Destination | null } | null = null;
  private reinviteInProgress = false;
  private byeAfterAck = false;

  protected constructor(
    protected readonly core: UaCore,
    readonly callId: string,
    protected readonly protocol: SipProtocol,
    initial: CallState,
  ) {
    super();
    this.state = initial;
  }

  // ----- sending in the dialog -----

  /** Ends the call in any state: BYE once confirmed; the subclasses reject or CANCEL before that. */
  hangup(): Promise<void> {
    return this.bye();
  }

  /** The endpoint is closing: no signalling is possible any more, so just end. */
  shutdown(): void {
    this.end('shutdown');
  }

  /** Hangs up a confirmed call (BYE). Before the ACK of our 2xx, the BYE waits for it (RFC 3261 15). */
  async bye(): Promise<void> {
    if (this.state === 'terminated' || !this.dialog) return;
    if (this.awaitingAck) {
      this.byeAfterAck = true;
      return;
    }
    this.end('local-bye');
    await this.sendInDialog('BYE');
  }

  /** Sends INFO (for example `application/dtmf-relay`) and returns the final response. */
  sendInfo(contentType: string, body: string | Buffer): Promise<SipResponse> {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    return this.sendInDialog('INFO', [{ name: 'Content-Type', value: contentType }], buf);
  }

  /** Sends a re-INVITE with a new offer (hold, codec change). Resolves with the answer or the failure status. */
  async reinvite(sdp: string): Promise<{ ok: true; sdp: string } | { ok: false; status: number }> {
    if (this.state !== 'confirmed' || !this.dialog || this.reinviteInProgress) return { ok: false, status: 491 };
    this.reinviteInProgress = true;
    try {
      const headers: SipHeader[] = [
        { name: 'Contact', value: this.core.contact(this.protocol) },
        { name: 'Content-Type', value: SDP },
      ];
      const res = await this.sendInDialog('INVITE', headers, Buffer.from(sdp), (req) => this.ackReinvite(req));
      if (res.status >= 300) return { ok: false, status: res.status };
      this.localSdp = sdp;
      this.dialog.refreshTarget(res);
      const answer = res.body.toString('utf8');
      if (answer) this.remoteSdp = answer;
      return { ok: true, sdp: answer };
    } finally {
      this.reinviteInProgress = false;
    }
  }

  private ackReinvite(req: SipRequest): void {
    if (this.dialog) this.sendAck(this.dialog, req, true);
  }

  /**
   * ACKs the 2xx to `invite` inside `dialog` (same CSeq number, new branch, same credentials).
   * `remember` keeps it for re-sending when the 2xx is retransmitted.
   */
  protected sendAck(dialog: Dialog, invite: SipRequest, remember: boolean): void {
    const seq = parseCSeq(getHeader(invite, 'CSeq') ?? '')?.seq ?? dialog.localSeq;
    const auth = invite.headers.filter((h) => h.name === 'Authorization' || h.name === 'Proxy-Authorization');
    const ack = dialog.createRequest('ACK', auth, Buffer.alloc(0), seq);
    const entry: { seq: number; req: SipRequest; dest: Destination | null } = { seq, req: ack, dest: null };
    if (remember) this.lastAck = entry;
    this.core.resolve(ack, this.protocol).then(
      (d) => {
        entry.dest = d;
        this.core.sendRaw(ack, d);
      },
      (err: Error) => this.core.warn(`cannot route ACK: ${err.message}`),
    );
  }

  /** A retransmitted 2xx for a request we already ACKed: ACK it again. */
  handleStray2xx(res: SipResponse): void {
    const seq = parseCSeq(getHeader(res, 'CSeq') ?? '')?.seq;
    const last = this.lastAck;
    if (last && last.seq === seq && last.dest) this.core.sendRaw(last.req, last.dest);
  }

  /**
   * Sends an in-dialog request and resolves with its final response (408 on timeout, 503 on a transport
   * error). Answers one digest challenge when credentials are known.
   */
  protected sendInDialog(method: string, extra: SipHeader[] = [], body: Buffer = Buffer.alloc(0), on2xx?: (req: SipRequest) => void): Promise<SipResponse> {
    const dialog = this.dialog;
    if (!dialog) return Promise.resolve(synthetic(481));
    return new Promise((resolve) => {
      let challenged = false;
      const send = (req: SipRequest): void => {
        this.core.sendRequest(req, {
          response: (res) => {
            if (res.status < 200) return;
            if ((res.status === 401 || res.status === 407) && this.credentials && !challenged) {
              challenged = true;
              const retry = authorizeRequest(req, res, this.credentials, dialog.localSeq + 1);
              if (retry) {
                dialog.localSeq += 1;
                return send(retry);
              }
            }
            if (res.status < 300) on2xx?.(req);
            resolve(res);
          },
          timeout: () => resolve(synthetic(408)),
          transportError: () => resolve(synthetic(503)),
        });
      };
      send(dialog.createRequest(method, extra, body));
    });
  }

  // ----- receiving in the dialog -----

  handleRequest(req: SipRequest, respond: (res: SipResponse) => void, source: Destination): void {
    const dialog = this.dialog;
    if (!dialog || this.state === 'terminated') return respond(createResponse(req, 481));
    if (!dialog.acceptRemoteSeq(req)) return respond(createResponse(req, 500, { reason: 'CSeq Out of Order' }));
    switch (req.method) {
      case 'BYE':
        respond(createResponse(req, 200));
        this.end('remote-bye');
        this.emit('bye');
        return;
      case 'INVITE':
        return this.handleReinvite(req, respond, source);
      case 'INFO':
        respond(createResponse(req, 200));
        this.emit('info', { contentType: getHeader(req, 'Content-Type') ?? '', body: req.body });
        return;
      case 'OPTIONS':
        return respond(createResponse(req, 200, { headers: this.core.commonHeaders() }));
      default:
        return respond(createResponse(req, 501));
    }
  }

  private handleReinvite(req: SipRequest, respond: (res: SipResponse) => void, source: Destination): void {
    if (this.reinviteInProgress) return respond(createResponse(req, 491));
    if (this.awaitingAck) return respond(createResponse(req, 500, { headers: [{ name: 'Retry-After', value: '1' }] }));
    const dialog = this.dialog;
    if (!dialog) return respond(createResponse(req, 481));
    let done = false;
    const accept = (sdp?: string): void => {
      if (done || this.state === 'terminated') return;
      done = true;
      dialog.refreshTarget(req);
      const offer = req.body.toString('utf8');
      if (offer) this.remoteSdp = offer;
      if (sdp !== undefined) this.localSdp = sdp;
      const res = this.createAnswer(req, dialog.localTag, this.localSdp ?? '');
      respond(res);
      this.retransmit2xxUntilAck(res, req, source);
    };
    const reject = (status = 488): void => {
      if (done) return;
      done = true;
      respond(createResponse(req, status));
    };
    const offer = req.body.toString('utf8');
    if (!this.emit('reinvite', { sdp: offer, accept, reject })) accept();
  }

  handleAck(req: SipRequest): void {
    const seq = parseCSeq(getHeader(req, 'CSeq') ?? '')?.seq;
    const waiting = this.awaitingAck;
    if (!waiting || seq !== waiting.seq) return;
    this.awaitingAck = null;
    waiting.stop();
    const ackSdp = req.body.toString('utf8');
    if (ackSdp) this.remoteSdp = ackSdp; // late offer: the answer arrives in the ACK
    waiting.resolve();
    if (this.byeAfterAck) {
      this.byeAfterAck = false;
      void this.bye();
    }
  }

  /** A 2xx with Contact, Record-Route and our common headers, answering `req` in our dialog. */
  protected createAnswer(req: SipRequest, toTag: string, sdp: string, extra: SipHeader[] = []): SipResponse {
    const headers: SipHeader[] = [];
    for (const h of req.headers) if (h.name === 'Record-Route') headers.push(h);
    headers.push({ name: 'Contact', value: this.core.contact(this.protocol) }, ...this.core.commonHeaders(), ...extra);
    return createResponse(req, 200, { toTag, headers, body: sdp, contentType: SDP });
  }

  /** Retransmits a 2xx at T1, 2*T1 ... capped at T2 until the ACK; gives up after 64*T1 (RFC 3261 13.3.1.4). */
  protected retransmit2xxUntilAck(res: SipResponse, req: SipRequest, target: Destination, onAck?: () => void): void {
    const seq = parseCSeq(getHeader(req, 'CSeq') ?? '')?.seq ?? 0;
    const { t1, t2 } = this.core.timers;
    let interval = t1;
    let cancelRetransmit: Cancel = () => undefined;
    const retransmit = (): void => {
      cancelRetransmit = this.core.scheduler.after(interval, () => {
        if (!this.awaitingAck || this.awaitingAck.seq !== seq) return;
        this.core.sendRaw(res, target);
        interval = Math.min(interval * 2, t2);
        retransmit();
      });
    };
    const cancelGiveUp = this.core.scheduler.after(64 * t1, () => {
      if (!this.awaitingAck || this.awaitingAck.seq !== seq) return;
      this.awaitingAck = null;
      cancelRetransmit();
      this.onAckTimeout();
    });
    this.awaitingAck = {
      seq,
      stop: () => {
        cancelRetransmit();
        cancelGiveUp();
      },
      resolve: () => onAck?.(),
    };
    if (this.protocol === 'udp') retransmit();
  }

  /** No ACK for our 2xx: send BYE and end (RFC 3261 13.3.1.4). */
  protected onAckTimeout(): void {
    if (this.state === 'terminated') return;
    this.end('ack-timeout');
    void this.sendInDialog('BYE');
  }

  /** Moves to terminated once, unregisters the dialog and tells the app why. */
  protected end(reason: EndReason): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.endReason = reason;
    this.awaitingAck?.stop();
    this.awaitingAck = null;
    if (this.dialog) this.core.unregisterDialog(this.dialog.id);
    this.emit('terminated', reason);
  }
}

export function synthetic(status: number): SipResponse {
  return { type: 'response', status, reason: status === 408 ? 'Request Timeout' : 'Synthetic', headers: [], body: Buffer.alloc(0) };
}
