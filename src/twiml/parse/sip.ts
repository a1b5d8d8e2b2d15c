import { optInt, readAttributes, str, type AttrTable } from '../attrs.js';
import { elementChildren, textOrElements, unexpectedChild, textContent } from '../children.js';
import { clip, schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { legCallbackAttributes, machineDetectionAttributes, type LegCallbacks, type MachineDetection } from './leg.js';
import { parseParameter, type Parameter } from './parameter.js';

export interface SipTarget {
  uri: string;
  username: string | null;
  password: string | null;
  /** Lower is tried first (from <Uri priority>). */
  priority: number | null;
  weight: number | null;
}

export interface SipNoun extends LegCallbacks, MachineDetection {
  noun: 'Sip';
  /** Credentials for digest authentication towards the far end. */
  username: string | null;
  password: string | null;
  /** One entry for <Sip>uri</Sip>; one per <Uri> child otherwise. Never empty. */
  uris: SipTarget[];
  /** From <Headers><Header name value/></Headers>: custom headers added to the INVITE. */
  headers: Parameter[];
}

const attributes: AttrTable<Omit<SipNoun, 'noun' | 'uris' | 'headers'>> = {
  ...legCallbackAttributes,
  ...machineDetectionAttributes,
  username: str(),
  password: str(),
};

const uriAttributes: AttrTable<Omit<SipTarget, 'uri'>> = {
  username: str(),
  password: str(),
  priority: optInt(0, 1_000_000),
  weight: optInt(0, 1_000_000),
};

function checkedUri(uri: string): string {
  if (!/^sips?:\S+$/i.test(uri)) throw schemaFault(`<Sip> "${clip(uri)}" is not a sip: or sips: URI`);
  return uri;
}

export function parseSip(el: XmlElement, ctx: ParseContext): SipNoun {
  const attrs = readAttributes(el, attributes, ctx);
  const { text, elements } = textOrElements(el);
  const uris: SipTarget[] = [];
  const headers: Parameter[] = [];
  if (text !== '') uris.push({ uri: checkedUri(text), username: attrs.username, password: attrs.password, priority: null, weight: null });
  for (const child of elements) {
    if (child.name === 'Uri') {
      const uriAttrs = readAttributes(child, uriAttributes, ctx);
      uris.push({ uri: checkedUri(textContent(child)), ...uriAttrs });
    } else if (child.name === 'Headers') {
      for (const header of elementChildren(child)) {
        if (header.name !== 'Header') throw unexpectedChild(header, child);
        headers.push(parseParameter(header, ctx));
      }
    } else {
      throw unexpectedChild(child, el);
    }
  }
  if (uris.length === 0) throw schemaFault('<Sip> needs a SIP URI');
  return { noun: 'Sip', ...attrs, uris, headers };
}
