/**
 * The UAC side of a call: sends the INVITE, reports provisional responses, ACKs the 2xx, answers one
 * digest challenge per request (trunks), CANCELs on request or when the ring timeout passes (RFC 3261 9.1),
 * and hangs up any extra 2xx a forking proxy delivers.
 */
import { getHeader, getHeaders } from './message.js';
import type { SipHeader, SipRequest, SipResponse } from './message.js';
import { formatNameAddr, parseCSeq, parseNameAddr } from './header-values.js';
import { authorizeRequest } from './auth.js';
import { randomToken } from './serialize.js';
import { Dialog } from './dialog.js';
import { SipCall } from './call.js';
import type { EndReason } from './call.js';
import type { DigestCredentials } from './digest.js';
import type { Destination, SipProtocol } from './transport.js';
import type { Cancel } from './timers.js';
import type { UaCore } from './ua-core.js';

export interface InviteOptions {
  /** From URI; defaults to `sip:switchboard@<endpoint host>`. */
  from?: string;
  fromDisplay?: string;
  /** To URI when it differs from the Request-URI. */
  to?: string;
  headers?: SipHeader[];
  /** Ring timeout: CANCEL when no final response came within this many milliseconds. */
  timeoutMs?: number;
  /** Credentials answering 401/407 challenges (trunks). */
  auth?: DigestCredentials;
  /** Defaults to the target's `;transport=` parameter, else UDP. */
  transport?: SipProtocol;
  /** Outbound proxy URI: added as a loose Route so the INVITE goes through it. */
  proxy?: string;
}

export type InviteOutcome =
  | { kind: 'answered'; status: number; sdp: string }
  /** The peer answered with a final 3xx-6xx (486/600 busy, 480/408 unavailable, ...). */
  | { kind: 'rejected'; status: number; reason: string }
  | { kind: 'canceled' }
  /** The ring timeout passed and the call was cancelled. */
  | { kind: 'no-answer' }
  /** No response at all (timer B, status 408) or a transport failure (503). */
  | { kind: 'failed'; status: number; reason: string };

export class OutgoingCall extends SipCall {
  readonly direction = 'outbound' as const;
  readonly result: Promise<InviteOutcome>;
  readonly localTag = randomToken(6);
  private resolveResult: (o: InviteOutcome) => void = () => undefined;
  private invite: SipRequest;
  private dest: Destination | null = null;
  private gotProvisional = false;
  private cancelRequested = false;
  private cancelSent = false;
  private noAnswer = false;
  private finished = false;
  private authAttempts = 0;
  private timers: Cancel[] = [];

  /** Where the INVITE went (the next hop), once resolved: strict RTP may learn media from this address. */
  get destination(): Destination | null {
    return this.dest;
  }

