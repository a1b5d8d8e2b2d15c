/**
 * Encoding choice and segment counting as Twilio reports num_segments. The rules follow Twilio's own
 * calculator (npm `sms-segments-calculator`): GSM-7 when every character is in the default alphabet or
 * its extension table, else UCS-2; 160/70 units for a single message, 153/67 per part once concatenated
 * (6-byte UDH); parts are filled greedily and never split an escape pair, a surrogate pair or (like the
 * calculator) a grapheme cluster such as a flag or a ZWJ emoji sequence.
 */
import { gsm7Cost, isGsm7 } from './gsm7.js';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** Twilio's body limit in characters (error 21617 beyond it). */
export const MAX_BODY_LENGTH = 1600;

export interface EncodingLimits {
  /** Units in a message that fits a single SMS. */
  single: number;
  /** Units per part with an 8-bit reference UDH (6 bytes), the figure Twilio counts with. */
  concat: number;
  /** Units per part with a 16-bit reference UDH (7 bytes). */
  concat16: number;
}

export const LIMITS: Readonly<Record<SmsEncoding, EncodingLimits>> = {
  'GSM-7': { single: 160, concat: 153, concat16: 152 },
  'UCS-2': { single: 70, concat: 67, concat16: 66 },
};

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
  /** 160/70 when the message fits one SMS, else 153/67. */
  unitsPerSegment: number;
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2). */
  units: number;
}

/** The smallest piece that may not be split across parts, with its cost in units. */
export interface Token {
  text: string;
  units: number;
}

// Built once: segmenting is on the send path.
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function chooseEncoding(body: string): SmsEncoding {
  return isGsm7(body) ? 'GSM-7' : 'UCS-2';
}

/** Splits `body` into unsplittable tokens for the given encoding (which must be able to carry it). */
export function tokenize(body: string, encoding: SmsEncoding): Token[] {
  const tokens: Token[] = [];
  if (encoding === 'GSM-7') {
    for (let i = 0; i < body.length; i++) {
      const units = gsm7Cost(body.charCodeAt(i));
      if (units === 0) throw new RangeError('Body contains characters outside GSM-7');
      tokens.push({ text: body[i] ?? '', units });
    }
    return tokens;
  }
  for (const { segment } of graphemeSegmenter.segment(body)) {
    // The calculator treats CRLF as two characters (a part may end between them).
    if (segment === '\r\n') {
      tokens.push({ text: '\r', units: 1 }, { text: '\n', units: 1 });
    } else {
      tokens.push({ text: segment, units: segment.length });
    }
  }
  return tokens;
}

/**
 * Greedy packing: everything in one part when it fits `single`, else parts of at most `concat` units.
 * A token larger than a whole part (a pathological grapheme cluster) is broken at code points.
 */
export function packTokens(tokens: readonly Token[], single: number, concat: number): Token[][] {
  let total = 0;
  for (const t of tokens) total += t.units;
  if (total <= single) return [tokens.slice()];
  const parts: Token[][] = [];
  let current: Token[] = [];
  let used = 0;
  for (const token of tokens) {
    for (const piece of token.units > concat ? splitCodePoints(token) : [token]) {
      if (used + piece.units > concat && current.length > 0) {
        parts.push(current);
        current = [];
        used = 0;
      }
      current.push(piece);
      used += piece.units;
    }
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function splitCodePoints(token: Token): Token[] {
  return Array.from(token.text, (cp) => ({ text: cp, units: cp.length }));
}

export function countSegments(body: string): SegmentCount {
  const encoding = chooseEncoding(body);
  const limits = LIMITS[encoding];
  const tokens = tokenize(body, encoding);
  let units = 0;
  for (const t of tokens) units += t.units;
  const segments = packTokens(tokens, limits.single, limits.concat).length;
  return { encoding, segments, unitsPerSegment: segments > 1 ? limits.concat : limits.single, units };
}
