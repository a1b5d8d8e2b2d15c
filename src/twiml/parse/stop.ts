import { readAttributes } from '../attrs.js';
import { schemaFault, type ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { parseStreams } from './start.js';
import type { StreamNoun } from './stream.js';

/** <Stop><Stream name="..."/></Stop>: stop a stream started earlier, found by name (or url). */
export interface StopVerb {
  verb: 'Stop';
  streams: StreamNoun[];
}

export function parseStop(el: XmlElement, ctx: ParseContext): StopVerb {
  readAttributes(el, {}, ctx); // no attributes: any present is warned about
  const streams = parseStreams(el, ctx, false);
  for (const s of streams) if (s.name === null && s.url === null) throw schemaFault('<Stop><Stream> needs a name or url');
  return { verb: 'Stop', streams };
}
