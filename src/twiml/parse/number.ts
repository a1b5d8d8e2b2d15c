import { matching, readAttributes, str, type AttrTable } from '../attrs.js';
import { textContent } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { legCallbackAttributes, machineDetectionAttributes, type LegCallbacks, type MachineDetection } from './leg.js';
import { DTMF_DIGITS } from './play.js';

export interface NumberNoun extends LegCallbacks, MachineDetection {
  noun: 'Number';
  /** As written: E.164 or a national form; normalising it is the dialler's job. */
  number: string;
  /** Digits sent once the call connects (an extension), with w for a half-second wait. */
  sendDigits: string | null;
  byoc: string | null;
}

const attributes: AttrTable<Omit<NumberNoun, 'noun' | 'number'>> = {
  ...legCallbackAttributes,
  ...machineDetectionAttributes,
  sendDigits: matching(DTMF_DIGITS, 'digits 0-9, *, # or w', null),
  byoc: str(),
};

export function parseNumber(el: XmlElement, ctx: ParseContext): NumberNoun {
  const attrs = readAttributes(el, attributes, ctx);
  const number = textContent(el);
  if (number === '') throw schemaFault('<Number> needs a phone number');
  return { noun: 'Number', number, ...attrs };
}

/** <Dial>+15551230000</Dial> is a <Number> with every attribute at its default. */
export function numberFromText(number: string, ctx: ParseContext): NumberNoun {
  const bare: XmlElement = { kind: 'element', name: 'Number', attributes: new Map(), children: [] };
  return { noun: 'Number', number, ...readAttributes(bare, attributes, ctx) };
}
