/**
 * One bound ESME link: connect (TCP or TLS), bind, keep alive with enquire_link, notice a dead link, and
 * reconnect with exponential backoff and jitter until closed. The session owns one link (transceiver)
 * or two (transmitter + receiver).
 */
import net from 'node:net';
import tls from 'node:tls';
import { Backoff } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import { INTERFACE_VERSION_34, Status, statusName } from './constants.js';
import { SmppConnection, SmppRequestError } from './connection.js';
import type { BindCommand, Pdu } from './pdu.js';

/** A peer that floods before answering the bind gets "not bound" past this many. */
const MAX_HELD_DURING_BIND = 1000;

export type LinkState = 'idle' | 'connecting' | 'binding' | 'bound' | 'closed';

export interface BindCredentials {
  systemId: string;
  password: string;
  systemType?: string;
  interfaceVersion?: number;
  addrTon?: number;
  addrNpi?: number;
  addressRange?: string;
}

export interface LinkOptions {
  host: string;
  port: number;
  /** true for TLS with defaults, or node:tls options (ca, servername, rejectUnauthorized...). */
  tls?: boolean | tls.ConnectionOptions;
  bind: BindCommand;
  credentials: BindCredentials;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  enquireLinkIntervalMs: number;
  /** false: do not reconnect after the link drops. */
  reconnect: BackoffOptions | false;
  maxCommandLength?: number;
  random?: () => number;
  /** deliver_sm and data_sm from the SMSC; answer them on `connection`. */
  onDeliver(pdu: Pdu, connection: SmppConnection): void;
  onState(state: LinkState, detail?: string): void;
  onWarning(message: string): void;
}

export class BoundLink {
  private conn: SmppConnection | null = null;
  private current: LinkState = 'idle';
  private closing = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private enquiring = false;
  private readonly backoff: Backoff | null;
  private closedWaiters: Array<() => void> = [];
  /**
   * deliver_sm and data_sm read while `bind` had not yet resumed. TCP keeps order, so they came after the
   * bind response, often in the same read (an SMSC with receipts waiting sends them at once, and a busy
   * process reads both together): they are handled once the bind is, not refused as "not bound".
   */
  private heldDuringBind: Pdu[] = [];

  constructor(private readonly options: LinkOptions) {
    this.backoff = options.reconnect ? new Backoff(options.reconnect, options.random) : null;
  }

  get state(): LinkState {
    return this.current;
  }

  /** The connection while bound, else null. */
  get connection(): SmppConnection | null {
    return this.current === 'bound' ? this.conn : null;
  }

  start(): void {
    if (this.closing || this.conn || this.reconnectTimer) return;
    this.connect();
  }

