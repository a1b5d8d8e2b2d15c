/**
 * GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1) with its extension table reached through the escape
 * septet 0x1B. Encoding yields septets one per byte ("unpacked", what SMPP carries with data_coding 0);
 * packSeptets/unpackSeptets convert to and from the 7-bit packed air-interface form.
 */

export const GSM7_ESCAPE = 0x1b;

// Index = septet value. 0x1B is the escape and maps to no character of its own.
const BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

// Extension table (after 0x1B): septet -> character.
const EXTENSION_TABLE: ReadonlyArray<readonly [number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

const BASIC_BY_CHAR = new Map<number, number>();
for (let i = 0; i < BASIC_TABLE.length; i++) {
  if (i !== GSM7_ESCAPE) BASIC_BY_CHAR.set(BASIC_TABLE.charCodeAt(i), i);
}
const EXT_BY_CHAR = new Map<number, number>();
const EXT_BY_SEPTET = new Map<number, string>();
for (const [septet, ch] of EXTENSION_TABLE) {
  EXT_BY_CHAR.set(ch.charCodeAt(0), septet);
  EXT_BY_SEPTET.set(septet, ch);
}

if (BASIC_TABLE.length !== 128) throw new Error('GSM-7 basic table must have 128 entries');

/** Septets one UTF-16 code unit costs in GSM-7: 1 (basic), 2 (extension) or 0 when it is not GSM-7. */
export function gsm7Cost(codeUnit: number): 0 | 1 | 2 {
  if (BASIC_BY_CHAR.has(codeUnit)) return 1;
  if (EXT_BY_CHAR.has(codeUnit)) return 2;
  return 0;
}

export function isGsm7Char(ch: string): boolean {
  return ch.length === 1 && gsm7Cost(ch.charCodeAt(0)) !== 0;
}

/** True when every character of `text` is in the default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (gsm7Cost(text.charCodeAt(i)) === 0) return false;
  }
  return true;
}

/** Number of septets `text` needs (extension characters count 2); throws on a non GSM-7 character. */
export function gsm7Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = gsm7Cost(text.charCodeAt(i));
    if (c === 0) throw new RangeError(`Character U+${hex4(text.charCodeAt(i))} is not in the GSM-7 alphabet`);
    n += c;
  }
  return n;
}

/** Encodes to unpacked septets (one per byte, values 0..127). Throws on a non GSM-7 character. */
export function encodeGsm7(text: string): Buffer {
  const out = Buffer.alloc(gsm7Length(text));
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const basic = BASIC_BY_CHAR.get(code);
    if (basic !== undefined) {
      out[o++] = basic;
    } else {
      out[o++] = GSM7_ESCAPE;
      out[o++] = EXT_BY_CHAR.get(code) ?? 0;
    }
  }
  return out;
}

/**
 * Decodes unpacked septets. Per TS 23.038 an escape followed by a code with no extension character shows
 * the basic character of that code; a trailing lone escape is dropped. The high bit of each byte is ignored.
 */
export function decodeGsm7(septets: Uint8Array): string {
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const s = (septets[i] ?? 0) & 0x7f;
    if (s !== GSM7_ESCAPE) {
      out += BASIC_TABLE[s];
      continue;
    }
    if (i + 1 >= septets.length) break;
    const next = (septets[++i] ?? 0) & 0x7f;
    // A double escape would select another national table we do not support: show a space.
    out += EXT_BY_SEPTET.get(next) ?? (next === GSM7_ESCAPE ? ' ' : BASIC_TABLE[next]);
  }
  return out;
}

/**
 * Packs septets LSB first into octets. `fillBits` (0..6) leaves that many zero bits first, which is how
 * septets are aligned after a User Data Header on the air interface.
 */
export function packSeptets(septets: Uint8Array, fillBits = 0): Buffer {
  const out = Buffer.alloc(Math.ceil((fillBits + septets.length * 7) / 8));
  for (let i = 0; i < septets.length; i++) {
    const value = (septets[i] ?? 0) & 0x7f;
    const bit = fillBits + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte] = (out[byte] ?? 0) | ((value << shift) & 0xff);
    if (shift > 1) out[byte + 1] = (out[byte + 1] ?? 0) | (value >> (8 - shift));
  }
  return out;
}

/** Inverse of packSeptets: reads `count` septets after `fillBits` leading bits. */
export function unpackSeptets(packed: Uint8Array, count: number, fillBits = 0): Buffer {
  const max = Math.floor((packed.length * 8 - fillBits) / 7);
  const n = Math.max(0, Math.min(count, max));
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    const bit = fillBits + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    const lo = (packed[byte] ?? 0) >> shift;
    const hi = shift > 1 ? (packed[byte + 1] ?? 0) << (8 - shift) : 0;
    out[i] = (lo | hi) & 0x7f;
  }
  return out;
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
