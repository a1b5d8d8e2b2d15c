/**
 * Delivery receipts: a deliver_sm (or data_sm) with `esm_class & 0x04`. Fields come from the TLVs when
 * present (receipted_message_id, message_state, network_error_code) and from the conventional text
 * `id:... sub:... dlvrd:... submit date:... done date:... stat:... err:... text:...` otherwise.
 */
import { EsmClass, MessageState, Tag } from './constants.js';
import type { DataSmPdu, DeliverSmPdu } from './pdu.js';
import { findTlv, tlvCString, tlvNetworkError, tlvU8 } from './tlv.js';
import type { NetworkErrorCode } from './tlv.js';

export type ReceiptStat = 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD' | 'ENROUTE';

export interface DeliveryReceipt {
  /** Carrier message id as found (TLV preferred); see normalizeMessageId to match submit ids. */
  messageId: string;
  idSource: 'tlv' | 'text';
  stat: ReceiptStat;
  /** The text's err: field as a number, when numeric. */
  err: number | null;
  networkError: NetworkErrorCode | null;
  submitDate: string | null;
  doneDate: string | null;
  sub: string | null;
  dlvrd: string | null;
  text: string | null;
  /** Receipt source and destination: the handset and our sender, as the SMSC put them. */
  from: string;
  to: string;
}

const STAT_BY_STATE: Readonly<Record<number, ReceiptStat>> = {
  [MessageState.ENROUTE]: 'ENROUTE',
  [MessageState.DELIVERED]: 'DELIVRD',
  [MessageState.EXPIRED]: 'EXPIRED',
  [MessageState.DELETED]: 'DELETED',
  [MessageState.UNDELIVERABLE]: 'UNDELIV',
  [MessageState.ACCEPTED]: 'ACCEPTD',
  [MessageState.UNKNOWN]: 'UNKNOWN',
  [MessageState.REJECTED]: 'REJECTD',
};

// Long spellings some SMSCs write instead of the seven-letter forms.
const STAT_ALIASES: Readonly<Record<string, ReceiptStat>> = {
  DELIVRD: 'DELIVRD',
  DELIVERED: 'DELIVRD',
  EXPIRED: 'EXPIRED',
  DELETED: 'DELETED',
  UNDELIV: 'UNDELIV',
  UNDELIVERABLE: 'UNDELIV',
  UNDELIVERED: 'UNDELIV',
  ACCEPTD: 'ACCEPTD',
  ACCEPTED: 'ACCEPTD',
  UNKNOWN: 'UNKNOWN',
  REJECTD: 'REJECTD',
  REJECTED: 'REJECTD',
  ENROUTE: 'ENROUTE',
};

export interface ReceiptTextFields {
  id: string | null;
  sub: string | null;
  dlvrd: string | null;
  submitDate: string | null;
  doneDate: string | null;
  stat: ReceiptStat | null;
  err: string | null;
  text: string | null;
}

/** Parses the receipt text; tolerant of case, missing fields and user text that looks like fields. */
export function parseReceiptText(input: string): ReceiptTextFields {
  // Keys are read only before `text:` so a message body cannot forge them.
  const textAt = input.search(/\btext:/i);
  const head = textAt < 0 ? input : input.slice(0, textAt);
  const field = (re: RegExp): string | null => re.exec(head)?.[1] ?? null;
  const stat = field(/\bstat:\s*([A-Za-z_]+)/i);
  return {
    id: field(/\bid:\s*([^\s]+)/i),
    sub: field(/\bsub:\s*([^\s]+)/i),
    dlvrd: field(/\bdlvrd:\s*([^\s]+)/i),
    submitDate: field(/\bsubmit date:\s*(\d+)/i),
    doneDate: field(/\bdone date:\s*(\d+)/i),
    stat: stat ? (STAT_ALIASES[stat.toUpperCase()] ?? null) : null,
    err: field(/\berr:\s*([^\s]+)/i),
    text: textAt < 0 ? null : input.slice(textAt + 5),
  };
}

export function isReceipt(pdu: DeliverSmPdu | DataSmPdu): boolean {
  return (pdu.esmClass & EsmClass.DELIVERY_RECEIPT) !== 0 || (pdu.esmClass & 0x3c) === EsmClass.INTERMEDIATE_NOTIFICATION;
}

/** Extracts a receipt, or null when the PDU is not one or carries neither an id nor a state. */
export function receiptFromPdu(pdu: DeliverSmPdu | DataSmPdu): DeliveryReceipt | null {
  if (!isReceipt(pdu)) return null;
  const body = pdu.command === 'deliver_sm' && pdu.shortMessage.length > 0 ? pdu.shortMessage : findTlv(pdu.tlvs, Tag.message_payload);
  const fields = parseReceiptText(body ? body.toString('latin1') : '');
  const tlvId = tlvCString(pdu.tlvs, Tag.receipted_message_id);
  const state = tlvU8(pdu.tlvs, Tag.message_state);
  const stat = (state !== undefined ? STAT_BY_STATE[state] : undefined) ?? fields.stat;
  const messageId = tlvId || fields.id;
  if (!messageId || !stat) return null;
  const errNum = fields.err !== null && /^\d+$/.test(fields.err) ? Number.parseInt(fields.err, 10) : null;
  return {
    messageId,
    idSource: tlvId ? 'tlv' : 'text',
    stat,
    err: errNum,
    networkError: tlvNetworkError(pdu.tlvs, Tag.network_error_code) ?? null,
    submitDate: fields.submitDate,
    doneDate: fields.doneDate,
    sub: fields.sub,
    dlvrd: fields.dlvrd,
    text: fields.text,
    from: pdu.sourceAddr,
    to: pdu.destinationAddr,
  };
}

/**
 * How an SMSC writes message ids: as returned (`string`), or as a hex or decimal number. Many SMSCs
 * return a hex id in submit_sm_resp and the same number in decimal in the receipt text (Kannel's
 * msg-id-type covers the same cases).
 */
export type MessageIdFormat = 'string' | 'hex' | 'decimal';

/**
 * Rewrites `id` written in format `from` into format `to`, so that receipt ids and submit ids compare
 * equal. Numbers lose leading zeros and hex is lower case; an id that is not a number in `from` is
 * returned trimmed and unchanged.
 */
export function normalizeMessageId(id: string, from: MessageIdFormat, to: MessageIdFormat): string {
  const trimmed = id.trim();
  if (from === 'string') return trimmed;
  const value = parseId(trimmed, from);
  if (value === null) return trimmed;
  const target = to === 'string' ? from : to;
  return value.toString(target === 'hex' ? 16 : 10);
}

function parseId(id: string, format: 'hex' | 'decimal'): bigint | null {
  const valid = format === 'hex' ? /^(0x)?[0-9a-f]{1,64}$/i : /^\d{1,80}$/;
  if (!valid.test(id)) return null;
  return BigInt(format === 'hex' && !id.toLowerCase().startsWith('0x') ? `0x${id}` : id);
}
