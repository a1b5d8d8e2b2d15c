import type { GatherPrompt, GatherVerb } from '../../twiml/index.js';
import type { PlayOutcome } from '../legs/types.js';
import { pauseFor } from './pause.js';
import { playAudio } from './play.js';
import { speak } from './say.js';
import { NEXT, type CallControl, type Outcome, type VerbExecutor } from './types.js';

function prompt(p: GatherPrompt, ctl: CallControl): Promise<PlayOutcome> {
  switch (p.verb) {
    case 'Say':
      return speak(p, ctl, true);
    case 'Play':
      return playAudio(p, ctl, true);
    case 'Pause':
      return pauseFor(p, ctl, true);
  }
}

/**
 * <Gather> for DTMF. The nested prompts play until the first key (barge-in); then it waits `timeout`
 * seconds for each next key, ending early on `finishOnKey` or `numDigits`. With input (or with
 * actionOnEmptyResult) it requests `action`, by default the current document's URL, with Digits; with no
 * input the call falls through to the next verb.
 */
export const executeGather: VerbExecutor<GatherVerb> = async (verb, ctl) => {
  await ctl.answer();
  if (verb.input.includes('speech')) {
    await ctl.alert('voiceVerbUnsupported', '<Gather input="speech"> is not supported: Switchboard listens for DTMF only');
  }
  let digits = '';
  let finishedOnKey = '';
  let done = false;
  let wake: (() => void) | null = null;
  const off = ctl.leg.onDigit((d) => {
    if (done) return;
    if (verb.finishOnKey !== '' && d === verb.finishOnKey) {
      finishedOnKey = d;
      done = true;
    } else {
      digits += d;
      if (verb.numDigits !== null && digits.length >= verb.numDigits) done = true;
    }
    wake?.();
  });
  try {
    for (const p of verb.children) {
      if (done || digits !== '' || ctl.signal.aborted) break;
      if ((await prompt(p, ctl)) === 'interrupted') break;
    }
    if (!done) ctl.leg.listening('gather');
    // Each key restarts the timeout: it is the time allowed between keys, as on Twilio.
    while (!done && !ctl.signal.aborted) {
      const keyed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => finish(false), verb.timeout * 1000);
        const onAbort = (): void => finish(false);
        ctl.signal.addEventListener('abort', onAbort, { once: true });
        function finish(value: boolean): void {
          clearTimeout(timer);
          ctl.signal.removeEventListener('abort', onAbort);
          wake = null;
          resolve(value);
        }
        wake = () => finish(true);
      });
      if (!keyed) break;
    }
  } finally {
    off();
  }
  if (ctl.signal.aborted) return NEXT;
  if (digits === '' && !verb.actionOnEmptyResult) return NEXT;
  return actionFor(verb, ctl, digits, finishedOnKey);
};

function actionFor(verb: GatherVerb, ctl: CallControl, digits: string, finishedOnKey: string): Outcome {
  const params: Record<string, string> = { Digits: digits };
  if (finishedOnKey !== '') params.FinishedOnKey = finishedOnKey;
  const url = verb.action !== null ? ctl.resolve(verb.action) : ctl.documentUrl;
  if (url !== null) return { kind: 'redirect', url, method: verb.method, params };
  // Inline TwiML has no URL to post back to: Switchboard's own calls say what follows; others go on.
  if (ctl.onGatherInput !== null && digits !== '') return { kind: 'inline', twiml: ctl.onGatherInput };
  return NEXT;
}
