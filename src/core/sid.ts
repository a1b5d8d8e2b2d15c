import { randomBytes } from 'node:crypto';

/** Two-letter prefixes of the SIDs Switchboard issues, as Twilio spells them. */
export const SID_PREFIXES = {
  account: 'AC',
  key: 'SK',
  phoneNumber: 'PN',
  application: 'AP',
  message: 'SM',
  mms: 'MM',
  media: 'ME',
  call: 'CA',
  recording: 'RE',
  transcription: 'TR',
  messagingService: 'MG',
  verifyService: 'VA',
  verification: 'VE',
  verificationAttempt: 'VL',
  room: 'RM',
  participant: 'PA',
  track: 'MT',
  videoRecording: 'RT',
  webhookRequest: 'WR',
  alert: 'NO',
  carrier: 'CR',
  request: 'RQ',
  virtualPhoneMessage: 'VP',
  callEvent: 'CE',
  queue: 'QU',
  /** A queue member's place in line (ordered; internal, never shown). */
  queueTicket: 'QT',
  stream: 'MZ',
  conference: 'CF',
} as const;

export type SidKind = keyof typeof SID_PREFIXES;
export type SidPrefix = (typeof SID_PREFIXES)[SidKind];

/** A SID carries its kind in the type system so an AccountSid cannot be passed where a MessageSid is wanted. */
export type Sid<P extends string> = string & { readonly __sid: P };
export type AccountSid = Sid<'AC'>;
export type KeySid = Sid<'SK'>;
export type PhoneNumberSid = Sid<'PN'>;
export type ApplicationSid = Sid<'AP'>;
export type MessageSid = Sid<'SM'> | Sid<'MM'>;
export type MediaSid = Sid<'ME'>;
export type CallSid = Sid<'CA'>;
export type RecordingSid = Sid<'RE'>;
export type TranscriptionSid = Sid<'TR'>;
export type StreamSid = Sid<'MZ'>;
export type MessagingServiceSid = Sid<'MG'>;
export type VerifyServiceSid = Sid<'VA'>;
export type VerificationSid = Sid<'VE'>;
export type RoomSid = Sid<'RM'>;
export type ParticipantSid = Sid<'PA'>;
export type TrackSid = Sid<'MT'>;
export type VideoRecordingSid = Sid<'RT'>;
export type WebhookRequestSid = Sid<'WR'>;
export type AlertSid = Sid<'NO'>;
export type QueueSid = Sid<'QU'>;

const SID_PATTERN = /^[A-Z]{2}[0-9a-f]{32}$/;

// Random hex is drawn from a pooled buffer: one randomBytes call per 256 SIDs instead of one each (the
// per-call cost of the CSPRNG binding, not the bytes, dominated a busy message path).
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const hex = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}

export function newSid<P extends SidPrefix>(prefix: P): Sid<P> {
  return (prefix + randomHex(16)) as Sid<P>;
}

let lastMs = 0;
let counter = 0;

/**
 * A SID whose hex sorts in creation order (48-bit milliseconds, a 16-bit counter, 64 random bits), for
 * records listed newest-first by (date_created, sid) where many are made in the same millisecond.
 */
export function newOrderedSid<P extends SidPrefix>(prefix: P, nowMs: number = Date.now()): Sid<P> {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = 0;
  } else counter = (counter + 1) & 0xffff;
  const head = lastMs.toString(16).padStart(12, '0').slice(-12) + counter.toString(16).padStart(4, '0');
  return (prefix + head + randomHex(8)) as Sid<P>;
}

/** Narrows an untrusted string (a URL segment, a form field) to a SID of one prefix. */
export function isSid<P extends SidPrefix>(value: unknown, prefix: P): value is Sid<P> {
  return typeof value === 'string' && value.startsWith(prefix) && SID_PATTERN.test(value);
}

export function asSid<P extends SidPrefix>(value: string, prefix: P): Sid<P> | undefined {
  return isSid(value, prefix) ? value : undefined;
}
