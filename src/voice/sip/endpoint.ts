/**
 * The SIP endpoint: binds the transports, parses, runs transactions, dispatches to calls and dialogs,
 * and answers what the application does not handle (OPTIONS 200, unknown dialogs 481, other methods 405).
 */
import { getHeader } from './message.js';
import type { SipHeader, SipMessage, SipRequest, SipResponse } from './message.js';
import { parseMessage } from './parser.js';
import { createResponse, newBranch, serializeMessage } from './serialize.js';
import type { ResponseOptions } from './serialize.js';
import { formatVia, parseCSeq, parseNameAddr, parseVia } from './header-values.js';
import type { Via } from './header-values.js';
import { TransactionLayer } from './transaction-layer.js';
import type { ClientTransactionUser } from './transaction-client.js';
import { DEFAULT_TIMERS, realScheduler } from './timers.js';
import type { Scheduler, TimerConfig } from './timers.js';
import { nextHopUri, resolveUri, stampVia } from './routing.js';
import { bindTransports } from './bind.js';
import type { TcpLimits } from './transport-tcp.js';
import type { GuardVerdict } from './guard.js';
import { dialogId } from './dialog.js';
import { IncomingCall } from './incoming-call.js';
import { OutgoingCall } from './outgoing-call.js';
import type { InviteOptions } from './outgoing-call.js';
import { Emitter } from '../../core/emitter.js';
import type { Destination, SipProtocol, SipTransport } from './transport.js';
import type { DialogHandler, SendOptions, UaCore } from './ua-core.js';

export interface SipEndpointOptions {
  /** Bind address; default 0.0.0.0. */
  host?: string;
  /** Port for every transport; 0 picks a free one (the same number for UDP and TCP). Default 5060. */
  port?: number;
  transports?: SipProtocol[];
  /** An incoming INVITE the application leaves unanswered this long gets 480; default 180 s. */
  maxRingMs?: number;
  /** Address written in Via and Contact; defaults to `host` (127.0.0.1 when binding 0.0.0.0). */
  publicHost?: string;
  userAgent?: string;
  timers?: Partial<TimerConfig>;
  scheduler?: Scheduler;
  /**
   * Screens every new out-of-dialog INVITE before a transaction exists (rate limits, allow lists, digest
   * auth: see guard.ts). 'reply' answers statelessly; 'drop' sends nothing.
   */
  screenInvite?: (req: SipRequest, source: Destination) => GuardVerdict;
  /** Inbound TCP connection caps and idle timeouts (see transport-tcp.ts). */
  tcp?: Partial<TcpLimits>;
  /** Sees every message in and out, for logs and debugging. */
  trace?: (direction: 'in' | 'out', data: Buffer, remote: Destination) => void;
}

/** An out-of-dialog request the stack does not handle itself (REGISTER, MESSAGE, ...). */
export interface IncomingRequest {
  request: SipRequest;
  source: Destination;
  respond(status: number, options?: ResponseOptions): void;
}

export type EndpointEvents = {
  invite: [call: IncomingCall];
  request: [req: IncomingRequest];
  warning: [w: { message: string; remote?: Destination }];
};

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO';
const LINGER_MS = 32000;

export class SipEndpoint extends Emitter<EndpointEvents> implements UaCore {
  readonly timers: TimerConfig;
  readonly scheduler: Scheduler;
  readonly host: string;
  readonly publicHost: string;
  private readonly layer: TransactionLayer;
  private readonly dialogs = new Map<string, DialogHandler>();
  private readonly pendingInvites = new Map<string, IncomingCall>();
  private readonly uacCalls = new Map<string, OutgoingCall>();
  private transports = new Map<SipProtocol, SipTransport>();
  private readonly userAgent: string;
  private closed = false;

  constructor(private readonly options: SipEndpointOptions) {
    super();
    this.timers = { ...DEFAULT_TIMERS, ...options.timers };
    this.scheduler = options.scheduler ?? realScheduler;
    this.host = options.host ?? '0.0.0.0';
    const advertised = options.publicHost ?? (this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host);
    this.publicHost = advertised.includes(':') && !advertised.startsWith('[') ? `[${advertised}]` : advertised;
    this.userAgent = options.userAgent ?? 'Switchboard';
    this.layer = new TransactionLayer((msg, dest, onError) => this.transmit(msg, dest, onError), this.scheduler, this.timers);
  }

  /** @internal called by createSipEndpoint */
  async listen(): Promise<void> {
    this.transports = await bindTransports(
      this.host,
      this.options.port ?? 5060,
      this.options.transports ?? ['udp', 'tcp'],
      {
        onMessage: (data, from) => this.receive(data, from),
        onError: (err) => this.warn(`transport: ${err.message}`),
      },
      this.options.tcp,
    );
  }

  get ports(): { udp?: number; tcp?: number } {
    const out: { udp?: number; tcp?: number } = {};
    for (const [p, t] of this.transports) out[p] = t.port;
    return out;
  }

