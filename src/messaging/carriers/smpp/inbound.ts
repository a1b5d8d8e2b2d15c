/**
 * Mobile-originated messages: decoding a deliver_sm/data_sm by data_coding, reading concatenation from
 * a UDH (8- or 16-bit reference) or from sar_* TLVs, and reassembling parts with a timeout after which
 * an incomplete set is handed over as it is rather than silently dropped.
 */
import { decodeGsm7 } from '../../encoding/gsm7.js';
import { decodeUcs2 } from '../../encoding/ucs2.js';
import { EsmClass, Tag } from './constants.js';
import type { DataSmPdu, DeliverSmPdu } from './pdu.js';
import { findTlv, tlvU16, tlvU8 } from './tlv.js';

export interface ConcatInfo {
  ref: number;
  total: number;
  seq: number;
  /** Where the information came from. */
  via: 'udh8' | 'udh16' | 'sar';
}

export interface InboundPart {
  from: string;
  to: string;
  dataCoding: number;
  text: string;
  /** The user data after any UDH, undecoded (for binary data_coding). */
  payload: Buffer;
  concat: ConcatInfo | null;
}

export interface InboundMessage {
  from: string;
  to: string;
  text: string;
  dataCoding: number;
  /** Number of parts it arrived in. */
  parts: number;
  /** True when the set timed out with parts missing; `text` holds the parts that arrived, in order. */
  incomplete: boolean;
}

/**
 * Text alphabet for a data_coding value: SMPP 3.4 §5.2.19 for 0..15, TS 23.038 coding groups above.
 * Alphabets we cannot decode (JIS, Cyrillic ISO-8859-5, Hebrew...) fall back to Latin-1.
 */
export function alphabetOf(dataCoding: number): 'gsm7' | 'ascii' | 'latin1' | 'ucs2' | 'binary' {
  if (dataCoding < 0x10) {
    const smpp: Record<number, 'gsm7' | 'ascii' | 'ucs2' | 'binary'> = { 0: 'gsm7', 1: 'ascii', 2: 'binary', 4: 'binary', 8: 'ucs2' };
    return smpp[dataCoding] ?? 'latin1';
  }
  const group = dataCoding >> 4;
  if (group <= 0x7) {
    // General data coding and automatic deletion groups: bits 3..2 name the alphabet.
    const bits = (dataCoding >> 2) & 0x03;
    return bits === 0 ? 'gsm7' : bits === 1 ? 'binary' : bits === 2 ? 'ucs2' : 'latin1';
  }
  if (group === 0xc || group === 0xd) return 'gsm7';
  if (group === 0xe) return 'ucs2';
  if (group === 0xf) return (dataCoding & 0x04) !== 0 ? 'binary' : 'gsm7';
  return 'latin1';
}

/** What an SMSC means by data_coding 0 ("SMSC default alphabet"): GSM-7 for most, Latin-1 or ASCII for some. */
export type DefaultAlphabet = 'gsm7' | 'latin1' | 'ascii';

export function decodeText(payload: Buffer, dataCoding: number, defaultAlphabet: DefaultAlphabet = 'gsm7'): string {
  switch (dataCoding === 0 ? defaultAlphabet : alphabetOf(dataCoding)) {
    case 'gsm7':
      return decodeGsm7(payload);
    case 'ucs2':
      return decodeUcs2(payload);
    case 'ascii':
      return payload.toString('ascii');
    case 'latin1':
    case 'binary':
      return payload.toString('latin1');
  }
}

/** Reads a UDH at the start of `data`: the concatenation IE if any and where the text starts. */
export function parseUdh(data: Buffer): { concat: ConcatInfo | null; headerLength: number } | null {
  const udhl = data[0];
  if (udhl === undefined || 1 + udhl > data.length) return null;
  let concat: ConcatInfo | null = null;
  let i = 1;
  while (i + 2 <= 1 + udhl) {
    const iei = data[i] ?? 0;
    const len = data[i + 1] ?? 0;
    const v = data.subarray(i + 2, i + 2 + len);
    if (i + 2 + len > 1 + udhl) return null;
    if (iei === 0x00 && len === 3) concat = { ref: v[0] ?? 0, total: v[1] ?? 0, seq: v[2] ?? 0, via: 'udh8' };
    if (iei === 0x08 && len === 4) concat = { ref: v.readUInt16BE(0), total: v[2] ?? 0, seq: v[3] ?? 0, via: 'udh16' };
    i += 2 + len;
  }
  return { concat, headerLength: 1 + udhl };
}

