/**
 * ESME session: one transceiver link, or a transmitter + receiver pair, behind a submit window, with
 * delivery receipts and reassembled MO messages handed to async handlers. An inbound PDU is acknowledged
 * only after its handler resolved; a handler failure answers ESME_RX_T_APPN so the SMSC redelivers.
 */
import type tls from 'node:tls';
import type { BackoffOptions } from './backoff.js';
import { Status } from './constants.js';
import type { SmppConnection } from './connection.js';
import { ConcatReassembler, decodeInbound } from './inbound.js';
import type { DefaultAlphabet, InboundMessage, ReassemblyLimits, ReassemblyStats } from './inbound.js';
import { BoundLink } from './link.js';
import type { LinkState } from './link.js';
import type { DataSmPdu, DeliverSmPdu, Pdu, ShortMessageFields } from './pdu.js';
import { shortMessageDefaults } from './pdu.js';
import { isReceipt, normalizeMessageId, receiptFromPdu } from './receipt.js';
import type { DeliveryReceipt, MessageIdFormat } from './receipt.js';
import { classifyGsmMapError, statusFromReceipt } from './status.js';
import type { FailureClass, StatusUpdate } from './status.js';
import { SubmitWindow } from './submit-window.js';
import type { SubmitResult } from './submit-window.js';

export interface SmppSessionOptions {
  host: string;
  port: number;
  /** true for TLS with defaults, or node:tls options (ca, servername, rejectUnauthorized...). */
  tls?: boolean | tls.ConnectionOptions;
  systemId: string;
  password: string;
  systemType?: string;
  interfaceVersion?: number;
  addrTon?: number;
  addrNpi?: number;
  addressRange?: string;
  /** One bind_transceiver (default), or bind_transmitter + bind_receiver on two connections. */
  mode?: 'transceiver' | 'pair';
  /** Outstanding submit_sm at most (default 10). */
  window?: number;
  /** Per-PDU response timeout (default 10 s); a submit that times out fails as retryable. */
  responseTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** enquire_link after this much silence (default 30 s; 0 disables); unanswered means link dead. */
  enquireLinkIntervalMs?: number;
  /** A submit not written within this time (not bound, throttled) fails retryable (default 30 s). */
  queueTimeoutMs?: number;
  maxQueue?: number;
  /** Reconnect delays (default 1 s doubling to 60 s, jittered); false to stay down. */
  reconnect?: BackoffOptions | false;
  /** Pause after a throttling answer (default 1 s doubling to 30 s). */
  throttleBackoff?: BackoffOptions;
  /** How this SMSC writes ids in submit_sm_resp and in receipt text (default 'string' for both). */
  submitIdFormat?: MessageIdFormat;
  receiptIdFormat?: MessageIdFormat;
  /** Reads an UNDELIV error code (default: GSM MAP codes). */
  classifyError?: (code: number | null) => FailureClass;
  /** How this SMSC encodes MO text with data_coding 0 (default GSM-7, one septet per octet). */
  defaultAlphabet?: DefaultAlphabet;
  /** Wait this long after the latest part of a concatenated MO for the rest (default 1800 s, as Kannel). */
  reassemblyTimeoutMs?: number;
  /** Bounds on held MO parts (sets, bytes) and what an expired set becomes; see docs/smpp.md. */
  reassembly?: Omit<ReassemblyLimits, 'timeoutMs'>;
  onReceipt?: (receipt: SessionReceipt) => void | Promise<void>;
  onMessage?: (message: InboundMessage) => void | Promise<void>;
  onEvent?: (event: SessionEvent) => void;
  random?: () => number;
}

/** A receipt whose messageId is normalized to the submit id format (so it matches SubmitResult.messageId). */
export interface SessionReceipt extends DeliveryReceipt {
  rawMessageId: string;
  twilio: StatusUpdate;
}

export type SessionEvent =
  | { type: 'state'; link: 'transceiver' | 'transmitter' | 'receiver'; state: LinkState; detail?: string }
  | { type: 'throttled'; pauseMs: number }
  | { type: 'warning'; message: string };

export type SubmitParams = Partial<ShortMessageFields> & { destinationAddr: string };

export class SmppSession {
  private readonly tx: BoundLink;
  private readonly rx: BoundLink | null;
  private readonly window: SubmitWindow;
  private readonly reassembler: ConcatReassembler;
  private closed = false;
  private lastDropWarning = 0;
  private boundWaiters: Array<() => void> = [];

  constructor(private readonly options: SmppSessionOptions) {
    const pair = options.mode === 'pair';
    this.tx = this.makeLink(pair ? 'bind_transmitter' : 'bind_transceiver');
    this.rx = pair ? this.makeLink('bind_receiver') : null;
    this.window = new SubmitWindow(
      {
        window: options.window ?? 10,
        responseTimeoutMs: options.responseTimeoutMs ?? 10_000,
        queueTimeoutMs: options.queueTimeoutMs ?? 30_000,
        maxQueue: options.maxQueue ?? 10_000,
        throttleBackoff: options.throttleBackoff ?? { initialMs: 1000, maxMs: 30_000 },
        submitIdFormat: options.submitIdFormat ?? 'string',
        random: options.random,
        onThrottle: (pauseMs) => this.emit({ type: 'throttled', pauseMs }),
      },
      () => this.tx.connection,
    );
    this.reassembler = new ConcatReassembler({
      ...options.reassembly,
      timeoutMs: options.reassemblyTimeoutMs,
      onDropped: (reason, stats) => {
        // A flood drops thousands of sets: one warning a minute with the running totals is enough.
        if (Date.now() - this.lastDropWarning < 60_000) return;
        this.lastDropWarning = Date.now();
        this.emit({
          type: 'warning',
          message: `MO reassembly bound hit (${reason}): ${stats.evicted} sets evicted, ${stats.oversized} oversized parts, ${stats.droppedParts} parts dropped so far`,
        });
      },
      onExpired: (message) => {
        this.runHandler(() => this.options.onMessage?.(message)).catch((err: unknown) =>
          this.emit({ type: 'warning', message: `incomplete MO handler failed: ${String(err)}` }),
        );
      },
    });
  }

