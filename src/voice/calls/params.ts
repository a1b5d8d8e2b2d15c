/** The parameters Twilio sends with every voice request and status callback. */
import { rfc2822 } from '../../core/dates.js';
import { geoParams } from '../../core/phone/geo.js';
import type { CallRow } from '../../store/repositories/calls.js';

export type CallEvent = 'initiated' | 'ringing' | 'answered' | 'completed';
export const CALL_EVENTS: readonly CallEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

/** CallSid, AccountSid, From, To, Caller, Called, CallStatus, Direction, ApiVersion and the optional ones. */
export function callParams(c: CallRow): Record<string, string> {
  const params: Record<string, string> = {
    CallSid: c.sid,
    AccountSid: c.account_sid,
    From: c.from_number,
    To: c.to_number,
    Caller: c.from_number,
    Called: c.to_number,
    CallStatus: c.status,
    Direction: c.direction,
    ApiVersion: '2010-04-01',
    // As messaging's webhooks carry them (one helper): country from the number, city, state and zip empty.
    ...geoParams({ From: c.from_number, To: c.to_number, Caller: c.from_number, Called: c.to_number }),
  };
  if (c.parent_call_sid) params.ParentCallSid = c.parent_call_sid;
  if (c.forwarded_from) params.ForwardedFrom = c.forwarded_from;
  // Only for numbers with VoiceCallerIdLookup on (null otherwise), empty when the lookup found no name.
  if (c.caller_name !== null) params.CallerName = c.caller_name;
  // Answering machine detection's verdict, on every request once it is known (as on Twilio).
  if (c.answered_by !== null) params.AnsweredBy = c.answered_by;
  return params;
}

/**
 * A status callback's parameters: the call's, plus sequence, timestamp, source and, at the end, durations.
 * The `initiated` event says CallStatus=initiated (the call is being dialed), not the row's `queued`:
 * https://support.twilio.com/hc/en-us/articles/223132267-Tracking-the-Status-of-an-Outbound-Twilio-Voice-Call
 */
export function statusParams(c: CallRow, sequence: number, now: number, event: CallEvent | null = eventFor(c.status)): Record<string, string> {
  const params = callParams(c);
  if (event === 'initiated') params.CallStatus = 'initiated';
  params.CallbackSource = 'call-progress-events';
  params.SequenceNumber = String(sequence);
  params.Timestamp = rfc2822(now) ?? '';
  // The completed event always carries CallDuration: 0 for calls never connected (whose `duration` is empty).
  if (c.duration !== null || event === 'completed') {
    const seconds = c.duration ?? 0;
    params.CallDuration = String(seconds);
    params.Duration = String(Math.ceil(seconds / 60));
  }
  return params;
}

/**
 * The times of a call that never connected (busy, no-answer, failed, canceled), as Twilio's Call schema
 * describes them: `duration` "is empty for busy, failed, unanswered" calls, `end_time` is "empty if the call
 * did not complete successfully", `start_time` is "empty if the call has not yet been dialed".
 */
export function unansweredTimes(dialedAt: number | null): { start_time: number | null; end_time: null; duration: null } {
  return { start_time: dialedAt, end_time: null, duration: null };
}

/** The event a status change reports, if any. */
export function eventFor(status: string): CallEvent | null {
  switch (status) {
    case 'queued':
      return 'initiated';
    case 'ringing':
      return 'ringing';
    case 'in-progress':
      return 'answered';
    case 'completed':
    case 'busy':
    case 'failed':
    case 'no-answer':
    case 'canceled':
      return 'completed';
    default:
      return null;
  }
}

export function isFinal(status: string): boolean {
  return eventFor(status) === 'completed';
}
