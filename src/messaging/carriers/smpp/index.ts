/**
 * SMPP 3.4 carrier: our own PDU codec, an ESME session (TCP/TLS, transceiver or transmitter+receiver,
 * window, timeouts, keep-alive, reconnect, throttling), sendMessage, delivery receipts and MO.
 * See docs/smpp.md.
 */
export { CommandId, EsmClass, MessageState, Status, Tag, statusName } from './constants.js';
export { PduDecodeError, decodePdu, encodePdu } from './codec.js';
export { DEFAULT_MAX_COMMAND_LENGTH, PduFramer } from './framer.js';
export type { FramerOutput, FramingError } from './framer.js';
export { SmppConnection, SmppRequestError } from './connection.js';
export type { ConnectionHandlers, OutgoingRequest, RequestFailure } from './connection.js';
export { shortMessageDefaults } from './pdu.js';
export type { BindPdu, DataSmPdu, DeliverSmPdu, Pdu, ShortMessageFields, SubmitSmPdu, Tlv } from './pdu.js';
export { findTlv, tlv, tlvCString, tlvNetworkError, tlvU16, tlvU8 } from './tlv.js';
export { SmppSession } from './session.js';
export type { SessionEvent, SessionReceipt, SmppSessionOptions, SubmitParams } from './session.js';
export type { SubmitFailureReason, SubmitResult } from './submit-window.js';
export type { LinkState } from './link.js';
export type { BackoffOptions } from './backoff.js';
export { addressFor, prepareMessage, relativeTime, sendMessage, submitParts } from './send.js';
export type { PreparedMessage, SendMessageParams, SendMessageResult, Submitter } from './send.js';
export { isReceipt, normalizeMessageId, parseReceiptText, receiptFromPdu } from './receipt.js';
export type { DeliveryReceipt, MessageIdFormat, ReceiptStat } from './receipt.js';
export { MultipartStatus, aggregateStatus, classifyGsmMapError, statusFromReceipt, statusFromSubmitFailure } from './status.js';
export type { FailureClass, StatusUpdate, TwilioMessageStatus } from './status.js';
export { ConcatReassembler, decodeInbound, decodeText } from './inbound.js';
export type { DefaultAlphabet, InboundMessage, InboundPart } from './inbound.js';
