import { bool, int, listOf, method, oneOf, readAttributes, str, url, type Attr, type AttrTable, type HttpMethod } from '../attrs.js';
import { textOrElements, unexpectedChild } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { parseClient, type ClientNoun } from './client.js';
import { parseConference, type ConferenceNoun } from './conference.js';
import { numberFromText, parseNumber, type NumberNoun } from './number.js';
import { parseQueue, type QueueNoun } from './queue.js';
import { RECORDING_EVENTS, TRIMS, type RecordingEvent, type Trim } from './record.js';
import { parseSip, type SipNoun } from './sip.js';

export type DialTarget = NumberNoun | SipNoun | ClientNoun | ConferenceNoun | QueueNoun;
export type DialRecord = 'do-not-record' | 'record-from-answer' | 'record-from-ringing' | 'record-from-answer-dual' | 'record-from-ringing-dual';

export const RING_TONES = [
  'at',
  'au',
  'bg',
  'br',
  'be',
  'ch',
  'cl',
  'cn',
  'cz',
  'de',
  'dk',
  'ee',
  'es',
  'fi',
  'fr',
  'gr',
  'hu',
  'il',
  'in',
  'it',
  'lt',
  'jp',
  'mx',
  'my',
  'nl',
  'no',
  'nz',
  'ph',
  'pl',
  'pt',
  'ru',
  'se',
  'sg',
  'th',
  'uk',
  'us',
  'us-old',
  'tw',
  've',
  'za',
] as const;
export type RingTone = (typeof RING_TONES)[number];

export interface DialVerb {
  verb: 'Dial';
  action: string | null;
  method: HttpMethod;
  callerId: string | null;
  /** Seconds to let the other side ring. */
  timeout: number;
  /** Longest call in seconds. */
  timeLimit: number;
  record: DialRecord;
  hangupOnStar: boolean;
  /** Keep the caller in early media (ringing) until the dialled party answers. */
  answerOnBridge: boolean;
  ringTone: RingTone | null;
  recordingStatusCallback: string | null;
  recordingStatusCallbackMethod: HttpMethod;
  recordingStatusCallbackEvent: readonly RecordingEvent[];
  recordingTrack: 'both' | 'inbound' | 'outbound';
  trim: Trim;
  /** Ring the targets one after another instead of all at once. */
  sequential: boolean;
  referUrl: string | null;
  referMethod: HttpMethod;
  events: 'call-progress-event' | null;
  recordingConfigurationId: string | null;
  passports: string | null;
  /** Who to call; <Dial>text</Dial> arrives as one <Number>. Never empty. */
  targets: DialTarget[];
}

const DIAL_RECORD: readonly DialRecord[] = [
  'do-not-record',
  'record-from-answer',
  'record-from-ringing',
  'record-from-answer-dual',
  'record-from-ringing-dual',
];

// Twilio still honours the old boolean form of record on <Dial>.
const dialRecord: Attr<DialRecord> = (() => {
  const named = oneOf(DIAL_RECORD, 'do-not-record');
  return {
    ...named,
    expected: `${named.expected}, true or false`,
    parse: (raw: string) => {
      const legacy = raw.trim().toLowerCase();
      return legacy === 'true' ? 'record-from-answer' : legacy === 'false' ? 'do-not-record' : named.parse(raw);
    },
  };
})();

const attributes: AttrTable<Omit<DialVerb, 'verb' | 'targets'>> = {
  action: url(),
  method: method(),
  callerId: str(),
  timeout: int(30, 1, 600),
  timeLimit: int(14_400, 1, 86_400),
  record: dialRecord,
  hangupOnStar: bool(false),
  answerOnBridge: bool(false),
  ringTone: oneOf(RING_TONES, null),
  recordingStatusCallback: url(),
  recordingStatusCallbackMethod: method(),
  recordingStatusCallbackEvent: listOf(RECORDING_EVENTS, ['completed']),
  recordingTrack: oneOf<'both' | 'inbound' | 'outbound', 'both'>(['both', 'inbound', 'outbound'], 'both'),
  trim: oneOf(TRIMS, 'do-not-trim'),
  sequential: bool(false),
  referUrl: url(),
  referMethod: method(),
  events: oneOf<'call-progress-event', null>(['call-progress-event'], null),
  recordingConfigurationId: str(),
  passports: str(),
};

const NOUNS: ReadonlyMap<string, (el: XmlElement, ctx: ParseContext) => DialTarget> = new Map<string, (el: XmlElement, ctx: ParseContext) => DialTarget>([
  ['Number', parseNumber],
  ['Sip', parseSip],
  ['Client', parseClient],
  ['Conference', parseConference],
  ['Queue', parseQueue],
]);

export function parseDial(el: XmlElement, ctx: ParseContext): DialVerb {
  const attrs = readAttributes(el, attributes, ctx);
  const { text, elements } = textOrElements(el);
  const targets: DialTarget[] =
    text !== ''
      ? [numberFromText(text, ctx)]
      : elements.map((child) => {
          const parse = NOUNS.get(child.name);
          if (!parse) throw unexpectedChild(child, el);
          return parse(child, ctx);
        });
  if (targets.length === 0) throw schemaFault('<Dial> needs a number or a noun to dial');
  return { verb: 'Dial', ...attrs, targets };
}