  /** Places a call. Watch `call.result` for the outcome and the call's events for progress. */
  invite(target: string, sdp: string, options: InviteOptions = {}): OutgoingCall {
    const call = new OutgoingCall(this, target, sdp, options, this.publicHost);
    const key = `${call.callId}|${call.localTag}`;
    this.uacCalls.set(key, call);
    call.once('terminated', () => this.scheduler.after(LINGER_MS, () => this.uacCalls.delete(key)));
    call.start();
    return call;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const calls = new Set<DialogHandler>([...this.dialogs.values(), ...this.pendingInvites.values(), ...this.uacCalls.values()]);
    for (const call of calls) call.shutdown?.();
    this.layer.shutdown();
    const ts = [...this.transports.values()];
    this.transports.clear();
    await Promise.all(ts.map((t) => t.close()));
    this.dialogs.clear();
    this.pendingInvites.clear();
    this.uacCalls.clear();
  }

  // ----- UaCore -----

  sendRequest(req: SipRequest, tu: ClientTransactionUser, options: SendOptions = {}): void {
    const go = (dest: Destination): void => {
      options.onDest?.(dest);
      if (!options.keepVia) this.addVia(req, dest.protocol);
      this.layer.request(req, dest, dest.protocol === 'tcp', tu);
    };
    if (options.dest) return go(options.dest);
    this.resolve(req).then(go, (err: Error) => tu.transportError(err));
  }

  sendRaw(msg: SipMessage, dest: Destination): void {
    if (msg.type === 'request' && !getHeader(msg, 'Via')) this.addVia(msg, dest.protocol);
    this.transmit(msg, dest);
  }

  resolve(req: SipRequest, protocol: SipProtocol = 'udp'): Promise<Destination> {
    return resolveUri(nextHopUri(req), protocol);
  }

  contact(protocol: SipProtocol, user = 'switchboard'): string {
    const port = this.transports.get(protocol)?.port ?? this.options.port ?? 5060;
    return `<sip:${user}@${this.publicHost}:${port}${protocol === 'tcp' ? ';transport=tcp' : ''}>`;
  }

  commonHeaders(): SipHeader[] {
    return [{ name: 'Allow', value: ALLOW }];
  }

  registerDialog(id: string, handler: DialogHandler): void {
    this.dialogs.set(id, handler);
  }

  unregisterDialog(id: string): void {
    this.dialogs.delete(id);
  }

  warn(message: string, remote?: Destination): void {
    this.emit('warning', remote ? { message, remote } : { message });
  }

  // ----- wire -----

  private addVia(req: SipRequest, protocol: SipProtocol): void {
    const port = this.transports.get(protocol)?.port ?? 5060;
    const value = `SIP/2.0/${protocol.toUpperCase()} ${this.publicHost}:${port};branch=${newBranch()};rport`;
    req.headers.unshift({ name: 'Via', value });
  }

  private transmit(msg: SipMessage, dest: Destination, onError?: (err: Error) => void): void {
    const transport = this.transports.get(dest.protocol);
    if (!transport) {
      (onError ?? ((e: Error) => this.warn(e.message)))(new Error(`no ${dest.protocol} transport`));
      return;
    }
    if (msg.type === 'request' && !getHeader(msg, 'User-Agent')) msg.headers.push({ name: 'User-Agent', value: this.userAgent });
    if (msg.type === 'response' && !getHeader(msg, 'Server')) msg.headers.push({ name: 'Server', value: this.userAgent });
    const data = serializeMessage(msg);
    this.options.trace?.('out', data, dest);
    transport.send(data, dest, onError);
  }

  /** Returns true for a well-formed SIP message (TCP then keeps the connection for longer). */
  private receive(data: Buffer, from: Destination): boolean {
    if (this.closed) return false;
    this.options.trace?.('in', data, from);
    const parsed = parseMessage(data, { stream: from.protocol === 'tcp' });
    if (!parsed.ok) {
      this.warn(`malformed message: ${parsed.error}`, from);
      const bad = parsed.badRequest;
      if (bad && bad.method !== 'ACK') {
        const via = parseVia(getHeader(bad, 'Via') ?? '');
        const dest = via ? stampVia(via, from).respondTo : from;
        this.transmit(createResponse(bad, 400, { reason: `Bad Request (${parsed.error})` }), dest);
      }
      return false;
    }
    const msg = parsed.message;
    if (msg.type === 'response') this.receiveResponse(msg);
    else this.receiveRequest(msg, from);
    return true;
  }

  private receiveResponse(res: SipResponse): void {
    if (this.layer.response(res)) return;
    const cseq = parseCSeq(getHeader(res, 'CSeq') ?? '');
    if (!cseq || cseq.method !== 'INVITE' || res.status < 200 || res.status >= 300) return;
    const callId = getHeader(res, 'Call-ID') ?? '';
    const fromTag = parseNameAddr(getHeader(res, 'From') ?? '')?.params.tag ?? '';
    const toTag = parseNameAddr(getHeader(res, 'To') ?? '')?.params.tag ?? '';
    const inDialog = this.dialogs.get(dialogId(callId, fromTag, toTag));
    if (inDialog?.handleStray2xx) return inDialog.handleStray2xx(res);
    this.uacCalls.get(`${callId}|${fromTag}`)?.handleStray2xx(res);
  }