  constructor(
    core: UaCore,
    target: string,
    sdp: string,
    private readonly options: InviteOptions,
    host: string,
  ) {
    const protocol: SipProtocol = options.transport ?? (/;transport=tcp/i.test(target) ? 'tcp' : 'udp');
    super(core, `${randomToken(12)}@${host}`, protocol, 'calling');
    this.credentials = options.auth;
    this.localSdp = sdp;
    this.result = new Promise((resolve) => {
      this.resolveResult = resolve;
    });
    const from = parseNameAddr(options.from ?? `sip:switchboard@${host}`) ?? { uri: `sip:switchboard@${host}`, params: {} };
    from.params = { ...from.params, tag: this.localTag };
    if (options.fromDisplay) from.display = options.fromDisplay;
    const headers: SipHeader[] = [];
    if (options.proxy) headers.push({ name: 'Route', value: `<${options.proxy.replace(/;lr\b/, '')};lr>` });
    headers.push(
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: formatNameAddr(from) },
      { name: 'To', value: `<${options.to ?? target}>` },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: '1 INVITE' },
      { name: 'Contact', value: core.contact(protocol) },
      ...core.commonHeaders(),
      ...(options.headers ?? []),
    );
    if (sdp) headers.push({ name: 'Content-Type', value: 'application/sdp' });
    this.invite = { type: 'request', method: 'INVITE', uri: target, headers, body: Buffer.from(sdp) };
  }

  /** Sends the INVITE; called once by the endpoint. */
  start(): void {
    if (this.options.timeoutMs !== undefined) {
      this.timers.push(
        this.core.scheduler.after(this.options.timeoutMs, () => {
          if (this.finished || this.dialog) return;
          this.noAnswer = true;
          this.cancel();
        }),
      );
    }
    this.send(this.invite);
  }

  private send(req: SipRequest): void {
    this.invite = req;
    this.gotProvisional = false;
    this.core.sendRequest(
      req,
      {
        response: (res) => this.onResponse(req, res),
        timeout: () => this.finish({ kind: 'failed', status: 408, reason: 'Request Timeout' }),
        transportError: (err) => this.finish({ kind: 'failed', status: 503, reason: err.message }),
      },
      { onDest: (d) => (this.dest = d) },
    );
  }

  /** CANCEL when not answered yet (the outcome then follows on `result`), otherwise BYE. */
  override hangup(): Promise<void> {
    if (!this.dialog) {
      this.cancel();
      return Promise.resolve();
    }
    return this.bye();
  }

  /** Cancels a call that has not been answered. */
  cancel(): void {
    if (this.finished || this.dialog) return;
    this.cancelRequested = true;
    if (this.gotProvisional) return this.sendCancel();
    // CANCEL may only follow a provisional response (RFC 3261 9.1): report the outcome now and send the
    // CANCEL if one ever arrives; a late 2xx is ACKed and hung up.
    this.finish({ kind: this.noAnswer ? 'no-answer' : 'canceled' });
  }

  private onResponse(req: SipRequest, res: SipResponse): void {
    if (res.status < 200) {
      this.gotProvisional = true;
      if (this.cancelRequested) return this.sendCancel();
      if (res.status > 100 && !this.finished) {
        this.state = 'early';
        const sdp = res.body.toString('utf8');
        this.emit('provisional', { status: res.status, reason: res.reason, ...(sdp ? { sdp } : {}) });
      }
      return;
    }
    if (res.status < 300) return this.on2xx(req, res);
    if ((res.status === 401 || res.status === 407) && this.credentials && this.authAttempts < 2 && !this.cancelRequested) {
      this.authAttempts++;
      const seq = (parseCSeq(getHeader(req, 'CSeq') ?? '')?.seq ?? 1) + 1;
      const retry = authorizeRequest(req, res, this.credentials, seq);
      if (retry) return this.send(retry);
    }
    if (res.status === 487 && this.cancelRequested) return this.finish({ kind: this.noAnswer ? 'no-answer' : 'canceled' });
    this.finish({ kind: 'rejected', status: res.status, reason: res.reason });
  }

  private on2xx(req: SipRequest, res: SipResponse): void {
    if (this.dialog || this.finished) return this.handleStray2xx(res);
    const dialog = Dialog.asUac(req, res);
    if (!dialog) return this.finish({ kind: 'failed', status: 502, reason: '2xx without a usable To tag' });
    this.dialog = dialog;
    this.sendAck(dialog, req, true);
    this.core.registerDialog(dialog.id, this);
    if (this.cancelRequested) {
      // The 2xx crossed our CANCEL: the call was answered after all, so hang it up (RFC 3261 9.1).
      this.finish({ kind: this.noAnswer ? 'no-answer' : 'canceled' });
      void this.sendInDialog('BYE');
      return;
    }
    const sdp = res.body.toString('utf8');
    this.remoteSdp = sdp || null;
    this.state = 'confirmed';
    this.finish({ kind: 'answered', status: res.status, sdp });
    this.emit('answered', sdp);
  }

  /** A 2xx after the transaction ended: our own retransmitted 2xx (ACK again) or a forked leg (ACK + BYE). */
  override handleStray2xx(res: SipResponse): void {
    const toTag = parseNameAddr(getHeader(res, 'To') ?? '')?.params.tag;
    if (this.dialog && toTag === this.dialog.remoteTag) return super.handleStray2xx(res);
    const leg = Dialog.asUac(this.invite, res);
    if (!leg) return;
    this.sendAck(leg, this.invite, false);
    const bye = leg.createRequest('BYE');
    this.core.sendRequest(bye, { response: () => undefined, timeout: () => undefined, transportError: () => undefined });
  }

  private sendCancel(): void {
    if (this.cancelSent || !this.dest) return;
    this.cancelSent = true;
    const inv = this.invite;
    const seq = parseCSeq(getHeader(inv, 'CSeq') ?? '')?.seq ?? 1;
    const headers: SipHeader[] = [{ name: 'Via', value: getHeader(inv, 'Via') ?? '' }];
    for (const r of getHeaders(inv, 'Route')) headers.push({ name: 'Route', value: r });
    headers.push(
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: getHeader(inv, 'From') ?? '' },
      { name: 'To', value: getHeader(inv, 'To') ?? '' },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${seq} CANCEL` },
    );
    const cancel: SipRequest = { type: 'request', method: 'CANCEL', uri: inv.uri, headers, body: Buffer.alloc(0) };
    this.core.sendRequest(cancel, { response: () => undefined, timeout: () => undefined, transportError: () => undefined }, { dest: this.dest, keepVia: true });
    // If the INVITE never gets its final response, give up on it after 64*T1 (RFC 3261 9.1).
    this.timers.push(
      this.core.scheduler.after(64 * this.core.timers.t1, () => {
        this.finish({ kind: this.noAnswer ? 'no-answer' : 'canceled' });
      }),
    );
  }

  private finish(outcome: InviteOutcome): void {
    if (this.finished) return;
    this.finished = true;
    for (const cancel of this.timers) cancel();
    this.timers = [];
    this.resolveResult(outcome);
    if (outcome.kind !== 'answered') this.end(endReasonOf(outcome));
  }
}

function endReasonOf(o: InviteOutcome): EndReason {
  switch (o.kind) {
    case 'canceled':
      return 'canceled';
    case 'no-answer':
      return 'no-answer';
    case 'rejected':
      return 'rejected';
    case 'failed':
      return o.status === 503 ? 'transport-error' : 'failed';
    default:
      return 'failed';
  }
}
