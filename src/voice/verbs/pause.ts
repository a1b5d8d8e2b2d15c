import type { PauseVerb } from '../../twiml/index.js';
import type { PlayOutcome } from '../legs/types.js';
import { NEXT, type CallControl, type VerbExecutor } from './types.js';

/** Silence on the line (the media clock keeps sending silence frames, so the peer's jitter buffer is happy). */
export function pauseFor(verb: PauseVerb, ctl: CallControl, interruptible: boolean): Promise<PlayOutcome> {
  if (verb.length <= 0) return Promise.resolve('finished');
  return ctl.leg.silence(verb.length * 1000, interruptible);
}

export const executePause: VerbExecutor<PauseVerb> = async (verb, ctl) => {
  // A <Pause> first in an inbound call's document still answers it: Twilio answers on the first verb.
  await ctl.answer();
  await pauseFor(verb, ctl, false);
  return NEXT;
};
