import { bool, int, listOf, method, oneOf, readAttributes, str, url, type AttrTable, type HttpMethod } from '../attrs.js';
import { textContent } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { RECORDING_EVENTS, TRIMS, type RecordingEvent, type Trim } from './record.js';

export type ConferenceEvent = 'start' | 'end' | 'join' | 'leave' | 'mute' | 'hold' | 'modify' | 'speaker' | 'announcement';
export type ConferenceBeep = 'true' | 'false' | 'onEnter' | 'onExit';

export interface ConferenceNoun {
  noun: 'Conference';
  /** The room name; callers with the same name on one account meet. */
  name: string;
  muted: boolean;
  beep: ConferenceBeep;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** Hold music while waiting; null means Twilio's default hold music. */
  waitUrl: string | null;
  waitMethod: HttpMethod;
  maxParticipants: number;
  record: 'do-not-record' | 'record-from-start';
  region: string | null;
  /** Call SID of the participant this caller coaches. */
  coach: string | null;
  trim: Trim;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvent: readonly ConferenceEvent[];
  recordingStatusCallback: string | null;
  recordingStatusCallbackMethod: HttpMethod;
  recordingStatusCallbackEvent: readonly RecordingEvent[];
  eventCallbackUrl: string | null;
  jitterBufferSize: 'large' | 'medium' | 'small' | 'off';
  participantLabel: string | null;
  recordingConfigurationId: string | null;
}

const attributes: AttrTable<Omit<ConferenceNoun, 'noun' | 'name'>> = {
  muted: bool(false),
  beep: oneOf<ConferenceBeep, ConferenceBeep>(['true', 'false', 'onEnter', 'onExit'], 'true'),
  startConferenceOnEnter: bool(true),
  endConferenceOnExit: bool(false),
  waitUrl: url(),
  waitMethod: method(),
  maxParticipants: int(250, 2, 250),
  record: oneOf<'do-not-record' | 'record-from-start', 'do-not-record'>(['do-not-record', 'record-from-start'], 'do-not-record'),
  region: oneOf(['us1', 'us2', 'ie1', 'sg1', 'br1', 'au1', 'jp1', 'de1'], null),
  coach: str(),
  trim: oneOf(TRIMS, 'trim-silence'),
  statusCallback: url(),
  statusCallbackMethod: method(),
  statusCallbackEvent: listOf<ConferenceEvent>(['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'speaker', 'announcement'], []),
  recordingStatusCallback: url(),
  recordingStatusCallbackMethod: method(),
  recordingStatusCallbackEvent: listOf(RECORDING_EVENTS, ['completed']),
  eventCallbackUrl: url(),
  jitterBufferSize: oneOf<'large' | 'medium' | 'small' | 'off', 'large'>(['large', 'medium', 'small', 'off'], 'large'),
  participantLabel: str(),
  recordingConfigurationId: str(),
};

export function parseConference(el: XmlElement, ctx: ParseContext): ConferenceNoun {
  const attrs = readAttributes(el, attributes, ctx);
  const name = textContent(el);
  if (name === '') throw schemaFault('<Conference> needs a room name');
  return { noun: 'Conference', name, ...attrs };
}