export function decodeInbound(pdu: DeliverSmPdu | DataSmPdu, defaultAlphabet: DefaultAlphabet = 'gsm7'): InboundPart {
  const tlvPayload = findTlv(pdu.tlvs, Tag.message_payload);
  let data = pdu.command === 'deliver_sm' && pdu.shortMessage.length > 0 ? pdu.shortMessage : (tlvPayload ?? Buffer.alloc(0));
  let concat: ConcatInfo | null = null;
  if ((pdu.esmClass & EsmClass.UDHI) !== 0) {
    const udh = parseUdh(data);
    if (udh) {
      concat = udh.concat;
      data = data.subarray(udh.headerLength);
    }
  }
  if (!concat) {
    const ref = tlvU16(pdu.tlvs, Tag.sar_msg_ref_num);
    const total = tlvU8(pdu.tlvs, Tag.sar_total_segments);
    const seq = tlvU8(pdu.tlvs, Tag.sar_segment_seqnum);
    if (ref !== undefined && total !== undefined && seq !== undefined) concat = { ref, total, seq, via: 'sar' };
  }
  // A "set" of one, or nonsense numbering, is just a message.
  if (concat && (concat.total < 2 || concat.seq < 1 || concat.seq > concat.total)) concat = null;
  return {
    from: pdu.sourceAddr,
    to: pdu.destinationAddr,
    dataCoding: pdu.dataCoding,
    text: decodeText(data, pdu.dataCoding, defaultAlphabet),
    payload: Buffer.from(data),
    concat,
  };
}

interface PartialSet {
  parts: Map<number, InboundPart>;
  total: number;
  timer: NodeJS.Timeout;
}

export interface ReassemblerOptions {
  /** How long to wait for the missing parts of a set. Default 5 minutes. */
  timeoutMs?: number;
  /** Called with an incomplete set once its timeout passes. */
  onExpired(message: InboundMessage): void;
  /** Sets held at most at once; the oldest is expired early beyond it. Default 10000. */
  maxSets?: number;
}

/**
 * Collects concatenated parts. `add` returns the whole message once every part is in, together with
 * a key; the set is kept (a repeated final part completes it again) until `release(key)`, so a caller
 * that fails to store the message can refuse the last part and have the SMSC send it again.
 */
export class ConcatReassembler {
  private readonly sets = new Map<string, PartialSet>();

  constructor(private readonly options: ReassemblerOptions) {}

  get pendingSets(): number {
    return this.sets.size;
  }

  add(part: InboundPart): { key: string; message: InboundMessage } | null {
    const c = part.concat;
    if (!c) return { key: '', message: assemble([part], 1, false) };
    const key = `${part.from}\u0000${part.to}\u0000${c.via === 'udh16' ? 16 : 8}\u0000${c.ref}\u0000${c.total}`;
    let set = this.sets.get(key);
    if (!set) {
      this.evictIfFull();
      const timer = setTimeout(() => this.expire(key), this.options.timeoutMs ?? 300_000);
      timer.unref();
      set = { parts: new Map(), total: c.total, timer };
      this.sets.set(key, set);
    }
    set.parts.set(c.seq, part);
    if (set.parts.size < set.total) return null;
    const ordered = [...set.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    return { key, message: assemble(ordered, set.total, false) };
  }

  /** Forgets a completed set once its message has been handled. */
  release(key: string): void {
    const set = this.sets.get(key);
    if (!set) return;
    clearTimeout(set.timer);
    this.sets.delete(key);
  }

  /** Drops every set without reporting (session shutdown: the SMSC redelivers what we did not ack). */
  clear(): void {
    for (const set of this.sets.values()) clearTimeout(set.timer);
    this.sets.clear();
  }

  private expire(key: string): void {
    const set = this.sets.get(key);
    if (!set) return;
    this.sets.delete(key);
    clearTimeout(set.timer);
    const ordered = [...set.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    this.options.onExpired(assemble(ordered, ordered.length, set.parts.size < set.total));
  }

  private evictIfFull(): void {
    if (this.sets.size < (this.options.maxSets ?? 10_000)) return;
    const oldest = this.sets.keys().next().value;
    if (oldest !== undefined) this.expire(oldest);
  }
}

function assemble(parts: InboundPart[], count: number, incomplete: boolean): InboundMessage {
  const first = parts[0];
  return {
    from: first?.from ?? '',
    to: first?.to ?? '',
    text: parts.map((p) => p.text).join(''),
    dataCoding: first?.dataCoding ?? 0,
    parts: count,
    incomplete,
  };
}
