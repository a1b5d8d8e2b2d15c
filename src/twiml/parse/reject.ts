import { oneOf, readAttributes, type AttrTable } from '../attrs.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { parseParameters, type Parameter } from './parameter.js';

export type RejectReason = 'rejected' | 'busy';

export interface RejectVerb {
  verb: 'Reject';
  /** rejected plays Twilio's "not in service" tone; busy plays a busy signal. */
  reason: RejectReason;
  parameters: Parameter[];
}

const attributes: AttrTable<Pick<RejectVerb, 'reason'>> = {
  reason: oneOf<RejectReason, RejectReason>(['rejected', 'busy'], 'rejected'),
};

export function parseReject(el: XmlElement, ctx: ParseContext): RejectVerb {
  return { verb: 'Reject', ...readAttributes(el, attributes, ctx), parameters: parseParameters(el, ctx) };
}
