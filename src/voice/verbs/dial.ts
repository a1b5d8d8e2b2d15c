import type { DialVerb } from '../../twiml/index.js';
import { NEXT, type Outcome, type VerbExecutor } from './types.js';

/**
 * <Dial>: the caller is answered (unless answerOnBridge), the nouns ring and the first to answer is bridged
 * (voice/dial/run.ts). Then `action` gets DialCallStatus, DialCallSid, DialCallDuration and DialBridged, and
 * RecordingUrl, RecordingSid and RecordingDuration when the bridge was recorded;
 * without action the document goes on with the next verb. A caller who hung up still has the action told
 * (its answer is not run); a caller redirected through the API goes straight to the new document.
 */
export const executeDial: VerbExecutor<DialVerb> = async (verb, ctl) => {
  if (!ctl.dial) {
    await ctl.alert('voiceVerbUnsupported', '<Dial> cannot place calls here; the call was ended');
    return { kind: 'hangup' };
  }
  if (!verb.answerOnBridge) await ctl.answer();
  const result = await ctl.dial(verb);
  if (result.unsupported) return { kind: 'hangup' }; // the alerts name the nouns, as before <Dial> ran
  const hungUp = ctl.signal.aborted && ctl.signal.reason === 'hangup';
  if (ctl.signal.aborted && !hungUp) return NEXT;
  const params: Record<string, string> = { DialCallStatus: result.status, DialBridged: String(result.bridged) };
  if (result.callSid !== null) params.DialCallSid = result.callSid;
  if (result.durationSeconds !== null) params.DialCallDuration = String(result.durationSeconds);
  if (result.recording) {
    params.RecordingUrl = result.recording.url;
    params.RecordingSid = result.recording.sid;
    params.RecordingDuration = String(result.recording.durationSeconds);
  }
  const url = verb.action === null ? null : ctl.resolve(verb.action);
  if (hungUp) {
    if (url !== null) await ctl.notify(url, verb.method, params);
    return { kind: 'hangup' };
  }
  return url === null ? NEXT : ({ kind: 'redirect', url, method: verb.method, params } satisfies Outcome);
};
