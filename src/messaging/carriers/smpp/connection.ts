/**
 * One SMPP connection over an already-open socket (TCP or TLS), for either side: sequence numbers,
 * request/response matching with a per-request timeout, framing and decoding with protocol-error
 * answers, and a close that fails every pending request exactly once. Used by the ESME link and by the
 * test SMSC.
 */
import type { Socket } from 'node:net';
import { COMMAND_NAMES, CommandId, RESPONSE_BIT, Status, statusName } from './constants.js';
import { PduDecodeError, decodePdu, encodePdu } from './codec.js';
import { PduFramer } from './framer.js';
import type { Pdu } from './pdu.js';
import { isResponse } from './pdu.js';

/** Why a request got no response. */
export type RequestFailure = 'timeout' | 'closed' | 'encode' | 'protocol';

export class SmppRequestError extends Error {
  constructor(
    readonly kind: RequestFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SmppRequestError';
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A PDU without the sequence number, which the connection assigns. */
export type OutgoingRequest = DistributiveOmit<Pdu, 'sequence'>;

export interface ConnectionHandlers {
  /** A request from the peer; the handler must answer it with `respond`. */
  onRequest(pdu: Pdu, connection: SmppConnection): void;
  /** Called once when the socket is gone, after pending requests were failed. */
  onClose?(reason: Error | null): void;
  /** Protocol trouble worth logging (bad frame, unknown command, late response). */
  onWarning?(message: string): void;
}

export interface ConnectionOptions {
  maxCommandLength?: number;
}

interface Pending {
  resolve(pdu: Pdu): void;
  reject(err: SmppRequestError): void;
  timer: NodeJS.Timeout;
}

export class SmppConnection {
  private readonly framer: PduFramer;
  private readonly pending = new Map<number, Pending>();
  private nextSequence = 1;
  private closed = false;
  /** Time of the last PDU received, for link-idle checks. */
  lastReceivedAt = Date.now();

  constructor(
    readonly socket: Socket,
    private readonly handlers: ConnectionHandlers,
    options: ConnectionOptions = {},
  ) {
    this.framer = new PduFramer(options.maxCommandLength);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy(null));
    socket.on('end', () => this.destroy(null));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends a request and waits for its response (any status); rejects on timeout or close. */
  request(pdu: OutgoingRequest, timeoutMs: number): Promise<Pdu> {
    if (this.closed) return Promise.reject(new SmppRequestError('closed', 'connection closed'));
    const sequence = this.allocateSequence();
    let frame: Buffer;
    try {
      frame = encodePdu({ ...pdu, sequence } as Pdu);
    } catch (err) {
      return Promise.reject(new SmppRequestError('encode', (err as Error).message));
    }
    return new Promise<Pdu>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(sequence)) {
          reject(new SmppRequestError('timeout', `no response to ${pdu.command} #${sequence} in ${timeoutMs} ms`));
        }
      }, timeoutMs);
      this.pending.set(sequence, { resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  /** Sends a response or any PDU that already has its sequence number. Returns false once closed. */
  send(pdu: Pdu): boolean {
    if (this.closed) return false;
    this.socket.write(encodePdu(pdu));
    return true;
  }

  /** Writes raw bytes (the test SMSC uses this to inject malformed PDUs). */
  writeRaw(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Closes the socket now; pending requests fail with `closed`. Idempotent. */
  destroy(reason: Error | null = null): void {
    if (this.closed) return;
    this.closed = true;
    const err = new SmppRequestError('closed', reason ? `connection closed: ${reason.message}` : 'connection closed');
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(seq);
      p.reject(err);
    }
    this.socket.destroy();
    try {
      this.handlers.onClose?.(reason);
    } catch (err) {
      this.handlers.onWarning?.(`close handler threw: ${String(err)}`);
    }
  }

  /** Flushes what was written, then closes (used after unbind_resp or a fatal generic_nack). */
  end(): void {
    if (this.closed) return;
    this.socket.end(() => this.destroy(null));
    // A peer that never reads must not keep us half-open.
    setTimeout(() => this.destroy(null), 1000).unref();
  }

  private allocateSequence(): number {
    const seq = this.nextSequence;
    this.nextSequence = seq >= 0x7fffffff ? 1 : seq + 1;
    return seq;
  }

  private onData(chunk: Buffer): void {
    const { frames, error } = this.framer.push(chunk);
    for (const frame of frames) {
      if (this.closed) return;
      this.onFrame(frame);
    }
    if (error && !this.closed) {
      this.handlers.onWarning?.(`invalid command_length ${error.commandLength}: sending generic_nack and closing`);
      this.send({ command: 'generic_nack', status: Status.ESME_RINVCMDLEN, sequence: error.sequence });
      this.end();
    }
  }

  private onFrame(frame: Buffer): void {
    this.lastReceivedAt = Date.now();
    let pdu: Pdu;
    try {
      pdu = decodePdu(frame);
    } catch (err) {
      if (err instanceof PduDecodeError) this.onUndecodable(err);
      else this.handlers.onWarning?.(`decoder failure: ${String(err)}`);
      return;
    }
    if (isResponse(pdu)) {
      const p = this.pending.get(pdu.sequence);
      if (!p) {
        this.handlers.onWarning?.(`response ${pdu.command} #${pdu.sequence} matches no request (late or unknown)`);
        return;
      }
      clearTimeout(p.timer);
      this.pending.delete(pdu.sequence);
      p.resolve(pdu);
      return;
    }
    try {
      this.handlers.onRequest(pdu, this);
    } catch (err) {
      // A bug in a handler must not take the socket (or the process) down with it.
      this.handlers.onWarning?.(`request handler threw on ${pdu.command} #${pdu.sequence}: ${String(err)}`);
    }
  }

  private onUndecodable(err: PduDecodeError): void {
    const name = COMMAND_NAMES.get(err.commandId);
    this.handlers.onWarning?.(`undecodable ${name ?? 'PDU'} #${err.sequence}: ${err.message} (${statusName(err.status)})`);
    if ((err.commandId & RESPONSE_BIT) !== 0) {
      // A response we cannot read still ends its request: fail it rather than wait for the timeout.
      const p = this.pending.get(err.sequence);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(err.sequence);
        p.reject(new SmppRequestError('protocol', `undecodable response: ${err.message}`));
      }
      return;
    }
    // A known request gets its own response with the error status; anything else a generic_nack.
    const respName = name ? COMMAND_NAMES.get((CommandId[name] | RESPONSE_BIT) >>> 0) : undefined;
    if (respName === 'submit_sm_resp' || respName === 'deliver_sm_resp' || respName === 'data_sm_resp') {
      this.send({ command: respName, status: err.status, sequence: err.sequence, messageId: '', tlvs: [] });
    } else {
      this.send({ command: 'generic_nack', status: err.status, sequence: err.sequence });
    }
  }
}
