/**
 * Carrier outcomes to Twilio message statuses and error codes, per the mapping in notes/sms.md:
 * submit OK -> sent; throttled or timeout -> stay queued and retry; retries exhausted or system error ->
 * failed 30008; invalid destination -> failed 30005; DELIVRD -> delivered; ENROUTE/ACCEPTD -> stay sent;
 * EXPIRED -> undelivered 30003; UNDELIV -> undelivered (unknown subscriber 30005, absent 30003, landline
 * 30006, else 30008); REJECTD -> undelivered 30007. A multipart message is delivered only when every part
 * is; otherwise the worst part wins. Statuses only move forward.
 */
import { codes } from '../../../core/errors.js';
import { Status } from './constants.js';
import type { DeliveryReceipt } from './receipt.js';

export type TwilioMessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface StatusUpdate {
  status: TwilioMessageStatus;
  errorCode: number | null;
}

export type FailureClass = 'unknown_subscriber' | 'absent' | 'landline' | 'other';

/**
 * Default reading of an UNDELIV error code as a GSM MAP error (what network_error_code of type 3
 * carries, and what many SMSCs echo in err:). Carriers differ: sessions can pass their own classifier.
 */
export function classifyGsmMapError(code: number | null): FailureClass {
  switch (code) {
    case 1: // unknownSubscriber
    case 5: // unidentifiedSubscriber
    case 9: // illegalSubscriber
      return 'unknown_subscriber';
    case 6: // absentSubscriberSM
    case 27: // absentSubscriber
    case 31: // subscriberBusyForMT-SMS
      return 'absent';
    case 11: // teleserviceNotProvisioned: no SMS on that line
      return 'landline';
    default:
      return 'other';
  }
}

const UNDELIV_ERROR: Readonly<Record<FailureClass, number>> = {
  unknown_subscriber: codes.unknownHandset,
  absent: codes.unreachableHandset,
  landline: codes.landlineOrUnreachableCarrier,
  other: codes.unknownDeliveryError,
};

export function statusFromReceipt(
  receipt: Pick<DeliveryReceipt, 'stat' | 'err' | 'networkError'>,
  classify: (code: number | null) => FailureClass = classifyGsmMapError,
): StatusUpdate {
  switch (receipt.stat) {
    case 'DELIVRD':
      return { status: 'delivered', errorCode: null };
    case 'ENROUTE':
    case 'ACCEPTD':
    case 'UNKNOWN':
      // Not final: the message stays sent until a final receipt arrives.
      return { status: 'sent', errorCode: null };
    case 'EXPIRED':
      return { status: 'undelivered', errorCode: codes.unreachableHandset };
    case 'REJECTD':
      return { status: 'undelivered', errorCode: codes.messageFiltered };
    case 'UNDELIV':
      return { status: 'undelivered', errorCode: UNDELIV_ERROR[classify(receipt.networkError?.errorCode ?? receipt.err)] };
    case 'DELETED':
      return { status: 'undelivered', errorCode: codes.unknownDeliveryError };
  }
}

/** Final failure of a submit (not retryable, or out of retries): failed 30005 for a bad destination, else 30008. */
export function statusFromSubmitFailure(commandStatus: number | undefined): StatusUpdate {
  const badDestination = commandStatus === Status.ESME_RINVDSTADR || commandStatus === Status.ESME_RINVDSTTON || commandStatus === Status.ESME_RINVDSTNPI;
  return { status: 'failed', errorCode: badDestination ? codes.unknownHandset : codes.unknownDeliveryError };
}

// Worst first: a failure beats anything, then the least progressed part decides.
const RANK: Readonly<Record<TwilioMessageStatus, number>> = {
  failed: 0,
  undelivered: 1,
  queued: 2,
  sending: 3,
  sent: 4,
  delivered: 5,
};

const FINAL = new Set<TwilioMessageStatus>(['delivered', 'undelivered', 'failed']);

/** Whether moving a status from `from` to `to` goes forward (final statuses never change). */
export function isForward(from: TwilioMessageStatus, to: TwilioMessageStatus): boolean {
  if (FINAL.has(from)) return false;
  if (FINAL.has(to)) return true;
  return RANK[to] > RANK[from];
}

/**
 * Status of a multipart message from its parts' statuses: delivered only when every part is; otherwise
 * the worst part (first one, in part order, on a tie) with its error code.
 */
export function aggregateStatus(parts: readonly StatusUpdate[]): StatusUpdate {
  let worst: StatusUpdate | undefined;
  for (const p of parts) {
    if (!worst || RANK[p.status] < RANK[worst.status]) worst = p;
  }
  return worst ?? { status: 'queued', errorCode: null };
}

/** Tracks the parts of one message; each part and the aggregate only move forward. */
export class MultipartStatus {
  private readonly parts: StatusUpdate[];
  private last: StatusUpdate;

  constructor(total: number, initial: TwilioMessageStatus = 'queued') {
    this.parts = Array.from({ length: total }, () => ({ status: initial, errorCode: null }));
    this.last = aggregateStatus(this.parts);
  }

  get current(): StatusUpdate {
    return this.last;
  }

  /** Applies a part's update (1-based seq); returns the new aggregate when it changed, else null. */
  update(seq: number, next: StatusUpdate): StatusUpdate | null {
    const prev = this.parts[seq - 1];
    if (!prev || !isForward(prev.status, next.status)) return null;
    this.parts[seq - 1] = next;
    const agg = aggregateStatus(this.parts);
    if (!isForward(this.last.status, agg.status)) return null;
    this.last = agg;
    return agg;
  }
}
