/**
 * G.711 mu-law (PCMU) and A-law (PCMA), done with tables built once at load (CCITT reference algorithms,
 * as in Sun's g711.c): a 64 KiB table per encoder and 256 entries per decoder, so the per-packet work is
 * one lookup per sample and no allocation.
 */
export type G711Codec = 'PCMU' | 'PCMA';

export const PAYLOAD_TYPE: Record<G711Codec, number> = { PCMU: 0, PCMA: 8 };
/** Encoded silence (linear 0) for each law. */
export const SILENCE_BYTE: Record<G711Codec, number> = { PCMU: 0xff, PCMA: 0xd5 };

const SEG_UEND = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const SEG_AEND = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segment(value: number, table: number[]): number {
  for (let i = 0; i < table.length; i++) if (value <= (table[i] ?? 0)) return i;
  return table.length;
}

function linearToUlawSlow(sample: number): number {
  let pcm = sample >> 2;
  let mask: number;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7f;
  } else mask = 0xff;
  if (pcm > 8159) pcm = 8159;
  pcm += 0x84 >> 2;
  const seg = segment(pcm, SEG_UEND);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((pcm >> (seg + 1)) & 0xf)) ^ mask;
}

function ulawToLinearSlow(u: number): number {
  const v = ~u & 0xff;
  let t = ((v & 0x0f) << 3) + 0x84;
  t <<= (v & 0x70) >> 4;
  return v & 0x80 ? 0x84 - t : t - 0x84;
}

function linearToAlawSlow(sample: number): number {
  let pcm = sample >> 3;
  let mask: number;
  if (pcm >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const seg = segment(pcm, SEG_AEND);
  if (seg >= 8) return 0x7f ^ mask;
  let a = seg << 4;
  a |= seg < 2 ? (pcm >> 1) & 0xf : (pcm >> seg) & 0xf;
  return a ^ mask;
}

function alawToLinearSlow(a: number): number {
  const v = a ^ 0x55;
  let t = (v & 0x0f) << 4;
  const seg = (v & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return v & 0x80 ? t : -t;
}

export const ULAW_TO_LINEAR = new Int16Array(256);
export const ALAW_TO_LINEAR = new Int16Array(256);
/** Indexed by the 16-bit sample as unsigned (`sample & 0xffff`). */
export const LINEAR_TO_ULAW = new Uint8Array(65536);
export const LINEAR_TO_ALAW = new Uint8Array(65536);
export const ULAW_TO_ALAW = new Uint8Array(256);
export const ALAW_TO_ULAW = new Uint8Array(256);

for (let i = 0; i < 256; i++) {
  ULAW_TO_LINEAR[i] = ulawToLinearSlow(i);
  ALAW_TO_LINEAR[i] = alawToLinearSlow(i);
}
for (let i = 0; i < 65536; i++) {
  const s = (i << 16) >> 16;
  LINEAR_TO_ULAW[i] = linearToUlawSlow(s);
  LINEAR_TO_ALAW[i] = linearToAlawSlow(s);
}
for (let i = 0; i < 256; i++) {
  ULAW_TO_ALAW[i] = LINEAR_TO_ALAW[(ULAW_TO_LINEAR[i] ?? 0) & 0xffff] ?? 0;
  ALAW_TO_ULAW[i] = LINEAR_TO_ULAW[(ALAW_TO_LINEAR[i] ?? 0) & 0xffff] ?? 0;
}

export function decodeTable(codec: G711Codec): Int16Array {
  return codec === 'PCMU' ? ULAW_TO_LINEAR : ALAW_TO_LINEAR;
}

export function encodeTable(codec: G711Codec): Uint8Array {
  return codec === 'PCMU' ? LINEAR_TO_ULAW : LINEAR_TO_ALAW;
}

/** Encodes `count` samples from `pcm[from]` into `out[offset]`. No allocation. */
export function encodeInto(codec: G711Codec, pcm: Int16Array, from: number, count: number, out: Uint8Array, offset: number): void {
  const table = encodeTable(codec);
  for (let i = 0; i < count; i++) out[offset + i] = table[(pcm[from + i] ?? 0) & 0xffff] ?? 0;
}

/** Decodes `count` bytes from `data[from]` into `out[offset]`. No allocation. */
export function decodeInto(codec: G711Codec, data: Uint8Array, from: number, count: number, out: Int16Array, offset: number): void {
  const table = decodeTable(codec);
  for (let i = 0; i < count; i++) out[offset + i] = table[data[from + i] ?? 0] ?? 0;
}

export function encodePcm(codec: G711Codec, pcm: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(pcm.length);
  encodeInto(codec, pcm, 0, pcm.length, out, 0);
  return out;
}

export function decodeToPcm(codec: G711Codec, data: Uint8Array): Int16Array {
  const out = new Int16Array(data.length);
  decodeInto(codec, data, 0, data.length, out, 0);
  return out;
}
