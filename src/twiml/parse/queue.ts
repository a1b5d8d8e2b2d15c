import { method, readAttributes, str, url, type AttrTable, type HttpMethod } from '../attrs.js';
import { textContent } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

/** <Dial><Queue>: take the caller at the front of a queue. */
export interface QueueNoun {
  noun: 'Queue';
  name: string;
  /** TwiML played to the dequeued caller before the bridge. */
  url: string | null;
  method: HttpMethod;
  reservationSid: string | null;
  postWorkActivitySid: string | null;
}

const attributes: AttrTable<Omit<QueueNoun, 'noun' | 'name'>> = {
  url: url(),
  method: method(),
  reservationSid: str(),
  postWorkActivitySid: str(),
};

export function parseQueue(el: XmlElement, ctx: ParseContext): QueueNoun {
  const attrs = readAttributes(el, attributes, ctx);
  const name = textContent(el);
  if (name === '') throw schemaFault('<Queue> needs a queue name');
  return { noun: 'Queue', name, ...attrs };
}
