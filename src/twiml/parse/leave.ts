import { readAttributes } from '../attrs.js';
import { expectEmpty } from '../children.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

/** Leaves the queue the caller is in; the call continues after the <Enqueue> that put it there. */
export interface LeaveVerb {
  verb: 'Leave';
}

export function parseLeave(el: XmlElement, ctx: ParseContext): LeaveVerb {
  expectEmpty(el);
  readAttributes(el, {}, ctx); // no attributes: any present is warned about
  return { verb: 'Leave' };
}
