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
  /** Not taken this time (throttled, link down, timeout): the pipeline tries again later. */
  | { kind: 'retry'; delayMs: number; reason: string };

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

export interface CarrierEvents {
  report(report: DeliveryReport): void;
  inbound(message: InboundSms): void;
}

/** Every carrier (simulator, SMPP, HTTP upstreams) behind one interface, exercised by one contract test. */
export interface Carrier {
  readonly name: string;
  start(events: CarrierEvents): Promise<void>;
  submit(batch: readonly OutboundSms[]): Promise<SubmitResult[]>;
  /** Health for the API and metrics. */
  health(): { up: boolean; detail: string };
  stop(): Promise<void>;
}
