import type { SayVerb } from '../../twiml/index.js';
import { LegAudioError, type PlayOutcome } from '../legs/types.js';
import { NEXT, type CallControl, type VerbExecutor } from './types.js';

/** Speaks a <Say>; inside <Gather> the first digit cuts it short. A TTS failure is an alert, not a crash. */
export async function speak(verb: SayVerb, ctl: CallControl, interruptible: boolean): Promise<PlayOutcome> {
  if (verb.text === '') return 'finished';
  try {
    return await ctl.leg.say(verb.text, verb.voice, verb.language, { loop: verb.loop, interruptible });
  } catch (err) {
    if (!(err instanceof LegAudioError)) throw err;
    await ctl.alert('voiceSayFailed', err.message);
    return 'finished';
  }
}

export const executeSay: VerbExecutor<SayVerb> = async (verb, ctl) => {
  await ctl.answer();
  await speak(verb, ctl, false);
  return NEXT;
};
