import type { SmsEncoding } from '../encoding/index.js';

/** One outbound message as a carrier sees it. */
export interface OutboundSms {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  encoding: SmsEncoding;
  segments: number;
  media: { url: string; contentType: string }[];
}

export type SubmitResult =
  | { kind: 'submitted'; carrierIds: string[] }
  | { kind: 'failed'; errorCode: number; errorMessage: string }
  /**
   * Not taken this time (throttled, link down, timeout): the pipeline tries again later. `free` retries
   * (the carrier refused or never saw the message: throttling, pacing, no bind) do not use up one of the
   * message's attempts; they are bounded by its validity period instead.
   */
  | { kind: 'retry'; delayMs: number; reason: string; free?: boolean };

export interface DeliveryReport {
  carrier: string;
  /** Either the message SID (carriers we run) or the carrier's own id for the message or one of its parts. */
  messageSid?: string;
  carrierId?: string;
  status: 'sent' | 'delivered' | 'undelivered' | 'failed';
  errorCode?: number | null;
}

export interface InboundSms {
  carrier: string;
  from: string;
  to: string;
  body: string;
  media: { url: string; contentType: string }[];
  /** Stable id from the carrier, so a redelivered MO is recorded once. */
  carrierMessageId?: string;
}

/**
 * What a carrier hands back. Both may return a promise that settles once the event is stored: a carrier
 * that can make its peer resend (SMPP) acknowledges only then, and asks for a resend when it rejects.
 */
export interface CarrierEvents {
  report(report: DeliveryReport): void | Promise<void>;
  inbound(message: InboundSms): void | Promise<void>;
}

/** Counters since start, for the Carriers API and Prometheus. */
export interface CarrierCounters {
  /** Messages accepted (every part), failed for good, and sent back to the pipeline to retry. */
  submitted: number;
  failed: number;
  retried: number;
  /** submit_sm accepted, and throttling answers (ESME_RTHROTTLED, ESME_RMSGQFUL). */
  partsSubmitted: number;
  throttled: number;
  receipts: number;
  inbound: number;
  /** Parts accepted per second over the last 10 seconds. */
  partsPerSecond: number;
  /** Concatenated MO reassembly (carriers that reassemble): held now, expired and dropped since start. */
  moReassembly?: MoReassemblyCounters | undefined;
}

export interface MoReassemblyCounters {
  pendingSets: number;
  pendingBytes: number;
  /** Incomplete sets that timed out (delivered or dropped per the carrier's policy). */
  expired: number;
  /** Sets dropped to stay under the set and byte bounds, and single parts larger than the byte bound. */
  evicted: number;
  oversized: number;
  /** Parts and estimated bytes discarded without reaching a handler. */
  droppedParts: number;
  droppedBytes: number;
}

/** Every carrier (simulator, SMPP, HTTP upstreams) behind one interface, exercised by one contract test. */
export interface Carrier {
  readonly name: string;
  start(events: CarrierEvents): Promise<void>;
  submit(batch: readonly OutboundSms[]): Promise<SubmitResult[]>;
  /** Health for the API and metrics. */
  health(): { up: boolean; detail: string };
  counters?(): CarrierCounters;
  stop(): Promise<void>;
}
