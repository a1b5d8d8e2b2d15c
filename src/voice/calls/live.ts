import type { CallRow } from '../../store/repositories/calls.js';
import type { DocumentSource } from '../interpreter.js';
import type { CallRecordings } from '../recordings/call-recording.js';
import type { CallStreams } from '../streams/call-streams.js';

/**
 * A call this node runs, as the Calls API sees it: a call running TwiML (CallSession) or a leg a <Dial>
 * placed (dial/child.ts). Fetch reads `current`; updates redirect or end it.
 */
export interface LiveCall {
  readonly current: CallRow;
  readonly ended: boolean;
  /** Settles once the final status is stored. */
  readonly done: Promise<void>;
  /** Runs new TwiML at once; throws an API error when this kind of call cannot be redirected. */
  redirect(source: DocumentSource): void;
  /** Status=completed hangs up; Status=canceled only ends a call that is not answered yet. */
  end(status: 'completed' | 'canceled'): Promise<void>;
  /** The call's Media Streams (the Streams API); null when it cannot have any (not answered, no media). */
  mediaStreams?(): CallStreams | null;
  /** The call's API recordings; null when it cannot record (not answered, ended, no media). */
  callRecordings?(): CallRecordings | null;
}