  /** True when submits can go out and receipts can come in. */
  get isBound(): boolean {
    return this.tx.state === 'bound' && (this.rx === null || this.rx.state === 'bound');
  }

  /** What MO reassembly holds now and has dropped or expired since start. */
  get reassemblyStats(): ReassemblyStats {
    return this.reassembler.stats;
  }

  get queued(): number {
    return this.window.queued;
  }

  get outstanding(): number {
    return this.window.outstanding;
  }

  /** Starts connecting and binding; reconnects on its own until close(). */
  start(): this {
    this.tx.start();
    this.rx?.start();
    return this;
  }

  /** Resolves true once bound, false after `timeoutMs` or on close. */
  waitForBound(timeoutMs: number): Promise<boolean> {
    if (this.isBound) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        this.boundWaiters = this.boundWaiters.filter((w) => w !== onBound);
        resolve(v);
      };
      const onBound = () => done(this.isBound);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.boundWaiters.push(onBound);
    });
  }

  /** Queues one submit_sm; resolves exactly once with the carrier id or a (possibly retryable) failure. */
  submit(params: SubmitParams): Promise<SubmitResult> {
    return this.window.submit({ ...shortMessageDefaults(), ...params });
  }

  /** Fails queued submits, lets outstanding ones finish (bounded by the response timeout), unbinds. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.window.close();
    await Promise.all([this.tx.close(), this.rx?.close()]);
    this.reassembler.clear();
    for (const w of this.boundWaiters.splice(0)) w();
  }

  private makeLink(bind: 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver'): BoundLink {
    const o = this.options;
    const name = bind === 'bind_transceiver' ? 'transceiver' : bind === 'bind_transmitter' ? 'transmitter' : 'receiver';
    return new BoundLink({
      host: o.host,
      port: o.port,
      tls: o.tls,
      bind,
      credentials: o,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      responseTimeoutMs: o.responseTimeoutMs ?? 10_000,
      enquireLinkIntervalMs: o.enquireLinkIntervalMs ?? 30_000,
      reconnect: o.reconnect === undefined ? { initialMs: 1000, maxMs: 60_000 } : o.reconnect,
      random: o.random,
      onDeliver: (pdu, conn) => this.onDeliver(pdu, conn),
      onWarning: (message) => this.emit({ type: 'warning', message }),
      onState: (state, detail) => {
        this.emit(detail === undefined ? { type: 'state', link: name, state } : { type: 'state', link: name, state, detail });
        if (state === 'bound') {
          this.window.pump();
          if (this.isBound) for (const w of this.boundWaiters.slice()) w();
        }
      },
    });
  }

  private emit(event: SessionEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A logging callback must not break the session.
    }
  }

  private runHandler(fn: () => void | Promise<void>): Promise<void> {
    return Promise.resolve().then(fn);
  }

  private onDeliver(pdu: Pdu, conn: SmppConnection): void {
    if (pdu.command !== 'deliver_sm' && pdu.command !== 'data_sm') return;
    const respond = (status: number) =>
      conn.send({ command: pdu.command === 'deliver_sm' ? 'deliver_sm_resp' : 'data_sm_resp', status, sequence: pdu.sequence, messageId: '', tlvs: [] });
    const ack = (work: Promise<void>, after?: () => void) =>
      work.then(
        () => {
          after?.();
          respond(Status.ESME_ROK);
        },
        (err: unknown) => {
          this.emit({ type: 'warning', message: `inbound handler failed, asking the SMSC to retry: ${String(err)}` });
          respond(Status.ESME_RX_T_APPN);
        },
      );
    if (isReceipt(pdu)) {
      const receipt = this.toSessionReceipt(pdu);
      if (!receipt) {
        this.emit({ type: 'warning', message: 'delivery receipt without id or state: acknowledged and ignored' });
        respond(Status.ESME_ROK);
        return;
      }
      void ack(this.runHandler(() => this.options.onReceipt?.(receipt)));
      return;
    }
    const done = this.reassembler.add(decodeInbound(pdu, this.options.defaultAlphabet));
    if (!done) {
      respond(Status.ESME_ROK);
      return;
    }
    void ack(
      this.runHandler(() => this.options.onMessage?.(done.message)),
      () => this.reassembler.release(done.key),
    );
  }

  private toSessionReceipt(pdu: DeliverSmPdu | DataSmPdu): SessionReceipt | null {
    const r = receiptFromPdu(pdu);
    if (!r) return null;
    const submitFormat = this.options.submitIdFormat ?? 'string';
    // The TLV carries the id as submit_sm_resp did; the text may use another base.
    const from = r.idSource === 'tlv' ? submitFormat : (this.options.receiptIdFormat ?? submitFormat);
    return {
      ...r,
      rawMessageId: r.messageId,
      messageId: normalizeMessageId(r.messageId, from, submitFormat),
      twilio: statusFromReceipt(r, this.options.classifyError ?? classifyGsmMapError),
    };
  }
}
