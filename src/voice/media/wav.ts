/**
 * WAV (RIFF) read and write. Writes 8 kHz mono PCM16, mu-law or A-law. Reads PCM 8/16-bit, mu-law and
 * A-law at any rate and channel count (WAVE_FORMAT_EXTENSIBLE included), mixes to mono and resamples to
 * 8 kHz. Streams from tools such as `espeak-ng --stdout` carry placeholder sizes, so lengths are clamped
 * to what is actually there.
 */
import { ALAW_TO_LINEAR, encodePcm, ULAW_TO_LINEAR } from './g711.js';
import { resampleTo8k } from './resample.js';

export type WavFormat = 'pcm16' | 'mulaw' | 'alaw';

export class WavError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavError';
  }
}

export interface WavInfo {
  sampleRate: number;
  channels: number;
  /** 1 PCM, 6 A-law, 7 mu-law (after resolving WAVE_FORMAT_EXTENSIBLE). */
  formatTag: number;
  bitsPerSample: number;
  /** Samples per channel. */
  frames: number;
}

export interface DecodedWav {
  info: WavInfo;
  /** Mono PCM16 at the file's own rate. */
  pcm: Int16Array;
}

export function readWav(buf: Buffer): DecodedWav {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavError('not a RIFF/WAVE file');
  }
  let offset = 12;
  let fmt: { tag: number; channels: number; rate: number; bits: number } | null = null;
  let data: Buffer | null = null;
  for (let guard = 0; offset + 8 <= buf.length && guard < 1000; guard++) {
    const id = buf.toString('ascii', offset, offset + 4);
    const declared = buf.readUInt32LE(offset + 4);
    const start = offset + 8;
    const size = Math.min(declared, buf.length - start);
    if (id === 'fmt ') {
      if (size < 16) throw new WavError('fmt chunk too short');
      let tag = buf.readUInt16LE(start);
      if (tag === 0xfffe && size >= 26) tag = buf.readUInt16LE(start + 24); // extensible: sub-format GUID
      fmt = { tag, channels: buf.readUInt16LE(start + 2), rate: buf.readUInt32LE(start + 4), bits: buf.readUInt16LE(start + 14) };
    } else if (id === 'data') {
      data = buf.subarray(start, start + size);
      if (fmt) break;
    }
    offset = start + size + (size & 1);
  }
  if (!fmt) throw new WavError('missing fmt chunk');
  if (!data) throw new WavError('missing data chunk');
  const { tag, channels, rate, bits } = fmt;
  if (channels < 1 || channels > 8 || rate < 1000 || rate > 192000) throw new WavError('unsupported channel count or rate');
  const bytes = tag === 1 ? bits / 8 : 1;
  if (!((tag === 1 && (bits === 16 || bits === 8)) || ((tag === 6 || tag === 7) && bits === 8))) {
    throw new WavError(`unsupported WAV encoding (format ${tag}, ${bits} bits)`);
  }
  const frames = Math.floor(data.length / (bytes * channels));
  const pcm = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const at = (f * channels + c) * bytes;
      if (tag === 1) sum += bits === 16 ? data.readInt16LE(at) : ((data[at] ?? 128) - 128) << 8;
      else if (tag === 7) sum += ULAW_TO_LINEAR[data[at] ?? 0xff] ?? 0;
      else sum += ALAW_TO_LINEAR[data[at] ?? 0xd5] ?? 0;
    }
    pcm[f] = Math.round(sum / channels);
  }
  return { info: { sampleRate: rate, channels, formatTag: tag, bitsPerSample: bits, frames }, pcm };
}

/** Any supported WAV to 8 kHz mono PCM16. */
export function wavToPcm8k(buf: Buffer): Int16Array {
  const { info, pcm } = readWav(buf);
  return resampleTo8k(pcm, info.sampleRate);
}

/** 8 kHz WAV in the given encoding; `channels` > 1 takes interleaved samples (a dual-channel recording). */
export function writeWav(pcm: Int16Array, format: WavFormat = 'pcm16', sampleRate = 8000, channels = 1): Buffer {
  const law = format !== 'pcm16';
  const payload = law ? encodePcm(format === 'mulaw' ? 'PCMU' : 'PCMA', pcm) : Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const bits = law ? 8 : 16;
  const fmtSize = law ? 18 : 16; // non-PCM formats carry cbSize
  const factSize = law ? 12 : 0;
  const header = Buffer.alloc(12 + 8 + fmtSize + factSize + 8);
  let o = 0;
  header.write('RIFF', o);
  o += 4;
  header.writeUInt32LE(header.length - 8 + payload.length + (payload.length & 1), o);
  o += 4;
  header.write('WAVE', o);
  o += 4;
  header.write('fmt ', o);
  o += 4;
  header.writeUInt32LE(fmtSize, o);
  o += 4;
  header.writeUInt16LE(format === 'pcm16' ? 1 : format === 'alaw' ? 6 : 7, o);
  o += 2;
  header.writeUInt16LE(channels, o);
  o += 2;
  header.writeUInt32LE(sampleRate, o);
  o += 4;
  header.writeUInt32LE((sampleRate * bits * channels) / 8, o);
  o += 4;
  header.writeUInt16LE((bits / 8) * channels, o);
  o += 2;
  header.writeUInt16LE(bits, o);
  o += 2;
  if (law) {
    header.writeUInt16LE(0, o);
    o += 2;
    header.write('fact', o);
    o += 4;
    header.writeUInt32LE(4, o);
    o += 4;
    header.writeUInt32LE(pcm.length / channels, o);
    o += 4;
  }
  header.write('data', o);
  o += 4;
  header.writeUInt32LE(payload.length, o);
  const parts = [header, payload];
  if (payload.length & 1) parts.push(Buffer.alloc(1));
  return Buffer.concat(parts);
}