  private receiveRequest(req: SipRequest, from: Destination): void {
    const via = parseVia(getHeader(req, 'Via') ?? '');
    if (!via) return;
    const { via: stamped, respondTo } = stampVia(via, from);
    const top = req.headers.findIndex((h) => h.name === 'Via');
    req.headers[top] = { name: 'Via', value: formatVia(stamped) };
    const screen = this.options.screenInvite;
    if (screen && req.method === 'INVITE' && !this.layer.known(req, stamped) && !parseNameAddr(getHeader(req, 'To') ?? '')?.params.tag) {
      const verdict = screen(req, from);
      if (verdict.action === 'drop') return;
      if (verdict.action === 'reply') {
        const opts: ResponseOptions = { headers: verdict.headers ?? [] };
        if (verdict.reason) opts.reason = verdict.reason;
        return this.transmit(createResponse(req, verdict.status, opts), respondTo);
      }
    }
    const match = this.layer.incoming(req, stamped, respondTo, from.protocol === 'tcp');
    if (match.kind === 'absorbed') return;
    if (match.kind === 'core') return this.receiveAck(req);
    const tx = match.tx;
    const respond = (res: SipResponse): void => tx.respond(res);
    const reply = (status: number, opts: ResponseOptions = {}): void => respond(createResponse(req, status, opts));

    const problem = this.precheck(req);
    if (problem) return reply(problem.status, problem.options);
    if (req.method === 'CANCEL') return this.receiveCancel(req, stamped, reply);

    const from_ = parseNameAddr(getHeader(req, 'From') ?? '');
    const toTag = parseNameAddr(getHeader(req, 'To') ?? '')?.params.tag;
    if (toTag) {
      const handler = this.dialogs.get(dialogId(getHeader(req, 'Call-ID') ?? '', toTag, from_?.params.tag ?? ''));
      if (!handler) return reply(481);
      return handler.handleRequest(req, respond, respondTo);
    }
    switch (req.method) {
      case 'INVITE':
        return this.receiveInvite(tx.key, new IncomingCall(this, tx), reply);
      case 'OPTIONS':
        return reply(200, { headers: [...this.commonHeaders(), { name: 'Accept', value: 'application/sdp' }] });
      case 'BYE':
        return reply(481);
      default: {
        const incoming: IncomingRequest = { request: req, source: respondTo, respond: reply };
        if (!this.emit('request', incoming)) reply(/^[A-Z]+$/.test(req.method) ? 405 : 501, { headers: this.commonHeaders() });
      }
    }
  }

  /** Checks every new request must pass: Max-Forwards, Require, URI scheme. */
  private precheck(req: SipRequest): { status: number; options?: ResponseOptions } | null {
    if (!/^(sips?|tel):/i.test(req.uri)) return { status: 416 };
    if (req.method !== 'OPTIONS' && Number(getHeader(req, 'Max-Forwards') ?? '70') === 0) return { status: 483 };
    const require = getHeader(req, 'Require');
    if (require && req.method !== 'CANCEL') {
      return { status: 420, options: { headers: [{ name: 'Unsupported', value: require }] } };
    }
    return null;
  }

  private receiveInvite(key: string, call: IncomingCall, reply: (status: number) => void): void {
    reply(100);
    this.pendingInvites.set(key, call);
    // A caller that never cancels must not pin the transaction and the call object forever.
    const cancelRing = this.scheduler.after(this.options.maxRingMs ?? 180000, () => call.reject(480));
    const done = (): void => {
      cancelRing();
      this.pendingInvites.delete(key);
    };
    call.once('terminated', done).once('confirmed', done);
    if (!this.emit('invite', call)) call.reject(480);
  }

  private receiveCancel(req: SipRequest, via: Via, reply: (status: number) => void): void {
    const invite = this.layer.inviteFor(req, via);
    if (!invite) return reply(481);
    reply(200);
    this.pendingInvites.get(invite.key)?.handleCancel();
  }

  private receiveAck(req: SipRequest): void {
    const toTag = parseNameAddr(getHeader(req, 'To') ?? '')?.params.tag ?? '';
    const fromTag = parseNameAddr(getHeader(req, 'From') ?? '')?.params.tag ?? '';
    this.dialogs.get(dialogId(getHeader(req, 'Call-ID') ?? '', toTag, fromTag))?.handleAck(req);
  }
}

export async function createSipEndpoint(options: SipEndpointOptions = {}): Promise<SipEndpoint> {
  const endpoint = new SipEndpoint(options);
  await endpoint.listen();
  return endpoint;
}
