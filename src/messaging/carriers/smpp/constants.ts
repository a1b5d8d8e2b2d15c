/** SMPP 3.4 numbers: command ids, command_status codes, TLV tags and the fields' size limits. */

export const HEADER_LENGTH = 16;
export const RESPONSE_BIT = 0x80000000;

export const CommandId = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

export type CommandName = keyof typeof CommandId;

export const COMMAND_NAMES: ReadonlyMap<number, CommandName> = new Map(
  (Object.entries(CommandId) as Array<[CommandName, number]>).map(([name, id]) => [id, name]),
);

/** command_status values (SMPP 3.4 §5.1.3) that this code acts on or reports. */
export const Status = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVESMCLASS: 0x43,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RINVOPTPARSTREAM: 0xc0,
  ESME_ROPTPARNOTALLWD: 0xc1,
  ESME_RINVPARLEN: 0xc2,
  ESME_RMISSINGOPTPARAM: 0xc3,
  ESME_RINVOPTPARAMVAL: 0xc4,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
} as const;

const STATUS_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(Status).map(([n, v]) => [v, n]));

export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `0x${status.toString(16).padStart(8, '0')}`;
}

export const Tag = {
  dest_addr_subunit: 0x0005,
  payload_type: 0x0019,
  receipted_message_id: 0x001e,
  user_message_reference: 0x0204,
  source_port: 0x020a,
  destination_port: 0x020b,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  more_messages_to_send: 0x0426,
  message_state: 0x0427,
} as const;

/** message_state values (§5.2.28) as carried in the TLV 0x0427. */
export const MessageState = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
} as const;

/** esm_class bits we set or test. */
export const EsmClass = {
  /** Delivery receipt (SMSC delivery receipt message type). */
  DELIVERY_RECEIPT: 0x04,
  /** Intermediate delivery notification. */
  INTERMEDIATE_NOTIFICATION: 0x20,
  /** short_message starts with a User Data Header. */
  UDHI: 0x40,
} as const;

/** Maximum C-octet string sizes including the terminating NUL (SMPP 3.4 §4). */
export const MaxLength = {
  system_id: 16,
  password: 9,
  system_type: 13,
  address_range: 41,
  service_type: 6,
  address: 21,
  data_sm_address: 65,
  time: 17,
  message_id: 65,
} as const;

/** short_message is at most 254 octets; longer text goes in message_payload. */
export const MAX_SHORT_MESSAGE = 254;

export const INTERFACE_VERSION_34 = 0x34;
