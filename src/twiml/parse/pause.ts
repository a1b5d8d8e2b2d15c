import { int, readAttributes, type AttrTable } from '../attrs.js';
import { expectEmpty } from '../children.js';
import type { ParseContext } from '../fault.js';
import type { XmlElement } from '../xml.js';

export interface PauseVerb {
  verb: 'Pause';
  /** Seconds of silence. */
  length: number;
}

const attributes: AttrTable<Pick<PauseVerb, 'length'>> = {
  length: int(1, 0, 86_400),
};

export function parsePause(el: XmlElement, ctx: ParseContext): PauseVerb {
  expectEmpty(el);
  return { verb: 'Pause', ...readAttributes(el, attributes, ctx) };
}
