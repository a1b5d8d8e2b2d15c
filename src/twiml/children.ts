import { clip, documentFault, schemaFault, type TwimlFault } from './fault.js';
import { KNOWN_ELEMENTS } from './names.js';
import type { XmlElement } from './xml.js';

/** The fault for a child element its parent does not take: misplaced if we know the name, unknown otherwise. */
export function unexpectedChild(child: XmlElement, parent: XmlElement): TwimlFault {
  return KNOWN_ELEMENTS.has(child.name)
    ? documentFault(`<${clip(child.name)}> is not allowed inside <${parent.name}>`)
    : schemaFault(`<${clip(child.name)}> inside <${parent.name}> is not a verb or noun Switchboard supports`);
}

/** Text of an element that holds only text (a URL, a number, a message body), trimmed. */
export function textContent(el: XmlElement): string {
  let text = '';
  for (const child of el.children) {
    if (child.kind === 'element') throw unexpectedChild(child, el);
    text += child.text;
  }
  return text.trim();
}

/** The element children of an element that holds only elements; whitespace between them is layout. */
export function elementChildren(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of el.children) {
    if (child.kind === 'element') out.push(child);
    else if (child.text.trim() !== '') throw documentFault(`Text "${clip(child.text.trim())}" is not allowed inside <${el.name}>`);
  }
  return out;
}

/** For elements that may hold text or nouns but not both (Dial, Client): which one it is. */
export function textOrElements(el: XmlElement): { text: string; elements: XmlElement[] } {
  const elements: XmlElement[] = [];
  let text = '';
  for (const child of el.children) {
    if (child.kind === 'element') elements.push(child);
    else text += child.text;
  }
  text = text.trim();
  if (text !== '' && elements.length > 0) {
    throw documentFault(`<${el.name}> holds both text and <${elements[0]?.name}>: use one or the other`);
  }
  return { text, elements };
}

/** Elements without content (Leave, Pause, Record). */
export function expectEmpty(el: XmlElement): void {
  for (const child of elementChildren(el)) throw unexpectedChild(child, el);
}
