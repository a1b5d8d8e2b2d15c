/**
 * A small SMSC for tests, built on our own codec: accepts binds, answers submit_sm with ids, sends
 * delivery receipts and MO messages, and misbehaves on request (drop the connection mid-window, throttle
 * every Nth submit, never answer, answer with an error, send a malformed PDU). Loopback only.
 */
import net from 'node:net';
import tls from 'node:tls';
import { EsmClass, MessageState, Status, Tag } from '../constants.js';
import { SmppConnection } from '../connection.js';
import type { BindPdu, DeliverSmPdu, Pdu, SubmitSmPdu } from '../pdu.js';
import { shortMessageDefaults } from '../pdu.js';
import type { ReceiptStat } from '../receipt.js';
import { tlv } from '../tlv.js';

export interface ReceiptBehaviour {
  stat?: ReceiptStat;
  err?: number;
  delayMs?: number;
  /** Send receipted_message_id / message_state / network_error_code TLVs (default true). */
  tlvs?: boolean;
  /** Write the id in the text in decimal although ids are hex (a common SMSC habit). */
  textIdDecimal?: boolean;
  /**
   * Keep a receipt until the ESME acknowledges it, resending while no bind can take it (as real SMSCs
   * store receipts across reconnects). Bounded: 100 tries, 50 ms apart.
   */
  retry?: boolean;
}

export interface SmscFaults {
  /** On the Nth submit_sm (1-based, counted over the server's life) close the socket without answering. */
  dropOnSubmit?: number;
  /** Answer every Nth submit_sm with ESME_RTHROTTLED (or `throttleStatus`). */
  throttleEvery?: number;
  throttleStatus?: number;
  /** Never answer submit_sm (binds and enquire_link still are). */
  neverAnswer?: boolean;
  /** Never answer enquire_link. */
  ignoreEnquireLink?: boolean;
  /** Answer every Nth submit_sm (default every one) with this command_status. */
  errorStatus?: number;
  errorEvery?: number;
  /** After the Nth submit_sm, send a malformed PDU: an absurd command_length or an undecodable body. */
  malformedAfterSubmit?: number;
  malformedKind?: 'length' | 'body';
  /** An MO deliver_sm written together with the bind response, in one write (one read at the ESME). */
  moWithBindResp?: MoParams;
}

export interface TestSmscOptions {
  systemId?: string;
  password?: string;
  idFormat?: 'hex' | 'decimal';
  receipts?: ReceiptBehaviour | false;
  faults?: SmscFaults;
  tls?: { key: string; cert: string };
}

interface Client {
  conn: SmppConnection;
  bind: BindPdu | null;
}

export interface MoParams {
  from: string;
  to: string;
  shortMessage?: Buffer;
  dataCoding?: number;
  esmClass?: number;
  tlvs?: DeliverSmPdu['tlvs'];
}

export interface AcceptedSubmit {
  pdu: SubmitSmPdu;
  id: string;
  numeric: number;
}

export class TestSmsc {
  readonly submits: SubmitSmPdu[] = [];
  /** Submits answered ESME_ROK, with the id given (what the SMSC will deliver). */
  readonly accepted: AcceptedSubmit[] = [];
  /** Per-submit receipt choice, over `receipts`: false sends none (see `deliverReceipt`). */
  receiptRule: ((pdu: SubmitSmPdu, index: number) => ReceiptBehaviour | false) | null = null;
  readonly binds: BindPdu[] = [];
  /** Responses our deliver_sm got from the ESME (receipts and MO). */
  readonly deliverResponses: Pdu[] = [];
  readonly warnings: string[] = [];
  private readonly clients = new Set<Client>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: net.Server | null = null;
  private nextId = 0x10000;
  private submitCount = 0;
  faults: SmscFaults;

  constructor(private readonly options: TestSmscOptions = {}) {
    this.faults = options.faults ?? {};
  }

