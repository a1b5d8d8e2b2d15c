/**
 * Mobile-originated messages: decoding a deliver_sm/data_sm by data_coding, reading concatenation from
 * a UDH (8- or 16-bit reference) or from sar_* TLVs, and reassembling parts within per-carrier bounds (sets,
 * bytes, a timeout after which an incomplete set is handed over as one message). See docs/smpp.md.
 */
import { decodeGsm7 } from '../../encoding/gsm7.js';
import { decodeUcs2 } from '../../encoding/ucs2.js';
import type { MoReassemblyCounters } from '../types.js';
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

/** What a held set keeps of each part: the decoded text only (not the PDU buffers, whose pool slabs would stay alive). */
interface HeldSet {
  from: string;
  to: string;
  dataCoding: number;
  total: number;
  texts: Map<number, string>;
  bytes: number;
  /** Every part is in and its message is with the handler; kept until `release` so a redelivered last part completes it again. */
  complete: boolean;
  timer: NodeJS.Timeout;
}

/**
 * Bounds on what one carrier's reassembly may hold. Defaults follow Kannel where it has one (its
 * `sms-combine-concatenated-mo-timeout` is 1800 s, counted from the last part); the set and byte limits are
 * ours, since Kannel only bounds its incoming queue.
 */
export interface ReassemblyLimits {
  /** Wait this long after the latest part of a set for the rest. Default 1800 s. */
  timeoutMs?: number | undefined;
  /** Sets held at most; beyond it the least recently active set is dropped. Default 10000. */
  maxSets?: number | undefined;
  /** Estimated bytes held at most (text at 2 bytes a character plus 96 per part). Default 16 MiB. */
  maxBytes?: number | undefined;
  /** What an expired incomplete set becomes: one message flagged incomplete (default), or nothing. */
  onTimeout?: 'deliver' | 'drop' | undefined;
}

export interface ReassemblerOptions extends ReassemblyLimits {
  /** Called with an incomplete set once it expires (policy `deliver`). */
  onExpired(message: InboundMessage): void;
  /** Called when sets are dropped because a bound was hit (for a rate-limited warning). */
  onDropped?(reason: 'evicted' | 'oversized', stats: ReassemblyStats): void;
}

/** Counts since start plus what is held now; the carrier shows them in its counters and metrics. */
export type ReassemblyStats = MoReassemblyCounters;

export const REASSEMBLY_DEFAULTS = { timeoutMs: 1_800_000, maxSets: 10_000, maxBytes: 16 * 1024 * 1024, onTimeout: 'deliver' } as const;
const PART_OVERHEAD = 96;

/**
 * Collects concatenated parts. `add` returns the whole message once every part is in, together with
 * a key; the set is kept (a repeated final part completes it again) until `release(key)`, so a caller
 * that fails to store the message can refuse the last part and have the SMSC send it again.
 *
 * Memory is bounded per instance (one per carrier session) by sets and bytes: a new part that would
 * go over drops the least recently active sets first, without delivering them, so a flood of sets that
 * never complete costs neither memory nor one inbound message per evicted set.
 */
export class ConcatReassembler {
  /** Insertion order is activity order: a set is moved to the end on each part, so the first is the stalest. */
  private readonly sets = new Map<string, HeldSet>();
  private readonly limits: Required<ReassemblyLimits>;
  private bytes = 0;
  private readonly counts = { expired: 0, evicted: 0, oversized: 0, droppedParts: 0, droppedBytes: 0 };

  constructor(private readonly options: ReassemblerOptions) {
    this.limits = {
      timeoutMs: options.timeoutMs ?? REASSEMBLY_DEFAULTS.timeoutMs,
      maxSets: Math.max(1, options.maxSets ?? REASSEMBLY_DEFAULTS.maxSets),
      maxBytes: options.maxBytes ?? REASSEMBLY_DEFAULTS.maxBytes,
      onTimeout: options.onTimeout ?? REASSEMBLY_DEFAULTS.onTimeout,
    };
  }

  get pendingSets(): number {
    return this.sets.size;
  }

  get stats(): ReassemblyStats {
    return { pendingSets: this.sets.size, pendingBytes: this.bytes, ...this.counts };
  }

