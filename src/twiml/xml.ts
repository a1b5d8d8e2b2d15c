import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { clip, documentFault } from './fault.js';

/** The tree the verb parsers read: elements with decoded attributes, and text with entities resolved. */
export interface XmlElement {
  kind: 'element';
  name: string;
  attributes: ReadonlyMap<string, string>;
  children: XmlNode[];
}

export interface XmlText {
  kind: 'text';
  text: string;
}

export type XmlNode = XmlElement | XmlText;

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';

// fast-xml-parser is lenient where XML is not (undeclared entities, several roots, `<` in attributes), and it
// leaves numeric character references alone: so it only tokenises, with entity processing off, and this file
// decodes and checks what it hands back. Built once: parsing is on the path of every webhook response.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: TEXT,
  cdataPropName: CDATA,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  allowBooleanAttributes: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // TwiML nests a handful of levels (SSML a few more); the cap also bounds our recursive tree walk.
  maxNestedTags: 100,
});

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['apos', "'"],
  ['quot', '"'],
]);

// XML 1.0 Char production: no C0 controls but tab, LF, CR; no U+FFFE/U+FFFF; no unpaired surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters; the pattern names them on purpose
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_:][\w.:-]*)?(;)?/g;

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Resolves the five predefined entities and character references; anything else is not well-formed. */
export function decodeReferences(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (whole: string, body: string | undefined, semi: string | undefined) => {
    if (body === undefined || semi === undefined) throw documentFault(`Bare "&" in "${clip(raw)}": write &amp;`);
    if (body.startsWith('#')) {
      const cp = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isSafeInteger(cp) || !isXmlChar(cp)) throw documentFault(`Character reference ${whole} is not a legal XML character`);
      return String.fromCodePoint(cp);
    }
    const named = PREDEFINED.get(body);
    // DOCTYPEs are refused, so no other entity can have been declared.
    if (named === undefined) throw documentFault(`Undefined entity ${whole}`);
    return named;
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function convertAttributes(raw: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isRecord(raw)) return out;
  for (const [name, value] of Object.entries(raw)) {
    const text = String(value);
    if (text.includes('<')) throw documentFault(`Attribute ${name} contains "<", which XML forbids in attribute values`);
    // Attribute-value normalisation: literal tab/newline become spaces; references decoded afterwards keep theirs.
    out.set(name, decodeReferences(text.replace(/[\t\n\r]/g, ' ')));
  }
  return out;
}

function textOf(items: unknown): string {
  if (!Array.isArray(items)) return '';
  let text = '';
  for (const item of items) if (isRecord(item) && typeof item[TEXT] === 'string') text += item[TEXT];
  return text;
}

function convertChildren(items: unknown[]): XmlNode[] {
  const out: XmlNode[] = [];
  const pushText = (text: string) => {
    if (text === '') return;
    const last = out[out.length - 1];
    // Text split by a comment or a CDATA section is one run of text to the verbs.
    if (last?.kind === 'text') last.text += text;
    else out.push({ kind: 'text', text });
  };
  for (const item of items) {
    if (!isRecord(item)) continue;
    for (const key of Object.keys(item)) {
      if (key === ATTRS) continue;
      const value = item[key];
      if (key === TEXT) pushText(decodeReferences(String(value)));
      else if (key === CDATA)
        pushText(textOf(value)); // CDATA is literal: no references inside
      else out.push(convertElement(key, value, item[ATTRS]));
    }
  }
  return out;
}

function convertElement(name: string, children: unknown, attributes: unknown): XmlElement {
  return {
    kind: 'element',
    name,
    attributes: convertAttributes(attributes),
    children: Array.isArray(children) ? convertChildren(children) : [],
  };
}

/** True when a DOCTYPE follows the whitespace, comments and processing instructions that may precede it. */
function hasDoctype(xml: string): boolean {
  // A scan rather than a regex: nested lazy quantifiers backtrack badly on hostile input.
  let at = 0;
  for (;;) {
    while (at < xml.length && /\s/.test(xml.charAt(at))) at++;
    const close = xml.startsWith('<?', at) ? '?>' : xml.startsWith('<!--', at) ? '-->' : null;
    if (close === null) return xml.startsWith('<!DOCTYPE', at);
    const end = xml.indexOf(close, at + 2);
    if (end < 0) return false;
    at = end + close.length;
  }
}

/** True when only whitespace, comments and processing instructions follow the last tag. */
function endsWithMarkup(xml: string): boolean {
  let end = xml.trimEnd();
  for (;;) {
    // Peel trailing comments and PIs with lastIndexOf rather than a regex: linear on any input.
    const open = end.endsWith('-->') ? end.lastIndexOf('<!--') : end.endsWith('?>') ? end.lastIndexOf('<?') : -1;
    if (open < 0) return end.endsWith('>');
    end = end.slice(0, open).trimEnd();
  }
}

/** Reads a well-formed XML document into its root element, or throws a 12100 fault saying why not. */
export function readXml(source: string): XmlElement {
  // XML normalises line ends before anything else; a leading byte-order mark is not content.
  const xml = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (xml.trim() === '') throw documentFault('The document is empty');
  if (FORBIDDEN_CHAR.test(xml)) throw documentFault('The document contains a character XML does not allow');
  // No DTDs: TwiML never needs one, and refusing them rules out entity expansion and external entities.
  if (hasDoctype(xml)) throw documentFault('DOCTYPE declarations are not allowed in TwiML');
  const verdict = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    const where = [line === undefined ? '' : `line ${line}`, col === undefined ? '' : `column ${col}`].filter(Boolean).join(', ');
    throw documentFault(`The document is not well-formed XML: ${clip(msg.replace(/\s+/g, ' '), 160)}${where ? ` (${where})` : ''}`);
  }
  // The validator misses text after a self-closing root (`<Response/>junk`).
  if (!endsWithMarkup(xml)) throw documentFault('The document is not well-formed XML: text after the root element');
  let parsed: unknown;
  try {
    parsed = parser.parse(xml);
  } catch (err) {
    // The parser refuses a few things its validator lets through (`<?xml version="1.02 x="y"?>`, fuzzer finding).
    throw documentFault(`The document is not well-formed XML: ${clip(String(err instanceof Error ? err.message : err), 160)}`);
  }
  const roots = Array.isArray(parsed) ? convertChildren(parsed).filter((n): n is XmlElement => n.kind === 'element') : [];
  const [root] = roots;
  if (root === undefined || roots.length > 1) {
    throw documentFault(`The document must have exactly one root element, found ${roots.length}`);
  }
  return root;
}
