import type { RecordVerb } from '../../twiml/index.js';
import { isSilent, SilenceDetector, trimTrailingSilence } from '../media/index.js';
import { NEXT, type Outcome, type VerbExecutor } from './types.js';

type Ending = { why: 'silence' | 'max' | 'aborted' } | { why: 'key'; key: string };

/** Leading silence goes too with trim-silence (Twilio trims both ends); 20 ms windows, keeping 200 ms. */
function trimLeadingSilence(pcm: Int16Array, threshold = 500): Int16Array {
  let start = 0;
  while (start + 160 <= pcm.length && isSilent(pcm.subarray(start, start + 160), threshold)) start += 160;
  return pcm.subarray(Math.max(0, start - 1600));
}

/**
 * <Record>: an optional beep, then the caller's audio until `timeout` seconds of silence, a `finishOnKey`
 * key, `maxLength` or a hangup. The recording is stored (Recordings API) and `action` (by default the
 * current document's URL) gets RecordingUrl, RecordingSid, RecordingDuration and Digits. An empty recording
 * is dropped and the call falls through to the next verb; after a hangup the action is still told, with
 * Digits=hangup, and its answer is not run.
 */
export const executeRecord: VerbExecutor<RecordVerb> = async (verb, ctl) => {
  await ctl.answer();
  if (verb.playBeep) await ctl.leg.beep();
  if (ctl.signal.aborted) return NEXT;
  const startedAt = ctl.now();
  const ending = await new Promise<Ending>((resolve) => {
    let settled = false;
    const finish = (e: Ending): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      offDigit();
      ctl.signal.removeEventListener('abort', onAbort);
      resolve(e);
    };
    const timer = setTimeout(() => finish({ why: 'max' }), verb.maxLength * 1000);
    const onAbort = (): void => finish({ why: 'aborted' });
    ctl.signal.addEventListener('abort', onAbort, { once: true });
    const offDigit = ctl.leg.onDigit((d) => {
      if (verb.finishOnKey.includes(d)) finish({ why: 'key', key: d });
    });
    const detector = verb.timeout > 0 ? new SilenceDetector(() => finish({ why: 'silence' }), { silenceMs: verb.timeout * 1000 }) : null;
    ctl.leg.startRecording(verb.maxLength, (frame, n) => detector?.push(frame, n));
    ctl.leg.listening('record');
  });
  let pcm = await ctl.leg.stopRecording();
  if (verb.trim === 'trim-silence') pcm = trimLeadingSilence(trimTrailingSilence(pcm));
  const hungUp = ending.why === 'aborted' && ctl.signal.reason === 'hangup';
  if (ending.why === 'aborted' && !hungUp) return NEXT; // redirected from outside: the new document decides
  if (pcm.length < 800 || isSilent(pcm)) return hungUp ? { kind: 'hangup' } : NEXT;
  const callback = verb.recordingStatusCallback === null ? null : ctl.resolve(verb.recordingStatusCallback);
  const saved = await ctl.saveRecording(pcm, startedAt, callback === null ? null : { url: callback, method: verb.recordingStatusCallbackMethod });
  // transcribeCallback alone asks for a transcription too, as on Twilio.
  if ((verb.transcribe || verb.transcribeCallback !== null) && ctl.transcribe) {
    const target = verb.transcribeCallback === null ? null : ctl.resolve(verb.transcribeCallback);
    await ctl.transcribe(saved, pcm, target === null ? null : { url: target, method: 'POST' });
  }
  const params: Record<string, string> = {
    RecordingUrl: saved.url,
    RecordingSid: saved.sid,
    RecordingDuration: String(saved.durationSeconds),
    Digits: ending.why === 'key' ? ending.key : hungUp ? 'hangup' : '',
  };
  const url = verb.action !== null ? ctl.resolve(verb.action) : ctl.documentUrl;
  if (hungUp) {
    if (url !== null) await ctl.notify(url, verb.method, params);
    return { kind: 'hangup' };
  }
  return url === null ? NEXT : ({ kind: 'redirect', url, method: verb.method, params } satisfies Outcome);
};