  add(part: InboundPart): { key: string; message: InboundMessage } | null {
    const c = part.concat;
    if (!c) return { key: '', message: { from: part.from, to: part.to, text: part.text, dataCoding: part.dataCoding, parts: 1, incomplete: false } };
    const key = `${part.from}\u0000${part.to}\u0000${c.via === 'udh16' ? 16 : 8}\u0000${c.ref}\u0000${c.total}`;
    const size = PART_OVERHEAD + 2 * part.text.length;
    let set = this.sets.get(key);
    const previous = set?.texts.get(c.seq);
    const growth = size - (previous === undefined ? 0 : PART_OVERHEAD + 2 * previous.length);
    if (size > this.limits.maxBytes) {
      // One part larger than the whole budget can never be held; count it and keep the rest.
      this.counts.oversized++;
      this.drop(1, size, 'oversized');
      return null;
    }
    if (set) this.sets.delete(key);
    this.makeRoom(set ? 0 : 1, growth);
    if (this.bytes + growth > this.limits.maxBytes) {
      // Only this set is left and it alone outgrew the budget: it goes too.
      if (set) {
        this.remove(key, set);
        this.counts.evicted++;
        this.drop(set.texts.size + 1, set.bytes + size, 'evicted');
      } else {
        this.counts.oversized++;
        this.drop(1, size, 'oversized');
      }
      return null;
    }
    if (!set) {
      const timer = setTimeout(() => this.expire(key), this.limits.timeoutMs);
      timer.unref();
      set = { from: part.from, to: part.to, dataCoding: part.dataCoding, total: c.total, texts: new Map(), bytes: 0, complete: false, timer };
    } else {
      // Kannel counts the timeout from the latest part, so a slow but live set is not cut short.
      set.timer.refresh();
    }
    this.sets.set(key, set);
    set.texts.set(c.seq, part.text);
    set.bytes += growth;
    this.bytes += growth;
    if (set.texts.size < set.total) return null;
    set.complete = true;
    return { key, message: assembleSet(set, false) };
  }

  /** Forgets a completed set once its message has been handled. */
  release(key: string): void {
    const set = this.sets.get(key);
    if (set) this.remove(key, set);
  }

  /** Drops every set without reporting (session shutdown: the SMSC redelivers what we did not ack). */
  clear(): void {
    for (const set of this.sets.values()) clearTimeout(set.timer);
    this.sets.clear();
    this.bytes = 0;
  }

  private remove(key: string, set: HeldSet): void {
    clearTimeout(set.timer);
    this.sets.delete(key);
    this.bytes -= set.bytes;
  }

  private expire(key: string): void {
    const set = this.sets.get(key);
    if (!set) return;
    this.remove(key, set);
    // A complete set is with its handler already (or its last part was refused and will come again).
    if (set.complete) return;
    this.counts.expired++;
    if (this.limits.onTimeout === 'drop') {
      this.counts.droppedParts += set.texts.size;
      this.counts.droppedBytes += set.bytes;
      return;
    }
    this.options.onExpired(assembleSet(set, true));
  }

  /** Drops the stalest sets until one more set (`newSets`) and `growth` bytes fit. */
  private makeRoom(newSets: number, growth: number): void {
    let parts = 0;
    let bytes = 0;
    let evicted = 0;
    while (this.sets.size > 0 && (this.sets.size + newSets > this.limits.maxSets || this.bytes + growth > this.limits.maxBytes)) {
      const [key, set] = this.sets.entries().next().value as [string, HeldSet];
      this.remove(key, set);
      evicted++;
      if (set.complete) continue;
      parts += set.texts.size;
      bytes += set.bytes;
    }
    if (evicted === 0) return;
    this.counts.evicted += evicted;
    this.drop(parts, bytes, 'evicted');
  }

  private drop(parts: number, bytes: number, reason: 'evicted' | 'oversized'): void {
    this.counts.droppedParts += parts;
    this.counts.droppedBytes += bytes;
    this.options.onDropped?.(reason, this.stats);
  }
}

function assembleSet(set: HeldSet, incomplete: boolean): InboundMessage {
  const seqs = [...set.texts.keys()].sort((a, b) => a - b);
  return {
    from: set.from,
    to: set.to,
    text: seqs.map((s) => set.texts.get(s) ?? '').join(''),
    dataCoding: set.dataCoding,
    parts: incomplete ? seqs.length : set.total,
    incomplete,
  };
}
