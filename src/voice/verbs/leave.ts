import type { LeaveVerb } from '../../twiml/index.js';
import { NEXT, type VerbExecutor } from './types.js';

/**
 * <Leave> takes a caller out of its queue; it acts only in a queue's waitUrl TwiML (voice/queues/wait.ts).
 * In an ordinary document the call is in no queue, so there is nothing to leave and it goes on.
 */
export const executeLeave: VerbExecutor<LeaveVerb> = async () => NEXT;
