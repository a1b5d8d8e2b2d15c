import type { RejectVerb } from '../../twiml/index.js';
import type { VerbExecutor } from './types.js';

/**
 * Refuses an inbound call without answering it: busy ends it as `busy` (SIP 486), rejected as `no-answer`
 * (SIP 603), as Twilio reports them. Once a call is answered there is nothing to refuse: it hangs up.
 */
export const executeReject: VerbExecutor<RejectVerb> = async (verb, ctl) => (ctl.answered ? { kind: 'hangup' } : { kind: 'reject', reason: verb.reason });