  /** Unbinds politely (bounded by the response timeout), closes, and stops reconnecting. */
  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const conn = this.conn;
    if (!conn) {
      this.setState('closed');
      return;
    }
    const closed = new Promise<void>((resolve) => this.closedWaiters.push(resolve));
    if (this.current === 'bound') {
      try {
        await conn.request({ command: 'unbind', status: 0 }, Math.min(this.options.responseTimeoutMs, 2000));
      } catch {
        // The peer did not answer: we close anyway.
      }
      conn.end();
    } else {
      conn.destroy(new Error('closing'));
    }
    await closed;
  }

  private setState(state: LinkState, detail?: string): void {
    this.current = state;
    this.options.onState(state, detail);
  }

  private connect(): void {
    const o = this.options;
    this.setState('connecting', `${o.host}:${o.port}`);
    const socket = o.tls
      ? tls.connect({ host: o.host, port: o.port, ...(typeof o.tls === 'object' ? o.tls : {}) })
      : net.connect({ host: o.host, port: o.port });
    const conn = new SmppConnection(
      socket,
      {
        onRequest: (pdu, c) => this.onRequest(pdu, c),
        onClose: (reason) => this.onClose(conn, reason),
        onWarning: (m) => o.onWarning(m),
      },
      { maxCommandLength: o.maxCommandLength },
    );
    this.conn = conn;
    const connectTimer = setTimeout(() => conn.destroy(new Error('connect timeout')), o.connectTimeoutMs);
    socket.once(o.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(connectTimer);
      void this.bind(conn);
    });
    socket.once('close', () => clearTimeout(connectTimer));
  }

  private async bind(conn: SmppConnection): Promise<void> {
    const c = this.options.credentials;
    this.setState('binding');
    let resp: Pdu;
    try {
      resp = await conn.request(
        {
          command: this.options.bind,
          status: 0,
          systemId: c.systemId,
          password: c.password,
          systemType: c.systemType ?? '',
          interfaceVersion: c.interfaceVersion ?? INTERFACE_VERSION_34,
          addrTon: c.addrTon ?? 0,
          addrNpi: c.addrNpi ?? 0,
          addressRange: c.addressRange ?? '',
        },
        this.options.responseTimeoutMs,
      );
    } catch (err) {
      conn.destroy(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (resp.command !== `${this.options.bind}_resp` || resp.status !== Status.ESME_ROK) {
      this.options.onWarning(`${this.options.bind} refused: ${resp.command} ${statusName(resp.status)}`);
      conn.destroy(new Error(`bind failed: ${statusName(resp.status)}`));
      return;
    }
    if (!conn.isOpen || this.closing) return;
    this.backoff?.reset();
    this.setState('bound');
    this.startKeepalive(conn);
    for (const pdu of this.heldDuringBind.splice(0)) this.options.onDeliver(pdu, conn);
  }

  private onRequest(pdu: Pdu, conn: SmppConnection): void {
    switch (pdu.command) {
      case 'enquire_link':
        conn.send({ command: 'enquire_link_resp', status: 0, sequence: pdu.sequence });
        return;
      case 'unbind':
        conn.send({ command: 'unbind_resp', status: 0, sequence: pdu.sequence });
        conn.end();
        return;
      case 'deliver_sm':
      case 'data_sm':
        if (this.current === 'bound') {
          this.options.onDeliver(pdu, conn);
        } else if (this.current === 'binding' && conn === this.conn && this.heldDuringBind.length < MAX_HELD_DURING_BIND) {
          this.heldDuringBind.push(pdu);
        } else {
          conn.send({ command: `${pdu.command}_resp`, status: Status.ESME_RINVBNDSTS, sequence: pdu.sequence, messageId: '', tlvs: [] });
        }
        return;
      default:
        // An ESME accepts nothing else from an SMSC (no outbind or submit towards us).
        conn.send({ command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: pdu.sequence });
    }
  }

  private startKeepalive(conn: SmppConnection): void {
    const interval = this.options.enquireLinkIntervalMs;
    if (interval <= 0) return;
    this.keepaliveTimer = setInterval(() => {
      if (!conn.isOpen || this.enquiring || Date.now() - conn.lastReceivedAt < interval) return;
      this.enquiring = true;
      conn
        .request({ command: 'enquire_link', status: 0 }, this.options.responseTimeoutMs)
        .catch((err: unknown) => {
          if (err instanceof SmppRequestError && err.kind === 'timeout') {
            this.options.onWarning('enquire_link unanswered: link dead, reconnecting');
            conn.destroy(new Error('link dead'));
          }
        })
        .finally(() => {
          this.enquiring = false;
        });
    }, interval);
  }

  private onClose(conn: SmppConnection, reason: Error | null): void {
    if (this.conn !== conn) return;
    this.conn = null;
    // Unanswered: the SMSC sends them again on the next bind.
    this.heldDuringBind = [];
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
    this.enquiring = false;
    const waiters = this.closedWaiters;
    this.closedWaiters = [];
    if (this.closing || !this.backoff) {
      this.setState('closed', reason?.message);
      for (const w of waiters) w();
      return;
    }
    const delay = this.backoff.next();
    this.setState('idle', `${reason?.message ?? 'disconnected'}; reconnecting in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closing) this.connect();
    }, delay);
  }
}
