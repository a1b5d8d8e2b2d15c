/**
 * Typed SMPP 3.4 PDUs. One discriminated union keyed by `command`; `status` is command_status and
 * `sequence` the sequence_number. Fields are named after the specification in camelCase.
 */

export interface Tlv {
  tag: number;
  value: Buffer;
}

interface Header {
  sequence: number;
  /** command_status; 0 on requests. */
  status: number;
}

export type BindCommand = 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';
export type BindRespCommand = 'bind_transceiver_resp' | 'bind_transmitter_resp' | 'bind_receiver_resp';

export interface BindPdu extends Header {
  command: BindCommand;
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
}

export interface BindRespPdu extends Header {
  command: BindRespCommand;
  systemId: string;
  tlvs: Tlv[];
}

/** The body shared by submit_sm and deliver_sm (identical layouts in 3.4). */
export interface ShortMessageFields {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  shortMessage: Buffer;
  tlvs: Tlv[];
}

export interface SubmitSmPdu extends Header, ShortMessageFields {
  command: 'submit_sm';
}

export interface DeliverSmPdu extends Header, ShortMessageFields {
  command: 'deliver_sm';
}

export interface DataSmPdu extends Header {
  command: 'data_sm';
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  tlvs: Tlv[];
}

export interface MessageIdRespPdu extends Header {
  command: 'submit_sm_resp' | 'deliver_sm_resp' | 'data_sm_resp';
  /** Empty when the peer sent no body (allowed when status is not 0). */
  messageId: string;
  tlvs: Tlv[];
}

export interface EmptyPdu extends Header {
  command: 'enquire_link' | 'enquire_link_resp' | 'unbind' | 'unbind_resp' | 'generic_nack';
}

export type Pdu = BindPdu | BindRespPdu | SubmitSmPdu | DeliverSmPdu | DataSmPdu | MessageIdRespPdu | EmptyPdu;

export type PduCommand = Pdu['command'];

/** Defaults for a submit_sm or deliver_sm body: every field empty or zero. */
export function shortMessageDefaults(): ShortMessageFields {
  return {
    serviceType: '',
    sourceAddrTon: 0,
    sourceAddrNpi: 0,
    sourceAddr: '',
    destAddrTon: 0,
    destAddrNpi: 0,
    destinationAddr: '',
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: Buffer.alloc(0),
    tlvs: [],
  };
}

export function isResponse(pdu: Pdu): boolean {
  return pdu.command.endsWith('_resp') || pdu.command === 'generic_nack';
}
