import { loop, matching, readAttributes, type AttrTable } from '../attrs.js';
import { textContent } from '../children.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

export interface PlayVerb {
  verb: 'Play';
  /** Audio to play; null when the verb only sends digits. */
  url: string | null;
  loop: number;
  /** DTMF to send: 0-9, *, #, and w for a half-second wait. */
  digits: string | null;
}

export const DTMF_DIGITS = /^[0-9*#wW]+$/;

const attributes: AttrTable<Pick<PlayVerb, 'loop' | 'digits'>> = {
  loop: loop(),
  digits: matching(DTMF_DIGITS, 'digits 0-9, *, # or w', null),
};

export function parsePlay(el: XmlElement, ctx: ParseContext): PlayVerb {
  const attrs = readAttributes(el, attributes, ctx);
  const url = textContent(el);
  // twilio-node emits <Play/> for play() with no URL: accepted as Twilio does, but it plays nothing.
  if (url === '' && attrs.digits === null) ctx.warn('<Play> has neither a URL nor digits: nothing will play');
  return { verb: 'Play', url: url === '' ? null : url, ...attrs };
}
