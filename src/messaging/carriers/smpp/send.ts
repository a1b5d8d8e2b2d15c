/**
 * sendMessage: body -> encoding choice -> parts -> one submit_sm per part, with explicit data_coding
 * (0 GSM-7, 8 UCS-2), esm_class 0x40 + UDH for concatenated parts (or sar_* TLVs, or the whole text in
 * one message_payload TLV), and registered_delivery. Results are per part, so a caller can retry only
 * the parts that failed, with the same reference number.
 */
import { smartEncode } from '../../encoding/smart.js';
import { countSegments } from '../../encoding/segments.js';
import type { SmsEncoding } from '../../encoding/segments.js';
import { ConcatRefAllocator, splitForCarrier } from '../../encoding/split.js';
import type { UdhReference } from '../../encoding/split.js';
import { encodeGsm7 } from '../../encoding/gsm7.js';
import { encodeUcs2 } from '../../encoding/ucs2.js';
import { EsmClass, Tag } from './constants.js';
import type { SubmitParams } from './session.js';
import type { SubmitResult } from './submit-window.js';
import { tlv } from './tlv.js';

export interface SendMessageParams {
  from: string;
  to: string;
  body: string;
  /** Ask for a delivery receipt (registered_delivery 1). Default true. */
  registeredDelivery?: boolean;
  /** How a long message travels: UDH in short_message (default), sar_* TLVs, or one message_payload TLV. */
  concatenation?: 'udh' | 'sar' | 'payload';
  /** UDH reference size for `udh` concatenation. Default 8bit. */
  udh?: UdhReference;
  /** Apply Smart Encoding before choosing the encoding. */
  smartEncoding?: boolean;
  /** Relative validity period (SMPP relative time format). */
  validityPeriodSeconds?: number;
  serviceType?: string;
  /** Override the TON/NPI guessed from the address form. */
  source?: { ton: number; npi: number };
  destination?: { ton: number; npi: number };
  refs?: ConcatRefAllocator;
}

export interface PreparedMessage {
  encoding: SmsEncoding;
  /** Twilio's num_segments for the body as sent. */
  segments: number;
  body: string;
  /** One submit per part, in order. */
  submits: SubmitParams[];
}

export interface SendMessageResult {
  encoding: SmsEncoding;
  segments: number;
  parts: SubmitResult[];
  /** Carrier message id per part, null where that part failed. */
  messageIds: Array<string | null>;
  ok: boolean;
  /** True when every failed part may be retried. */
  retryable: boolean;
}

export interface Submitter {
  submit(params: SubmitParams): Promise<SubmitResult>;
}

/** TON/NPI from the address form: +E.164 international/ISDN, digits unknown/ISDN, else alphanumeric. */
export function addressFor(value: string): { addr: string; ton: number; npi: number } {
  if (/^\+\d+$/.test(value)) return { addr: value.slice(1), ton: 1, npi: 1 };
  if (/^\d+$/.test(value)) return { addr: value, ton: 0, npi: 1 };
  return { addr: value, ton: 5, npi: 0 };
}

/** SMPP relative time `YYMMDDhhmmss000R` for a duration in seconds (days capped at 99). */
export function relativeTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.min(99, Math.floor(s / 86400));
  const two = (n: number) => String(n).padStart(2, '0');
  return `0000${two(days)}${two(Math.floor((s % 86400) / 3600))}${two(Math.floor((s % 3600) / 60))}${two(s % 60)}000R`;
}

const sarRefs = new ConcatRefAllocator();

export function prepareMessage(params: SendMessageParams): PreparedMessage {
  const body = params.smartEncoding ? smartEncode(params.body) : params.body;
  const src = addressFor(params.from);
  const dst = addressFor(params.to);
  const common: SubmitParams = {
    serviceType: params.serviceType ?? '',
    sourceAddr: src.addr,
    sourceAddrTon: params.source?.ton ?? src.ton,
    sourceAddrNpi: params.source?.npi ?? src.npi,
    destinationAddr: dst.addr,
    destAddrTon: params.destination?.ton ?? dst.ton,
    destAddrNpi: params.destination?.npi ?? dst.npi,
    registeredDelivery: params.registeredDelivery === false ? 0 : 1,
    validityPeriod: params.validityPeriodSeconds === undefined ? '' : relativeTime(params.validityPeriodSeconds),
  };
  const count = countSegments(body);
  const mode = params.concatenation ?? 'udh';
  if (mode === 'payload') {
    const payload = count.encoding === 'GSM-7' ? encodeGsm7(body) : encodeUcs2(body);
    const submit: SubmitParams = {
      ...common,
      dataCoding: count.encoding === 'GSM-7' ? 0 : 8,
      shortMessage: Buffer.alloc(0),
      tlvs: [tlv.octets(Tag.message_payload, payload)],
    };
    return { encoding: count.encoding, segments: count.segments, body, submits: [submit] };
  }
  const split = splitForCarrier(body, { udh: params.udh ?? '8bit', refs: params.refs });
  const total = split.parts.length;
  const sarRef = mode === 'sar' && total > 1 ? (params.refs ?? sarRefs).next('16bit') : null;
  const submits = split.parts.map((part): SubmitParams => {
    if (sarRef !== null) {
      return {
        ...common,
        dataCoding: split.dataCoding,
        shortMessage: part.payload,
        tlvs: [tlv.u16(Tag.sar_msg_ref_num, sarRef), tlv.u8(Tag.sar_total_segments, total), tlv.u8(Tag.sar_segment_seqnum, part.seq)],
      };
    }
    return {
      ...common,
      esmClass: part.udh.length > 0 ? EsmClass.UDHI : 0,
      dataCoding: split.dataCoding,
      shortMessage: Buffer.concat([part.udh, part.payload]),
    };
  });
  return { encoding: split.encoding, segments: count.segments, body, submits };
}

/** Submits the given parts (1-based; all by default) of a prepared message. */
export async function submitParts(session: Submitter, prepared: PreparedMessage, which?: readonly number[]): Promise<SubmitResult[]> {
  const seqs = which ?? prepared.submits.map((_, i) => i + 1);
  return Promise.all(
    seqs.map((seq) => {
      const submit = prepared.submits[seq - 1];
      if (!submit) throw new RangeError(`no part ${seq}`);
      return session.submit(submit);
    }),
  );
}

export async function sendMessage(session: Submitter, params: SendMessageParams): Promise<SendMessageResult> {
  const prepared = prepareMessage(params);
  const parts = await submitParts(session, prepared);
  return {
    encoding: prepared.encoding,
    segments: prepared.segments,
    parts,
    messageIds: parts.map((p) => (p.ok ? p.messageId : null)),
    ok: parts.every((p) => p.ok),
    retryable: parts.every((p) => p.ok || p.retryable),
  };
}
