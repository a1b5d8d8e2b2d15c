import { bool, int, listOf, matching, method, oneOf, readAttributes, str, url, type AttrTable, type HttpMethod } from '../attrs.js';
import { expectEmpty } from '../children.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

export type RecordingEvent = 'in-progress' | 'completed' | 'absent';
export type Trim = 'trim-silence' | 'do-not-trim';

export const RECORDING_EVENTS: readonly RecordingEvent[] = ['in-progress', 'completed', 'absent'];
export const TRIMS: readonly Trim[] = ['trim-silence', 'do-not-trim'];

export interface RecordVerb {
  verb: 'Record';
  action: string | null;
  method: HttpMethod;
  /** Seconds of silence that end the recording; 0 disables the silence timeout. */
  timeout: number;
  /** Any of these keys ends the recording; '' for none. */
  finishOnKey: string;
  /** Longest recording in seconds. */
  maxLength: number;
  playBeep: boolean;
  trim: Trim;
  recordingStatusCallback: string | null;
  recordingStatusCallbackMethod: HttpMethod;
  recordingStatusCallbackEvent: readonly RecordingEvent[];
  transcribe: boolean;
  transcribeCallback: string | null;
  recordingConfigurationId: string | null;
}

const attributes: AttrTable<Omit<RecordVerb, 'verb'>> = {
  action: url(),
  method: method(),
  timeout: int(5, 0, 3_600),
  finishOnKey: matching(/^[0-9*#]*$/, 'keys from 0-9, *, #', '1234567890*#'),
  maxLength: int(3_600, 1, 86_400),
  playBeep: bool(true),
  trim: oneOf(TRIMS, 'trim-silence'),
  recordingStatusCallback: url(),
  recordingStatusCallbackMethod: method(),
  recordingStatusCallbackEvent: listOf(RECORDING_EVENTS, ['completed']),
  transcribe: bool(false),
  transcribeCallback: url(),
  recordingConfigurationId: str(),
};

export function parseRecord(el: XmlElement, ctx: ParseContext): RecordVerb {
  expectEmpty(el);
  return { verb: 'Record', ...readAttributes(el, attributes, ctx) };
}
