import { method, readAttributes, str, url, type AttrTable, type HttpMethod } from '../attrs.js';
import { textContent, unexpectedChild } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

/** Twilio's limit on media per message. */
export const MAX_MEDIA = 10;

export interface MessageVerb {
  verb: 'Message';
  /** Defaults to the sender of the inbound message (null here: the pipeline fills it in). */
  to: string | null;
  /** Defaults to the number the inbound message was sent to. */
  from: string | null;
  action: string | null;
  method: HttpMethod;
  statusCallback: string | null;
  /** Direct text and <Body> text in document order, ends trimmed. */
  body: string;
  /** <Media> URLs, at most MAX_MEDIA. */
  media: string[];
}

const attributes: AttrTable<Omit<MessageVerb, 'verb' | 'body' | 'media'>> = {
  to: str(),
  from: str(),
  action: url(),
  method: method(),
  statusCallback: url(),
};

export function parseMessage(el: XmlElement, ctx: ParseContext): MessageVerb {
  const attrs = readAttributes(el, attributes, ctx);
  // twilio-node writes message('Hi').media(url) as <Message>Hi<Media>..</Media></Message>: text and nouns mix.
  let body = '';
  const media: string[] = [];
  const hasElements = el.children.some((c) => c.kind === 'element');
  for (const child of el.children) {
    // Between nouns, whitespace-only text is indentation, not part of the body.
    if (child.kind === 'text') body += hasElements && child.text.trim() === '' ? '' : child.text;
    else if (child.name === 'Body') body += textContent(child);
    else if (child.name === 'Media') {
      const mediaUrl = textContent(child);
      if (mediaUrl === '') throw schemaFault('<Media> needs a URL');
      media.push(mediaUrl);
    } else throw unexpectedChild(child, el);
  }
  if (media.length > MAX_MEDIA) throw schemaFault(`<Message> has ${media.length} <Media>; at most ${MAX_MEDIA} are allowed`);
  body = body.trim();
  if (body === '' && media.length === 0) ctx.warn('<Message> has neither a body nor media: nothing will be sent');
  return { verb: 'Message', ...attrs, body, media };
}
