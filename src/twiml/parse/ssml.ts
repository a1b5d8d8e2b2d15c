import { unexpectedChild } from '../children.js';
import type { XmlElement, XmlNode } from '../xml.js';

/** The SSML tags twilio-node can nest inside <Say> (Amazon Polly and Google voices honour them). */
export const SSML_TAGS = ['break', 'emphasis', 'lang', 'p', 'phoneme', 'prosody', 's', 'say-as', 'sub', 'w'] as const;
export type SsmlTag = (typeof SSML_TAGS)[number];

export type SsmlNode = { kind: 'text'; text: string } | { kind: 'element'; tag: SsmlTag; attributes: Readonly<Record<string, string>>; children: SsmlNode[] };

const isSsmlTag = (name: string): name is SsmlTag => (SSML_TAGS as readonly string[]).includes(name);

/**
 * SSML children are kept as a tree for a TTS engine that speaks SSML; attribute values pass through unchecked,
 * since their meaning belongs to the engine, and an engine that cannot use them reads the flattened text.
 */
export function parseSsml(nodes: readonly XmlNode[], parent: XmlElement): SsmlNode[] {
  return nodes.map((node): SsmlNode => {
    if (node.kind === 'text') return { kind: 'text', text: node.text };
    if (!isSsmlTag(node.name)) throw unexpectedChild(node, parent);
    return {
      kind: 'element',
      tag: node.name,
      attributes: Object.fromEntries(node.attributes),
      children: parseSsml(node.children, node),
    };
  });
}

/** The words of an SSML tree: what is spoken when markup is ignored. */
export function ssmlText(nodes: readonly SsmlNode[]): string {
  return nodes.map((n) => (n.kind === 'text' ? n.text : ssmlText(n.children))).join('');
}
