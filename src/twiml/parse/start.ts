import { method, readAttributes, url, type AttrTable, type HttpMethod } from '../attrs.js';
import { elementChildren, unexpectedChild } from '../children.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { parseStream, type StreamNoun } from './stream.js';

/** <Start>: begin something that runs alongside the call (here: forked media streams) and move on at once. */
export interface StartVerb {
  verb: 'Start';
  action: string | null;
  method: HttpMethod;
  streams: StreamNoun[];
}

const attributes: AttrTable<Pick<StartVerb, 'action' | 'method'>> = {
  action: url(),
  method: method(),
};

/** The <Stream> children of <Start> or <Stop>, at least one. */
export function parseStreams(el: XmlElement, ctx: ParseContext, needUrl: boolean): StreamNoun[] {
  const streams = elementChildren(el).map((child) => {
    if (child.name !== 'Stream') throw unexpectedChild(child, el);
    const stream = parseStream(child, ctx);
    if (needUrl && stream.url === null) throw schemaFault(`<${el.name}><Stream> needs a url`);
    return stream;
  });
  if (streams.length === 0) throw schemaFault(`<${el.name}> needs a <Stream>`);
  return streams;
}

export function parseStart(el: XmlElement, ctx: ParseContext): StartVerb {
  return { verb: 'Start', ...readAttributes(el, attributes, ctx), streams: parseStreams(el, ctx, true) };
}
