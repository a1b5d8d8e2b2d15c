/** SMS text encoding: GSM-7 and UCS-2 codecs, Twilio-compatible segment counting, carrier splitting. */
export { GSM7_ESCAPE, decodeGsm7, encodeGsm7, gsm7Cost, gsm7Length, isGsm7, isGsm7Char, packSeptets, unpackSeptets } from './gsm7.js';
export { decodeUcs2, encodeUcs2, ucs2Length } from './ucs2.js';
export { LIMITS, MAX_BODY_LENGTH, chooseEncoding, countSegments, packTokens, tokenize } from './segments.js';
export type { EncodingLimits, SegmentCount, SmsEncoding, Token } from './segments.js';
export { ConcatRefAllocator, concatUdh, splitForCarrier } from './split.js';
export type { CarrierPart, CarrierSplit, SplitOptions, UdhReference } from './split.js';
export { SMART_ENCODING_MAP, smartEncode, transliterate } from './smart.js';
