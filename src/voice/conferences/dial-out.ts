/**
 * Participants API create: dials out and puts whoever answers in the conference. The call is an ordinary
 * outbound API call whose TwiML is <Dial><Conference> with the request's settings, so the conference side
 * (wait, beeps, callbacks, end) is the very path a caller takes.
 */
import type { HttpMethod } from '../../twiml/index.js';

export interface DialOutSettings {
  label?: string | undefined;
  muted?: boolean | undefined;
  beep?: string | undefined;
  startConferenceOnEnter?: boolean | undefined;
  endConferenceOnExit?: boolean | undefined;
  waitUrl?: string | undefined;
  waitMethod?: HttpMethod | undefined;
  maxParticipants?: number | undefined;
  record?: boolean | undefined;
  trim?: string | undefined;
  statusCallback?: string | undefined;
  statusCallbackMethod?: HttpMethod | undefined;
  statusCallbackEvent?: string[] | undefined;
  recordingStatusCallback?: string | undefined;
  recordingStatusCallbackMethod?: HttpMethod | undefined;
  recordingStatusCallbackEvent?: string[] | undefined;
  coach?: string | undefined;
  jitterBufferSize?: string | undefined;
  region?: string | undefined;
  timeLimit?: number | undefined;
}

const esc = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The TwiML the dialled participant runs: <Dial><Conference> with these settings. */
export function conferenceTwiml(name: string, s: DialOutSettings): string {
  const attrs: Array<[string, string | undefined]> = [
    ['participantLabel', s.label],
    ['muted', s.muted?.toString()],
    ['beep', s.beep],
    ['startConferenceOnEnter', s.startConferenceOnEnter?.toString()],
    ['endConferenceOnExit', s.endConferenceOnExit?.toString()],
    ['waitUrl', s.waitUrl],
    ['waitMethod', s.waitMethod],
    ['maxParticipants', s.maxParticipants?.toString()],
    ['record', s.record ? 'record-from-start' : undefined],
    ['trim', s.trim],
    ['statusCallback', s.statusCallback],
    ['statusCallbackMethod', s.statusCallbackMethod],
    ['statusCallbackEvent', s.statusCallbackEvent?.join(' ')],
    ['recordingStatusCallback', s.recordingStatusCallback],
    ['recordingStatusCallbackMethod', s.recordingStatusCallbackMethod],
    ['recordingStatusCallbackEvent', s.recordingStatusCallbackEvent?.join(' ')],
    ['coach', s.coach],
    ['jitterBufferSize', s.jitterBufferSize],
    ['region', s.region],
  ];
  const list = attrs.filter((a): a is [string, string] => a[1] !== undefined && a[1] !== '').map(([k, v]) => ` ${k}="${esc(v)}"`);
  const dial = s.timeLimit !== undefined ? ` timeLimit="${s.timeLimit}"` : '';
  return `<Response><Dial${dial}><Conference${list.join('')}>${esc(name)}</Conference></Dial></Response>`;
}
