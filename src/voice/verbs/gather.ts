import type { GatherPrompt, GatherVerb } from '../../twiml/index.js';
import type { PlayOutcome } from '../legs/types.js';
import { SpeechListener } from './gather-speech.js';
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
 * <Gather>: DTMF, speech (input="speech", gather-speech.ts) or both. The nested prompts play until the first
 * key, or with bargeIn until the caller starts speaking; then it waits `timeout` seconds for each next key
 * or for speech to start, ending early on `finishOnKey` or `numDigits`; speech ends after `speechTimeout`
 * seconds of silence (auto: one second). With input (or with actionOnEmptyResult) it requests `action`, by
 * default the current document's URL, with Digits, or SpeechResult and Confidence; with no input the call
 * falls through to the next verb. Whichever comes first wins: a key before speech makes it a DTMF Gather.
 */
export const executeGather: VerbExecutor<GatherVerb> = async (verb, ctl) => {
  await ctl.answer();
  const dtmf = verb.input.includes('dtmf');
  let digits = '';
  let finishedOnKey = '';
  let done = false;
  let wake: (() => void) | null = null;
  const speech = verb.input.includes('speech')
    ? await SpeechListener.open(verb, ctl, () => {
        if (digits !== '') return;
        if (verb.bargeIn) ctl.leg.stopAudio();
        wake?.();
      })
    : null;
  // Speech only, and nothing can hear it: Twilio's fall-through on no input.
  if (!dtmf && speech === null) return verb.actionOnEmptyResult ? actionFor(verb, ctl, { Digits: '' }, false) : NEXT;
  const off = dtmf
    ? ctl.leg.onDigit((d) => {
        if (done || speech?.speaking) return;
        if (verb.finishOnKey !== '' && d === verb.finishOnKey) {
          finishedOnKey = d;
          done = true;
        } else {
          digits += d;
          if (verb.numDigits !== null && digits.length >= verb.numDigits) done = true;
        }
        speech?.stop();
        wake?.();
      })
    : () => undefined;
  try {
    if (verb.bargeIn) speech?.listen();
    for (const p of verb.children) {
      if (done || digits !== '' || speech?.speaking || ctl.signal.aborted) break;
      if ((await prompt(p, ctl)) === 'interrupted') break;
    }
    if (digits === '') speech?.listen();
    if (!done) ctl.leg.listening('gather');
    // Each key restarts the timeout: it is the time allowed between keys, as on Twilio.
    while (!done && !ctl.signal.aborted && !speech?.speaking) {
      const woken = await new Promise<boolean>((resolve) => {
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
      if (!woken) break;
    }
  } finally {
    off();
  }
  if (speech !== null && digits === '' && finishedOnKey === '') {
    const heard = await speech.result();
    if (ctl.signal.aborted) return NEXT;
    if (heard.kind === 'result') return actionFor(verb, ctl, { SpeechResult: heard.text, Confidence: String(heard.confidence) }, true);
  }
  speech?.stop();
  if (ctl.signal.aborted) return NEXT;
  if (digits === '' && !verb.actionOnEmptyResult) return NEXT;
  const params: Record<string, string> = { Digits: digits };
  if (finishedOnKey !== '') params.FinishedOnKey = finishedOnKey;
  return actionFor(verb, ctl, params, digits !== '');
};

function actionFor(verb: GatherVerb, ctl: CallControl, params: Record<string, string>, gotInput: boolean): Outcome {
  const url = verb.action !== null ? ctl.resolve(verb.action) : ctl.documentUrl;
  if (url !== null) return { kind: 'redirect', url, method: verb.method, params };
  // Inline TwiML has no URL to post back to: Switchboard's own calls say what follows; others go on.
  if (ctl.onGatherInput !== null && gotInput) return { kind: 'inline', twiml: ctl.onGatherInput };
  return NEXT;
}
