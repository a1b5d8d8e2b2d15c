/**
 * Call events: one row per verb a call ran, with a line saying what it did. The interpreter reports each
 * verb through its host; the row is written in the background so a slow database never delays the call.
 */
import type { Clock } from '../core/clock.js';
import { newOrderedSid } from '../core/sid.js';
import type { CallEventsRepository } from '../store/repositories/call-events.js';
import type { VoiceVerb } from '../twiml/index.js';
import type { Outcome } from './verbs/index.js';

export const DETAIL_MAX = 200;

function clip(text: string): string {
  return text.length <= DETAIL_MAX ? text : `${text.slice(0, DETAIL_MAX - 1)}…`;
}

/** What one verb did, in a line. */
export function describeVerb(verb: VoiceVerb, outcome: Outcome): string {
  switch (verb.verb) {
    case 'Say':
      return clip(verb.text);
    case 'Play':
      return clip(verb.url ?? (verb.digits !== null ? `digits ${verb.digits}` : ''));
    case 'Pause':
      return `${verb.length} s`;
    case 'Gather': {
      const digits = outcome.kind === 'redirect' ? (outcome.params?.Digits ?? '') : '';
      if (digits !== '') return `digits ${digits}`;
      return outcome.kind === 'inline' ? 'digits entered' : 'no input';
    }
    case 'Record':
      return outcome.kind === 'redirect' ? clip(`recorded, then ${outcome.url}`) : 'recorded';
    case 'Redirect':
      return clip(outcome.kind === 'redirect' ? outcome.url : verb.url);
    case 'Hangup':
      return 'hung up by <Hangup>';
    case 'Reject':
      return `rejected: ${verb.reason}`;
    default:
      return '';
  }
}

export type VerbRecorder = (verb: VoiceVerb, outcome: Outcome) => void;

export class CallEvents {
  constructor(
    private readonly repo: CallEventsRepository,
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** A recorder for one call: numbers its verbs and stores each without making the call wait. */
  recorder(callSid: string, accountSid: string): VerbRecorder {
    let seq = 0;
    let writes: Promise<void> = Promise.resolve();
    return (verb, outcome) => {
      const now = this.clock.now();
      const row = {
        sid: newOrderedSid('CE', now),
        call_sid: callSid,
        account_sid: accountSid,
        seq: seq++,
        verb: verb.verb,
        detail: describeVerb(verb, outcome),
        date_created: now,
      };
      writes = writes.then(() => this.repo.insert(row)).catch(this.onError);
    };
  }

  list = (...args: Parameters<CallEventsRepository['listForCall']>) => this.repo.listForCall(...args);
}
