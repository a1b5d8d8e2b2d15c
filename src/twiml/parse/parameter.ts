import { clip, schemaFault, type ParseContext } from '../fault.js';
import { elementChildren, expectEmpty, unexpectedChild } from '../children.js';
import type { XmlElement } from '../xml.js';

/** <Parameter name value/> (and <Header>, its SIP twin): a key/value passed on to a stream, a client or a callback. */
export interface Parameter {
  name: string;
  value: string;
}

export function parseParameter(el: XmlElement, ctx: ParseContext): Parameter {
  expectEmpty(el);
  const name = el.attributes.get('name');
  if (name === undefined || name.trim() === '') throw schemaFault(`<${el.name}> needs a name attribute`);
  for (const key of el.attributes.keys()) {
    if (key !== 'name' && key !== 'value') ctx.warn(`<${el.name}> attribute "${clip(key)}" is not a known attribute and was ignored`);
  }
  // Values are passed on verbatim: whitespace may be meaningful to the receiving application.
  return { name: name.trim(), value: el.attributes.get('value') ?? '' };
}

/** The children of an element that holds only <Parameter>s (Hangup, Reject, Stream). */
export function parseParameters(el: XmlElement, ctx: ParseContext): Parameter[] {
  return elementChildren(el).map((child) => {
    if (child.name !== 'Parameter') throw unexpectedChild(child, el);
    return parseParameter(child, ctx);
  });
}
