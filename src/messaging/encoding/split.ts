/**
 * Splitting a body into the parts a carrier receives: each part's User Data Header (concatenation IE,
 * 3GPP TS 23.040 §9.2.3.24.1 and .8) and its encoded payload. Part boundaries are the ones countSegments
 * uses, so with 8-bit references the number of parts equals Twilio's num_segments.
 */
import { encodeGsm7, packSeptets } from './gsm7.js';
import { LIMITS, chooseEncoding, packTokens, tokenize } from './segments.js';
import type { SmsEncoding } from './segments.js';
import { encodeUcs2 } from './ucs2.js';

export type UdhReference = '8bit' | '16bit';

/**
 * Hands out concatenation reference numbers. Starts at a random point so that two processes (or a
 * restart) are unlikely to reuse a reference the handset is still assembling.
 */
export class ConcatRefAllocator {
  private ref8: number;
  private ref16: number;

  constructor(random: () => number = Math.random) {
    this.ref8 = Math.floor(random() * 256) & 0xff;
    this.ref16 = Math.floor(random() * 65536) & 0xffff;
  }

  next(kind: UdhReference): number {
    if (kind === '8bit') {
      this.ref8 = (this.ref8 + 1) & 0xff;
      return this.ref8;
    }
    this.ref16 = (this.ref16 + 1) & 0xffff;
    return this.ref16;
  }
}

const defaultAllocator = new ConcatRefAllocator();

export interface SplitOptions {
  /** Concatenation IE: 8-bit reference (6-byte UDH, Twilio's count) or 16-bit (7 bytes). Default 8bit. */
  udh?: UdhReference;
  /** Force an encoding; GSM-7 throws when the body has characters outside it. Default chooseEncoding. */
  encoding?: SmsEncoding;
  /** GSM-7 payload as one septet per byte (SMPP's usual form) or 7-bit packed. Default unpacked. */
  gsmPacking?: 'unpacked' | 'packed';
  /** Where reference numbers come from; a process-wide allocator by default. */
  refs?: ConcatRefAllocator;
}

export interface CarrierPart {
  /** 1-based position. */
  seq: number;
  text: string;
  /** Septets or UTF-16 units of this part. */
  units: number;
  /** Empty for a single-part message. */
  udh: Buffer;
  /** Encoded text only (without the UDH). For packed GSM-7 after a UDH it starts with the fill bits. */
  payload: Buffer;
}

export interface CarrierSplit {
  encoding: SmsEncoding;
  /** SMPP data_coding: 0 GSM-7 default alphabet, 8 UCS-2. */
  dataCoding: 0 | 8;
  /** Concatenation reference, or null for a single part. */
  ref: number | null;
  udhKind: UdhReference;
  parts: CarrierPart[];
}

export function concatUdh(kind: UdhReference, ref: number, total: number, seq: number): Buffer {
  if (kind === '8bit') return Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, seq]);
  return Buffer.from([0x06, 0x08, 0x04, (ref >> 8) & 0xff, ref & 0xff, total, seq]);
}

export function splitForCarrier(body: string, options: SplitOptions = {}): CarrierSplit {
  const udhKind = options.udh ?? '8bit';
  const encoding = options.encoding ?? chooseEncoding(body);
  const limits = LIMITS[encoding];
  const concat = udhKind === '8bit' ? limits.concat : limits.concat16;
  const groups = packTokens(tokenize(body, encoding), limits.single, concat);
  if (groups.length > 255) throw new RangeError(`Body needs ${groups.length} parts; at most 255 fit a UDH`);
  const multi = groups.length > 1;
  const ref = multi ? (options.refs ?? defaultAllocator).next(udhKind) : null;
  const parts = groups.map((tokens, i): CarrierPart => {
    const text = tokens.map((t) => t.text).join('');
    const units = tokens.reduce((n, t) => n + t.units, 0);
    const udh = ref === null ? Buffer.alloc(0) : concatUdh(udhKind, ref, groups.length, i + 1);
    return { seq: i + 1, text, units, udh, payload: encodePayload(text, encoding, udh.length, options.gsmPacking) };
  });
  return { encoding, dataCoding: encoding === 'GSM-7' ? 0 : 8, ref, udhKind, parts };
}

function encodePayload(text: string, encoding: SmsEncoding, udhLength: number, packing?: 'unpacked' | 'packed'): Buffer {
  if (encoding === 'UCS-2') return encodeUcs2(text);
  const septets = encodeGsm7(text);
  if (packing !== 'packed') return septets;
  // Septets after a UDH start on a septet boundary counted from the start of the user data.
  const fillBits = (7 - ((udhLength * 8) % 7)) % 7;
  return packSeptets(septets, fillBits);
}
