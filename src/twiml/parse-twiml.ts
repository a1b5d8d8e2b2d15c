import { ALERTS } from '../core/errors.js';
import { readAttributes } from './attrs.js';
import { elementChildren } from './children.js';
import { clip, documentFault, schemaFault, TwimlFault, type Dialect, type TwimlWarning } from './fault.js';
import { KNOWN_ELEMENTS } from './names.js';
import { MESSAGING_VERBS, VOICE_VERBS, type VerbParser } from './registry.js';
import type { MessagingVerb, TwimlResult, Verb, VoiceVerb } from './types.js';
import { readXml, type XmlElement } from './xml.js';

/** Twilio refuses TwiML responses over 64 KiB with 11750; so do we, before parsing anything. */
export const MAX_TWIML_BYTES = 64 * 1024;

export interface ParseOptions {
  dialect: Dialect;
}

function byteLength(s: string): number {
  // Cheap bounds first: every UTF-16 unit is 1 to 3 UTF-8 bytes.
  if (s.length * 3 <= MAX_TWIML_BYTES) return s.length;
  return Buffer.byteLength(s, 'utf8');
}

function parseVerbs<V extends Verb>(root: XmlElement, registry: ReadonlyMap<string, VerbParser<V>>, dialect: Dialect, warnings: TwimlWarning[]): V[] {
  if (root.name !== 'Response') throw documentFault(`The root element must be <Response>, not <${clip(root.name)}>`);
  const ctx = { dialect, warn: (message: string) => void warnings.push({ code: ALERTS.unsupportedVerb.code, message }) };
  readAttributes(root, {}, ctx);
  return elementChildren(root).map((el) => {
    const parse = registry.get(el.name);
    if (parse) return parse(el, ctx);
    // A noun at the top level is misplaced; a verb of the other dialect or an unknown name is a schema problem.
    const isVerbElsewhere = VOICE_VERBS.has(el.name) || MESSAGING_VERBS.has(el.name);
    if (KNOWN_ELEMENTS.has(el.name) && !isVerbElsewhere) throw documentFault(`<${el.name}> is not allowed directly inside <Response>`);
    throw schemaFault(isVerbElsewhere ? `<${el.name}> is not a ${dialect} verb` : `<${clip(el.name)}> is not a ${dialect} verb Switchboard supports`);
  });
}

/**
 * Parses a TwiML document into typed verbs. Never throws: every failure comes back as Twilio's alert,
 * 12100 for a document that is not TwiML-shaped XML, 12200 for an unknown verb or a bad attribute value,
 * 11750 for a document over 64 KiB. Unknown attributes are ignored, as Twilio does, and listed as warnings.
 */
export function parseTwiml(xml: string, options: { dialect: 'voice' }): TwimlResult<VoiceVerb>;
export function parseTwiml(xml: string, options: { dialect: 'messaging' }): TwimlResult<MessagingVerb>;
export function parseTwiml(xml: string, options: ParseOptions): TwimlResult<Verb>;
export function parseTwiml(xml: string, options: ParseOptions): TwimlResult<Verb> {
  try {
    if (typeof xml !== 'string') throw documentFault('The document is not text');
    if (byteLength(xml) > MAX_TWIML_BYTES) {
      return { ok: false, alert: { code: ALERTS.responseTooLarge.code, message: `The document is larger than ${MAX_TWIML_BYTES} bytes` } };
    }
    const root = readXml(xml);
    const warnings: TwimlWarning[] = [];
    const dialect = options?.dialect;
    if (dialect === 'voice') return { ok: true, verbs: parseVerbs(root, VOICE_VERBS, dialect, warnings), warnings };
    if (dialect === 'messaging') return { ok: true, verbs: parseVerbs(root, MESSAGING_VERBS, dialect, warnings), warnings };
    throw documentFault(`Unknown TwiML dialect ${String(dialect)}`);
  } catch (err) {
    if (err instanceof TwimlFault) return { ok: false, alert: { code: err.code, message: err.message } };
    // A bug of ours or of the XML library must still not take the caller down: report it as a parse failure.
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, alert: { code: ALERTS.documentParseFailure.code, message: `The document could not be parsed: ${clip(detail, 200)}` } };
  }
}
