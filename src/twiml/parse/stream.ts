import { method, oneOf, readAttributes, str, url, type AttrTable, type HttpMethod } from '../attrs.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { parseParameters, type Parameter } from './parameter.js';

export type StreamTrack = 'inbound_track' | 'outbound_track' | 'both_tracks';

/** <Stream>: call audio over a WebSocket, bidirectional under <Connect>, forked under <Start>. */
export interface StreamNoun {
  noun: 'Stream';
  /** wss:// URL; required to start a stream, absent when <Stop> names one. */
  url: string | null;
  /** Lets <Stop><Stream name> stop this stream later. */
  name: string | null;
  track: StreamTrack;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  connectorName: string | null;
  audioFormat: string | null;
  sampleRate: string | null;
  /** Custom parameters sent in the stream's start message. */
  parameters: Parameter[];
}

const attributes: AttrTable<Omit<StreamNoun, 'noun' | 'parameters'>> = {
  url: url(),
  name: str(),
  track: oneOf<StreamTrack, StreamTrack>(['inbound_track', 'outbound_track', 'both_tracks'], 'inbound_track'),
  statusCallback: url(),
  statusCallbackMethod: method(),
  connectorName: str(),
  audioFormat: str(),
  sampleRate: str(),
};

export function parseStream(el: XmlElement, ctx: ParseContext): StreamNoun {
  const attrs = readAttributes(el, attributes, ctx);
  return { noun: 'Stream', ...attrs, parameters: parseParameters(el, ctx) };
}
