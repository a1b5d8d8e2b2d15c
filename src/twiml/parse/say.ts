import { language, loop, matching, readAttributes, type AttrTable } from '../attrs.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';
import { parseSsml, ssmlText, type SsmlNode } from './ssml.js';

export interface SayVerb {
  verb: 'Say';
  /** man, woman, alice, Polly.<Name>, Google.<name>: the TTS backend maps it to a voice it has. */
  voice: string;
  language: string;
  /** Times to speak; loop="0" arrives as LOOP_FOREVER. */
  loop: number;
  /** The words, markup removed and ends trimmed. */
  text: string;
  /** The SSML tree when <Say> holds SSML elements; null for plain text. */
  ssml: SsmlNode[] | null;
}

const attributes: AttrTable<Pick<SayVerb, 'voice' | 'language' | 'loop'>> = {
  voice: matching(/^[\p{L}\p{N}_.-]+$/u, 'a voice name such as man, alice or Polly.Joanna', 'man'),
  language: language('en-US'),
  loop: loop(),
};

export function parseSay(el: XmlElement, ctx: ParseContext): SayVerb {
  const attrs = readAttributes(el, attributes, ctx);
  const nodes = parseSsml(el.children, el);
  const text = ssmlText(nodes).trim();
  if (text === '' && nodes.every((n) => n.kind === 'text')) ctx.warn('<Say> has no text: nothing will be spoken');
  return { verb: 'Say', ...attrs, text, ssml: nodes.some((n) => n.kind === 'element') ? nodes : null };
}
