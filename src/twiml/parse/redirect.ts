import { method, readAttributes, type AttrTable, type HttpMethod } from '../attrs.js';
import { textContent } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

/** Shared by both dialects: fetch TwiML from another URL and continue there. */
export interface RedirectVerb {
  verb: 'Redirect';
  method: HttpMethod;
  /** Absolute, or relative to the current document's URL. */
  url: string;
}

const attributes: AttrTable<Pick<RedirectVerb, 'method'>> = {
  method: method(),
};

export function parseRedirect(el: XmlElement, ctx: ParseContext): RedirectVerb {
  const attrs = readAttributes(el, attributes, ctx);
  const url = textContent(el);
  if (url === '') throw schemaFault('<Redirect> needs a URL');
  return { verb: 'Redirect', ...attrs, url };
}