  get port(): number {
    const addr = this.server?.address();
    return addr && typeof addr === 'object' ? addr.port : 0;
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  async start(): Promise<number> {
    const onSocket = (socket: net.Socket) => this.accept(socket);
    this.server = this.options.tls ? tls.createServer(this.options.tls, onSocket) : net.createServer(onSocket);
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return this.port;
  }

  /** Closes every client socket now (a network failure as the ESME sees it). */
  dropAll(): void {
    for (const c of this.clients) c.conn.destroy(new Error('dropped by test SMSC'));
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.dropAll();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sends a deliver_sm to the newest open receiver or transceiver; resolves with its response or null. */
  async sendDeliver(fields: Partial<DeliverSmPdu>): Promise<Pdu | null> {
    // The newest open receiver: after a gateway restarts, its old connection can linger here until the FIN
    // is read, and a deliver_sm sent on it would only time out.
    const client = [...this.clients].reverse().find((c) => c.conn.isOpen && c.bind && c.bind.command !== 'bind_transmitter');
    if (!client) return null;
    try {
      const resp = await client.conn.request({ ...shortMessageDefaults(), ...fields, command: 'deliver_sm', status: 0 }, 5000);
      this.deliverResponses.push(resp);
      return resp;
    } catch {
      return null;
    }
  }

  sendMo(p: MoParams): Promise<Pdu | null> {
    return this.sendDeliver(moFields(p));
  }

  private accept(socket: net.Socket): void {
    const client: { current?: Client } = {};
    const conn = new SmppConnection(socket, {
      onRequest: (pdu, c) => {
        if (client.current) this.onRequest(client.current, pdu, c);
      },
      onClose: () => {
        if (client.current) this.clients.delete(client.current);
      },
      onWarning: (m) => this.warnings.push(m),
    });
    client.current = { conn, bind: null };
    this.clients.add(client.current);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private onRequest(client: Client, pdu: Pdu, conn: SmppConnection): void {
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver': {
        this.binds.push(pdu);
        const o = this.options;
        const ok = (o.systemId === undefined || o.systemId === pdu.systemId) && (o.password === undefined || o.password === pdu.password);
        const mo = ok ? this.faults.moWithBindResp : undefined;
        if (mo) conn.socket.cork();
        conn.send({ command: `${pdu.command}_resp`, status: ok ? 0 : Status.ESME_RINVPASWD, sequence: pdu.sequence, systemId: ok ? 'TESTSMSC' : '', tlvs: [] });
        if (ok) client.bind = pdu;
        if (mo) {
          void this.sendDeliver(moFields(mo));
          process.nextTick(() => conn.socket.uncork());
        }
        return;
      }
      case 'enquire_link':
        if (!this.faults.ignoreEnquireLink) conn.send({ command: 'enquire_link_resp', status: 0, sequence: pdu.sequence });
        return;
      case 'unbind':
        conn.send({ command: 'unbind_resp', status: 0, sequence: pdu.sequence });
        conn.end();
        return;
      case 'submit_sm':
        this.onSubmit(client, pdu, conn);
        return;
      default:
        conn.send({ command: 'generic_nack', status: Status.ESME_RINVCMDID, sequence: pdu.sequence });
    }
  }

  private onSubmit(client: Client, pdu: SubmitSmPdu, conn: SmppConnection): void {
    const n = ++this.submitCount;
    const f = this.faults;
    const reply = (status: number, messageId = ''): void => {
      conn.send({ command: 'submit_sm_resp', status, sequence: pdu.sequence, messageId, tlvs: [] });
    };
    if (!client.bind || client.bind.command === 'bind_receiver') return reply(Status.ESME_RINVBNDSTS);
    this.submits.push(pdu);
    if (f.malformedAfterSubmit !== undefined && n === f.malformedAfterSubmit) this.later(1, () => this.sendMalformed(conn));
    if (f.dropOnSubmit !== undefined && n === f.dropOnSubmit) return conn.destroy(new Error('fault: drop'));
    if (f.neverAnswer) return;
    if (f.throttleEvery && n % f.throttleEvery === 0) return reply(f.throttleStatus ?? Status.ESME_RTHROTTLED);
    if (f.errorStatus !== undefined && n % (f.errorEvery ?? 1) === 0) return reply(f.errorStatus);
    const numeric = this.nextId++;
    const id = this.options.idFormat === 'decimal' ? String(numeric) : numeric.toString(16).toUpperCase();
    reply(Status.ESME_ROK, id);
    this.accepted.push({ pdu, id, numeric });
    const r = this.receiptRule ? this.receiptRule(pdu, this.accepted.length - 1) : this.options.receipts;
    if (r !== false && (pdu.registeredDelivery & 0x03) !== 0) {
      this.later(r?.delayMs ?? 5, () => void this.deliverWithRetry(pdu, id, numeric, r ?? {}, 0));
    }
  }

  /** Sends a receipt now for the accepted submit at `index` (tests that hold receipts back). */
  deliverReceipt(index: number, r: ReceiptBehaviour = {}): Promise<Pdu | null> {
    const a = this.accepted[index];
    if (!a) return Promise.resolve(null);
    return this.sendReceipt(a.pdu, a.id, a.numeric, r);
  }

  private async deliverWithRetry(pdu: SubmitSmPdu, id: string, numeric: number, r: ReceiptBehaviour, tries: number): Promise<void> {
    const resp = await this.sendReceipt(pdu, id, numeric, r);
    if (!r.retry || (resp && resp.status === Status.ESME_ROK) || tries >= 100 || !this.server) return;
    this.later(50, () => void this.deliverWithRetry(pdu, id, numeric, r, tries + 1));
  }

  private sendReceipt(submit: SubmitSmPdu, id: string, numeric: number, r: ReceiptBehaviour): Promise<Pdu | null> {
    const stat = r.stat ?? 'DELIVRD';
    const err = r.err ?? 0;
    const date = '2406111200';
    const textId = r.textIdDecimal ? String(numeric) : id;
    const text =
      `id:${textId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${date} done date:${date} ` +
      `stat:${stat} err:${String(err).padStart(3, '0')} text:${submit.shortMessage.subarray(0, 20).toString('latin1')}`;
    const state: Record<ReceiptStat, number> = {
      DELIVRD: MessageState.DELIVERED,
      EXPIRED: MessageState.EXPIRED,
      DELETED: MessageState.DELETED,
      UNDELIV: MessageState.UNDELIVERABLE,
      ACCEPTD: MessageState.ACCEPTED,
      UNKNOWN: MessageState.UNKNOWN,
      REJECTD: MessageState.REJECTED,
      ENROUTE: MessageState.ENROUTE,
    };
    const nec = Buffer.from([3, (err >> 8) & 0xff, err & 0xff]);
    return this.sendDeliver({
      sourceAddr: submit.destinationAddr,
      destinationAddr: submit.sourceAddr,
      esmClass: EsmClass.DELIVERY_RECEIPT,
      shortMessage: Buffer.from(text, 'latin1'),
      tlvs:
        r.tlvs === false ? [] : [tlv.cstring(Tag.receipted_message_id, id), tlv.u8(Tag.message_state, state[stat]), tlv.octets(Tag.network_error_code, nec)],
    });
  }

  private sendMalformed(conn: SmppConnection): void {
    if (this.faults.malformedKind === 'body') {
      // A deliver_sm whose service_type never ends: a well-framed PDU with an undecodable body.
      const body = Buffer.alloc(24, 0x41);
      const header = Buffer.alloc(16);
      header.writeUInt32BE(16 + body.length, 0);
      header.writeUInt32BE(0x00000005, 4);
      header.writeUInt32BE(0, 8);
      header.writeUInt32BE(0x7ffffff0, 12);
      conn.writeRaw(Buffer.concat([header, body]));
      return;
    }
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0xfffffff0, 0);
    header.writeUInt32BE(0x00000005, 4);
    header.writeUInt32BE(0x7ffffff1, 12);
    conn.writeRaw(header);
  }
}

function moFields(p: MoParams): Partial<DeliverSmPdu> {
  return {
    sourceAddr: p.from,
    destinationAddr: p.to,
    dataCoding: p.dataCoding ?? 0,
    esmClass: p.esmClass ?? 0,
    shortMessage: p.shortMessage ?? Buffer.alloc(0),
    tlvs: p.tlvs ?? [],
  };
}
