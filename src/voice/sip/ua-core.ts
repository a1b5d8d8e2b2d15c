/** What calls need from the endpoint: sending, routing and dialog registration. Keeps calls testable. */
import type { SipHeader, SipMessage, SipRequest, SipResponse } from './message.js';
import type { ClientTransactionUser } from './transaction-client.js';
import type { Destination, SipProtocol } from './transport.js';
import type { Scheduler, TimerConfig } from './timers.js';
import type { DigestCredentials } from './digest.js';

export interface SendOptions {
  /** Send to this hop instead of routing by Route/Request-URI (CANCEL goes where its INVITE went). */
  dest?: Destination;
  /** The request already carries its Via (CANCEL reuses the INVITE's). */
  keepVia?: boolean;
  /** Told the chosen hop once routing is done (to pin later CANCEL/ACK to it). */
  onDest?: (dest: Destination) => void;
}

export interface UaCore {
  readonly timers: TimerConfig;
  readonly scheduler: Scheduler;
  sendRequest(req: SipRequest, tu: ClientTransactionUser, options?: SendOptions): void;
  /** Sends outside a transaction (ACK for a 2xx, 2xx retransmissions); adds a Via to requests without one. */
  sendRaw(msg: SipMessage, dest: Destination): void;
  /** Routes a request by its first loose Route or its Request-URI. */
  resolve(req: SipRequest, protocol?: SipProtocol): Promise<Destination>;
  contact(protocol: SipProtocol, user?: string): string;
  /** User-Agent, Allow, Supported: the headers every request and dialog-creating response carries. */
  commonHeaders(): SipHeader[];
  registerDialog(id: string, handler: DialogHandler): void;
  unregisterDialog(id: string): void;
  warn(message: string): void;
}

export interface DialogHandler {
  handleRequest(req: SipRequest, respond: (res: SipResponse) => void, source: Destination): void;
  handleAck(req: SipRequest): void;
  handleStray2xx?(res: SipResponse): void;
  /** The endpoint is closing. */
  shutdown?(): void;
}

export type { DigestCredentials };
