/**
 * UCS-2 as carriers actually use it: UTF-16 big-endian, so characters outside the BMP travel as surrogate
 * pairs (2 units). data_coding 8 in SMPP.
 */

export function encodeUcs2(text: string): Buffer {
  // Node has no UTF-16BE codec: encode little-endian and swap each pair in place.
  return Buffer.from(text, 'utf16le').swap16();
}

/** Decodes UTF-16BE; an odd trailing byte (a truncated unit) is dropped rather than guessed. */
export function decodeUcs2(bytes: Uint8Array): string {
  const even = bytes.length - (bytes.length % 2);
  const copy = Buffer.from(bytes.subarray(0, even));
  return copy.swap16().toString('utf16le');
}

/** UTF-16 code units of `text` (a surrogate pair counts 2), i.e. UCS-2 units on the wire. */
export function ucs2Length(text: string): number {
  return text.length;
}
