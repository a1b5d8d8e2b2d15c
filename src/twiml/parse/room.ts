import { readAttributes, str, type AttrTable } from '../attrs.js';
import { textContent } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

/** <Connect><Room>: join the call to a Video room by name. */
export interface RoomNoun {
  noun: 'Room';
  name: string;
  participantIdentity: string | null;
}

const attributes: AttrTable<Pick<RoomNoun, 'participantIdentity'>> = {
  participantIdentity: str(),
};

export function parseRoom(el: XmlElement, ctx: ParseContext): RoomNoun {
  const attrs = readAttributes(el, attributes, ctx);
  const name = textContent(el);
  if (name === '') throw schemaFault('<Room> needs a room name');
  return { noun: 'Room', name, ...attrs };
}
