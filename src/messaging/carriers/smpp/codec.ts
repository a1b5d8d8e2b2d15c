/**
 * SMPP 3.4 PDU encoder and decoder for one complete frame. Written here rather than using npm `smpp`
 * (unmaintained, labels GSM bytes as IA5 when data_coding is omitted): the wire format is small and
 * owning it lets the session fail every pending submit on close and the decoder refuse bad input with a
 * command_status instead of throwing somewhere inside a socket handler.
 */
import { COMMAND_NAMES, CommandId, HEADER_LENGTH, MAX_SHORT_MESSAGE, MaxLength, Status } from './constants.js';
import type { Pdu, ShortMessageFields, Tlv } from './pdu.js';

/** A frame that cannot be decoded; `status` is what a generic_nack or response should carry. */
export class PduDecodeError extends Error {
  constructor(
    readonly status: number,
    readonly commandId: number,
    readonly sequence: number,
    message: string,
  ) {
    super(message);
    this.name = 'PduDecodeError';
  }
}

class Reader {
  private offset = HEADER_LENGTH;

  constructor(
    private readonly buf: Buffer,
    private readonly commandId: number,
    private readonly sequence: number,
  ) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  fail(status: number, message: string): never {
    throw new PduDecodeError(status, this.commandId, this.sequence, message);
  }

  u8(field: string): number {
    if (this.remaining < 1) this.fail(Status.ESME_RINVCMDLEN, `PDU ends before ${field}`);
    return this.buf[this.offset++] ?? 0;
  }

  /** C-octet string of at most `max` octets including its NUL. */
  cstring(field: string, max: number, status: number = Status.ESME_RINVCMDLEN): string {
    const end = Math.min(this.buf.length, this.offset + max);
    const nul = this.buf.indexOf(0, this.offset);
    if (nul < 0 || nul >= end) this.fail(status, `${field} is not a NUL-terminated string of at most ${max} octets`);
    const s = this.buf.toString('latin1', this.offset, nul);
    this.offset = nul + 1;
    return s;
  }

  octets(field: string, n: number, status: number): Buffer {
    if (this.remaining < n) this.fail(status, `${field} is longer than the PDU`);
    const b = Buffer.from(this.buf.subarray(this.offset, this.offset + n));
    this.offset += n;
    return b;
  }

  tlvs(): Tlv[] {
    const out: Tlv[] = [];
    while (this.remaining > 0) {
      if (this.remaining < 4) this.fail(Status.ESME_RINVOPTPARSTREAM, 'truncated TLV header');
      const tag = this.buf.readUInt16BE(this.offset);
      const len = this.buf.readUInt16BE(this.offset + 2);
      this.offset += 4;
      out.push({ tag, value: this.octets(`TLV 0x${tag.toString(16)}`, len, Status.ESME_RINVOPTPARSTREAM) });
    }
    return out;
  }
}

class Writer {
  private readonly parts: Buffer[] = [];

  u8(v: number): this {
    this.parts.push(Buffer.from([v & 0xff]));
    return this;
  }

  cstring(field: string, v: string, max: number): this {
    const b = Buffer.from(v, 'latin1');
    if (b.length + 1 > max) throw new RangeError(`${field} longer than ${max - 1} octets`);
    if (b.includes(0)) throw new RangeError(`${field} contains NUL`);
    this.parts.push(b, Buffer.alloc(1));
    return this;
  }

  raw(b: Uint8Array): this {
    this.parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    return this;
  }

  tlvs(tlvs: readonly Tlv[]): this {
    for (const t of tlvs) {
      if (t.value.length > 0xffff) throw new RangeError(`TLV 0x${t.tag.toString(16)} longer than 65535 octets`);
      const h = Buffer.alloc(4);
      h.writeUInt16BE(t.tag & 0xffff, 0);
      h.writeUInt16BE(t.value.length, 2);
      this.parts.push(h, t.value);
    }
    return this;
  }

  frame(commandId: number, status: number, sequence: number): Buffer {
    const body = Buffer.concat(this.parts);
    const header = Buffer.alloc(HEADER_LENGTH);
    header.writeUInt32BE(HEADER_LENGTH + body.length, 0);
    header.writeUInt32BE(commandId >>> 0, 4);
    header.writeUInt32BE(status >>> 0, 8);
    header.writeUInt32BE(sequence >>> 0, 12);
    return Buffer.concat([header, body]);
  }
}

