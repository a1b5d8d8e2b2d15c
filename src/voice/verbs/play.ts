import type { PlayVerb } from '../../twiml/index.js';
import { LegAudioError, type PlayOutcome } from '../legs/types.js';
import { NEXT, type CallControl, type VerbExecutor } from './types.js';

/**
 * Plays a <Play>: DTMF digits when `digits` is set, otherwise the audio at the URL (relative URLs resolve
 * against the document). Audio that cannot be fetched or decoded raises Twilio's alert and the call goes on
 * with the next verb, as Twilio does.
 */
export async function playAudio(verb: PlayVerb, ctl: CallControl, interruptible: boolean): Promise<PlayOutcome> {
  if (verb.digits !== null) {
    await ctl.leg.sendDigits(verb.digits);
    return 'finished';
  }
  if (verb.url === null) return 'finished';
  const url = ctl.resolve(verb.url);
  if (url === null) {
    await ctl.alert('voiceAudioFetchFailed', `"${verb.url}" is relative and this document has no URL to resolve it against`);
    return 'finished';
  }
  try {
    return await ctl.leg.play(url, { loop: verb.loop, interruptible });
  } catch (err) {
    if (!(err instanceof LegAudioError)) throw err;
    await ctl.alert(err.kind === 'format' ? 'voiceAudioUnsupported' : 'voiceAudioFetchFailed', err.message, url);
    return 'finished';
  }
}

export const executePlay: VerbExecutor<PlayVerb> = async (verb, ctl) => {
  await ctl.answer();
  await playAudio(verb, ctl, false);
  return NEXT;
};
