/** Builders and readers for SMPP optional parameters (TLVs). Readers return undefined on a bad length. */
import type { Tlv } from './pdu.js';

export const tlv = {
  u8: (tag: number, value: number): Tlv => ({ tag, value: Buffer.from([value & 0xff]) }),
  u16: (tag: number, value: number): Tlv => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(value & 0xffff);
    return { tag, value: b };
  },
  cstring: (tag: number, value: string): Tlv => ({ tag, value: Buffer.from(`${value}\0`, 'latin1') }),
  octets: (tag: number, value: Uint8Array): Tlv => ({ tag, value: Buffer.from(value) }),
};

export function findTlv(tlvs: readonly Tlv[], tag: number): Buffer | undefined {
  for (const t of tlvs) if (t.tag === tag) return t.value;
  return undefined;
}

export function tlvU8(tlvs: readonly Tlv[], tag: number): number | undefined {
  const v = findTlv(tlvs, tag);
  return v && v.length === 1 ? v[0] : undefined;
}

export function tlvU16(tlvs: readonly Tlv[], tag: number): number | undefined {
  const v = findTlv(tlvs, tag);
  return v && v.length === 2 ? v.readUInt16BE(0) : undefined;
}

/** C-octet string TLV; tolerates a missing terminator, which some SMSCs omit. */
export function tlvCString(tlvs: readonly Tlv[], tag: number): string | undefined {
  const v = findTlv(tlvs, tag);
  if (!v) return undefined;
  const nul = v.indexOf(0);
  return v.subarray(0, nul < 0 ? v.length : nul).toString('latin1');
}

export interface NetworkErrorCode {
  /** 1 ANSI-136, 2 IS-95, 3 GSM, 4 ANSI-41. */
  networkType: number;
  errorCode: number;
}

/** network_error_code (0x0423): one octet network type then a two-octet error code. */
export function tlvNetworkError(tlvs: readonly Tlv[], tag: number): NetworkErrorCode | undefined {
  const v = findTlv(tlvs, tag);
  if (!v || v.length !== 3) return undefined;
  return { networkType: v[0] ?? 0, errorCode: v.readUInt16BE(1) };
}