/** Encodes a PDU; throws RangeError when a field does not fit its SMPP size. */
export function encodePdu(pdu: Pdu): Buffer {
  const w = new Writer();
  switch (pdu.command) {
    case 'bind_transceiver':
    case 'bind_transmitter':
    case 'bind_receiver':
      w.cstring('system_id', pdu.systemId, MaxLength.system_id)
        .cstring('password', pdu.password, MaxLength.password)
        .cstring('system_type', pdu.systemType, MaxLength.system_type)
        .u8(pdu.interfaceVersion)
        .u8(pdu.addrTon)
        .u8(pdu.addrNpi)
        .cstring('address_range', pdu.addressRange, MaxLength.address_range);
      break;
    case 'bind_transceiver_resp':
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
      w.cstring('system_id', pdu.systemId, MaxLength.system_id).tlvs(pdu.tlvs);
      break;
    case 'submit_sm':
    case 'deliver_sm':
      writeShortMessage(w, pdu);
      break;
    case 'data_sm':
      w.cstring('service_type', pdu.serviceType, MaxLength.service_type)
        .u8(pdu.sourceAddrTon)
        .u8(pdu.sourceAddrNpi)
        .cstring('source_addr', pdu.sourceAddr, MaxLength.data_sm_address)
        .u8(pdu.destAddrTon)
        .u8(pdu.destAddrNpi)
        .cstring('destination_addr', pdu.destinationAddr, MaxLength.data_sm_address)
        .u8(pdu.esmClass)
        .u8(pdu.registeredDelivery)
        .u8(pdu.dataCoding)
        .tlvs(pdu.tlvs);
      break;
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp':
      // An error response carries no body (SMPP 3.4 §4.4.2).
      if (pdu.status === 0 || pdu.messageId !== '') {
        w.cstring('message_id', pdu.messageId, MaxLength.message_id).tlvs(pdu.tlvs);
      }
      break;
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'unbind':
    case 'unbind_resp':
    case 'generic_nack':
      break;
  }
  return w.frame(CommandId[pdu.command], pdu.status, pdu.sequence);
}

function writeShortMessage(w: Writer, f: ShortMessageFields): void {
  if (f.shortMessage.length > MAX_SHORT_MESSAGE) {
    throw new RangeError(`short_message longer than ${MAX_SHORT_MESSAGE} octets: use message_payload`);
  }
  w.cstring('service_type', f.serviceType, MaxLength.service_type)
    .u8(f.sourceAddrTon)
    .u8(f.sourceAddrNpi)
    .cstring('source_addr', f.sourceAddr, MaxLength.address)
    .u8(f.destAddrTon)
    .u8(f.destAddrNpi)
    .cstring('destination_addr', f.destinationAddr, MaxLength.address)
    .u8(f.esmClass)
    .u8(f.protocolId)
    .u8(f.priorityFlag)
    .cstring('schedule_delivery_time', f.scheduleDeliveryTime, MaxLength.time)
    .cstring('validity_period', f.validityPeriod, MaxLength.time)
    .u8(f.registeredDelivery)
    .u8(f.replaceIfPresentFlag)
    .u8(f.dataCoding)
    .u8(f.smDefaultMsgId)
    .u8(f.shortMessage.length)
    .raw(f.shortMessage)
    .tlvs(f.tlvs);
}

/**
 * Decodes one complete frame (header included, length already checked by the stream decoder).
 * Throws PduDecodeError, never anything else, whatever the bytes.
 */
