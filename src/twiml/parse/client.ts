import { readAttributes, type AttrTable } from '../attrs.js';
import { textContent, textOrElements, unexpectedChild } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { legCallbackAttributes, type LegCallbacks } from './leg.js';
import { parseParameter, type Parameter } from './parameter.js';

export interface ClientNoun extends LegCallbacks {
  noun: 'Client';
  /** The registered client's identity, from the text or from <Identity>. */
  identity: string;
  /** Custom parameters handed to the client with the incoming call. */
  parameters: Parameter[];
}

const attributes: AttrTable<LegCallbacks> = legCallbackAttributes;

export function parseClient(el: XmlElement, ctx: ParseContext): ClientNoun {
  const attrs = readAttributes(el, attributes, ctx);
  const { text, elements } = textOrElements(el);
  let identity = text;
  const parameters: Parameter[] = [];
  for (const child of elements) {
    if (child.name === 'Identity' && identity === '') identity = textContent(child);
    else if (child.name === 'Parameter') parameters.push(parseParameter(child, ctx));
    else throw unexpectedChild(child, el);
  }
  if (identity === '') throw schemaFault('<Client> needs an identity');
  return { noun: 'Client', identity, ...attrs, parameters };
}
