import { method, readAttributes, url, type AttrTable, type HttpMethod } from '../attrs.js';
import { elementChildren, unexpectedChild } from '../children.js';
import { documentFault, schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { parseRoom, type RoomNoun } from './room.js';
import { parseStream, type StreamNoun } from './stream.js';

export interface ConnectVerb {
  verb: 'Connect';
  /** Where to go when the connection ends; without it the call continues with the next verb. */
  action: string | null;
  method: HttpMethod;
  /** Exactly one noun. */
  target: StreamNoun | RoomNoun;
}

const attributes: AttrTable<Pick<ConnectVerb, 'action' | 'method'>> = {
  action: url(),
  method: method(),
};

export function parseConnect(el: XmlElement, ctx: ParseContext): ConnectVerb {
  const attrs = readAttributes(el, attributes, ctx);
  const targets = elementChildren(el).map((child) => {
    if (child.name === 'Stream') {
      const stream = parseStream(child, ctx);
      if (stream.url === null) throw schemaFault('<Connect><Stream> needs a url');
      return stream;
    }
    if (child.name === 'Room') return parseRoom(child, ctx);
    throw unexpectedChild(child, el);
  });
  const [target] = targets;
  if (target === undefined) throw schemaFault('<Connect> needs a <Stream> or a <Room>');
  if (targets.length > 1) throw documentFault('<Connect> takes exactly one noun');
  return { verb: 'Connect', ...attrs, target };
}