export function decodePdu(frame: Buffer): Pdu {
  if (frame.length < HEADER_LENGTH) throw new PduDecodeError(Status.ESME_RINVCMDLEN, 0, 0, 'frame shorter than header');
  const commandId = frame.readUInt32BE(4);
  const status = frame.readUInt32BE(8);
  const sequence = frame.readUInt32BE(12);
  if (frame.readUInt32BE(0) !== frame.length) {
    throw new PduDecodeError(Status.ESME_RINVCMDLEN, commandId, sequence, 'command_length does not match frame');
  }
  const command = COMMAND_NAMES.get(commandId);
  if (!command) {
    throw new PduDecodeError(Status.ESME_RINVCMDID, commandId, sequence, `unknown command_id 0x${commandId.toString(16)}`);
  }
  const r = new Reader(frame, commandId, sequence);
  const h = { sequence, status };
  switch (command) {
    case 'bind_transceiver':
    case 'bind_transmitter':
    case 'bind_receiver': {
      const pdu = {
        command,
        ...h,
        systemId: r.cstring('system_id', MaxLength.system_id, Status.ESME_RINVSYSID),
        password: r.cstring('password', MaxLength.password, Status.ESME_RINVPASWD),
        systemType: r.cstring('system_type', MaxLength.system_type, Status.ESME_RINVSYSTYP),
        interfaceVersion: r.u8('interface_version'),
        addrTon: r.u8('addr_ton'),
        addrNpi: r.u8('addr_npi'),
        addressRange: r.cstring('address_range', MaxLength.address_range),
      };
      r.tlvs(); // 3.4 defines no TLVs for bind: well-formed ones are read and ignored.
      return pdu;
    }
    case 'bind_transceiver_resp':
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
      if (r.remaining === 0) return { command, ...h, systemId: '', tlvs: [] };
      return { command, ...h, systemId: r.cstring('system_id', MaxLength.system_id), tlvs: r.tlvs() };
    case 'submit_sm':
    case 'deliver_sm':
      return { command, ...h, ...readShortMessage(r) };
    case 'data_sm':
      return {
        command,
        ...h,
        serviceType: r.cstring('service_type', MaxLength.service_type, Status.ESME_RINVSERTYP),
        sourceAddrTon: r.u8('source_addr_ton'),
        sourceAddrNpi: r.u8('source_addr_npi'),
        sourceAddr: r.cstring('source_addr', MaxLength.data_sm_address, Status.ESME_RINVSRCADR),
        destAddrTon: r.u8('dest_addr_ton'),
        destAddrNpi: r.u8('dest_addr_npi'),
        destinationAddr: r.cstring('destination_addr', MaxLength.data_sm_address, Status.ESME_RINVDSTADR),
        esmClass: r.u8('esm_class'),
        registeredDelivery: r.u8('registered_delivery'),
        dataCoding: r.u8('data_coding'),
        tlvs: r.tlvs(),
      };
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp':
      if (r.remaining === 0) return { command, ...h, messageId: '', tlvs: [] };
      return { command, ...h, messageId: r.cstring('message_id', MaxLength.message_id, Status.ESME_RINVMSGID), tlvs: r.tlvs() };
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'unbind':
    case 'unbind_resp':
    case 'generic_nack':
      // Trailing bytes on a header-only PDU are ignored rather than refused.
      return { command, ...h };
  }
}

function readShortMessage(r: Reader): ShortMessageFields {
  const serviceType = r.cstring('service_type', MaxLength.service_type, Status.ESME_RINVSERTYP);
  const sourceAddrTon = r.u8('source_addr_ton');
  const sourceAddrNpi = r.u8('source_addr_npi');
  const sourceAddr = r.cstring('source_addr', MaxLength.address, Status.ESME_RINVSRCADR);
  const destAddrTon = r.u8('dest_addr_ton');
  const destAddrNpi = r.u8('dest_addr_npi');
  const destinationAddr = r.cstring('destination_addr', MaxLength.address, Status.ESME_RINVDSTADR);
  const esmClass = r.u8('esm_class');
  const protocolId = r.u8('protocol_id');
  const priorityFlag = r.u8('priority_flag');
  const scheduleDeliveryTime = r.cstring('schedule_delivery_time', MaxLength.time, Status.ESME_RINVSCHED);
  const validityPeriod = r.cstring('validity_period', MaxLength.time, Status.ESME_RINVEXPIRY);
  const registeredDelivery = r.u8('registered_delivery');
  const replaceIfPresentFlag = r.u8('replace_if_present_flag');
  const dataCoding = r.u8('data_coding');
  const smDefaultMsgId = r.u8('sm_default_msg_id');
  const smLength = r.u8('sm_length');
  if (smLength > MAX_SHORT_MESSAGE) r.fail(Status.ESME_RINVMSGLEN, `sm_length ${smLength} exceeds ${MAX_SHORT_MESSAGE}`);
  const shortMessage = r.octets('short_message', smLength, Status.ESME_RINVMSGLEN);
  return {
    serviceType,
    sourceAddrTon,
    sourceAddrNpi,
    sourceAddr,
    destAddrTon,
    destAddrNpi,
    destinationAddr,
    esmClass,
    protocolId,
    priorityFlag,
    scheduleDeliveryTime,
    validityPeriod,
    registeredDelivery,
    replaceIfPresentFlag,
    dataCoding,
    smDefaultMsgId,
    shortMessage,
    tlvs: r.tlvs(),
  };
}
