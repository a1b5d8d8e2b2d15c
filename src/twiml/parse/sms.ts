import { method, readAttributes, str, url, type AttrTable, type HttpMethod } from '../attrs.js';
import { textContent } from '../children.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

/** Voice's legacy <Sms>: send a text during a call. to/from default to the call's parties (null here). */
export interface SmsVerb {
  verb: 'Sms';
  to: string | null;
  from: string | null;
  action: string | null;
  method: HttpMethod;
  statusCallback: string | null;
  body: string;
}

const attributes: AttrTable<Omit<SmsVerb, 'verb' | 'body'>> = {
  to: str(),
  from: str(),
  action: url(),
  method: method(),
  statusCallback: url(),
};

export function parseSms(el: XmlElement, ctx: ParseContext): SmsVerb {
  const attrs = readAttributes(el, attributes, ctx);
  const body = textContent(el);
  if (body === '') ctx.warn('<Sms> has no text: nothing will be sent');
  return { verb: 'Sms', ...attrs, body };
}
