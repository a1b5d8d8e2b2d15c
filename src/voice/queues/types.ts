/** What <Enqueue> reports (its action's QueueResult), shared by the verb and the queue runtime. */
import type { CallRow } from '../../store/repositories/calls.js';
import type { EnqueueVerb } from '../../twiml/index.js';
import type { DocumentSource, LoadedDocument } from '../interpreter.js';
import type { CallControl } from '../verbs/types.js';

/** Twilio's QueueResult values (twilio.com/docs/voice/twiml/enqueue, "QueueResult values"). */
export type QueueResult = 'bridged' | 'bridging-in-process' | 'queue-full' | 'redirected' | 'leave' | 'hangup' | 'error' | 'system-error';

export interface DequeueTarget {
  url: string;
  method: 'GET' | 'POST';
}

export interface EnqueueResult {
  result: QueueResult;
  /** Only when the call was actually enqueued (as Twilio says). */
  queueSid: string | null;
  /** Seconds in the queue; only when the call was actually enqueued. */
  queueTime: number | null;
  /** The call is over: the caller hung up, or the wait TwiML said <Hangup>. */
  hangup: boolean;
  /** Dequeued through the Members API: the TwiML the call runs next. */
  target: DequeueTarget | null;
}

/** What the calling session gives the queue runtime for one <Enqueue>. */
export interface EnqueueHost {
  readonly call: CallRow;
  readonly verb: EnqueueVerb;
  readonly ctl: CallControl;
  /** Fetches and parses a document as the session does (alerts on failure, null then). */
  load(source: DocumentSource): Promise<LoadedDocument | null>;
}
