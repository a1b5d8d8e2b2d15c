import { readAttributes } from '../attrs.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { parseParameters, type Parameter } from './parameter.js';

export interface HangupVerb {
  verb: 'Hangup';
  /** Custom parameters Twilio adds to the call's status callback. */
  parameters: Parameter[];
}

export function parseHangup(el: XmlElement, ctx: ParseContext): HangupVerb {
  readAttributes(el, {}, ctx); // no attributes: any present is warned about
  return { verb: 'Hangup', parameters: parseParameters(el, ctx) };
}
