import type { HangupVerb } from '../../twiml/index.js';
import type { VerbExecutor } from './types.js';

/** Ends the call. An inbound call not answered yet is answered first, as Twilio does: it ends `completed`. */
export const executeHangup: VerbExecutor<HangupVerb> = async (_verb, ctl) => {
  await ctl.answer();
  return { kind: 'hangup' };
};
