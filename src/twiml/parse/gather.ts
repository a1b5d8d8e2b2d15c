import { bool, int, language, listOf, matching, method, optInt, readAttributes, str, url, type AttrTable, type HttpMethod } from '../attrs.js';
import { elementChildren, unexpectedChild } from '../children.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { parsePause, type PauseVerb } from './pause.js';
import { parsePlay, type PlayVerb } from './play.js';
import { parseSay, type SayVerb } from './say.js';

export type GatherInput = 'dtmf' | 'speech';
export type GatherPrompt = SayVerb | PlayVerb | PauseVerb;

export interface GatherVerb {
  verb: 'Gather';
  input: readonly GatherInput[];
  /** Where the result goes; null means the current document's URL, as Twilio does. */
  action: string | null;
  method: HttpMethod;
  /** Stop after this many digits; null waits for finishOnKey or the timeout. */
  numDigits: number | null;
  /** One key that ends input, or '' for none. */
  finishOnKey: string;
  /** Seconds of silence before giving up on input. */
  timeout: number;
  /** Seconds of silence that end speech, or 'auto'; Twilio's default is the timeout value, resolved here. */
  speechTimeout: number | 'auto';
  speechModel: string | null;
  /** Phrases to bias recognition, from the comma-separated hints attribute. */
  hints: readonly string[];
  language: string;
  actionOnEmptyResult: boolean;
  partialResultCallback: string | null;
  partialResultCallbackMethod: HttpMethod;
  profanityFilter: boolean;
  enhanced: boolean;
  bargeIn: boolean;
  debug: boolean;
  /** Longest utterance in seconds. */
  maxSpeechTime: number;
  /** Prompts played while listening. */
  children: GatherPrompt[];
}

type GatherAttributes = Omit<GatherVerb, 'verb' | 'speechTimeout' | 'hints' | 'children'> & {
  speechTimeout: string | null;
  hints: string | null;
};

const attributes: AttrTable<GatherAttributes> = {
  input: listOf<GatherInput>(['dtmf', 'speech'], ['dtmf']),
  action: url(),
  method: method(),
  numDigits: optInt(1, 100),
  finishOnKey: matching(/^[0-9*#]?$/, 'one of 0-9, *, # or empty', '#'),
  timeout: int(5, 0, 3_600),
  speechTimeout: matching(/^(auto|\d{1,5})$/, 'a whole number of seconds or auto', null),
  speechModel: str(),
  hints: str(),
  language: language('en-US'),
  actionOnEmptyResult: bool(false),
  partialResultCallback: url(),
  partialResultCallbackMethod: method(),
  profanityFilter: bool(true),
  enhanced: bool(false),
  bargeIn: bool(true),
  debug: bool(false),
  maxSpeechTime: int(60, 1, 3_600),
};

const PROMPTS: ReadonlyMap<string, (el: XmlElement, ctx: ParseContext) => GatherPrompt> = new Map<string, (el: XmlElement, ctx: ParseContext) => GatherPrompt>([
  ['Say', parseSay],
  ['Play', parsePlay],
  ['Pause', parsePause],
]);

export function parseGather(el: XmlElement, ctx: ParseContext): GatherVerb {
  const { speechTimeout, hints, ...attrs } = readAttributes(el, attributes, ctx);
  const children = elementChildren(el).map((child) => {
    const parse = PROMPTS.get(child.name);
    if (!parse) throw unexpectedChild(child, el);
    return parse(child, ctx);
  });
  return {
    verb: 'Gather',
    ...attrs,
    speechTimeout: speechTimeout === null ? attrs.timeout : speechTimeout === 'auto' ? 'auto' : Number(speechTimeout),
    hints:
      hints === null
        ? []
        : hints
            .split(',')
            .map((h) => h.trim())
            .filter((h) => h !== ''),
    children,
  };
}
