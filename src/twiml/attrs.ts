import { clip, schemaFault, type ParseContext } from './fault.js';
import type { XmlElement } from './xml.js';

const INVALID: unique symbol = Symbol('invalid attribute value');
type Invalid = typeof INVALID;

/** How one attribute is read: what it parses to, what it is when absent, and what the alert says it expected. */
export interface Attr<T> {
  readonly expected: string;
  readonly fallback: T;
  parse(raw: string): T | Invalid;
}

/** An attribute table typed against the verb's interface, so a missing or mistyped attribute fails to compile. */
export type AttrTable<T> = { readonly [K in keyof T]-?: Attr<T[K]> };

export type HttpMethod = 'GET' | 'POST';

/** Twilio treats loop="0" as "until the call ends"; a bound keeps a runaway loop finite. */
export const LOOP_FOREVER = 1000;

const attr = <T>(expected: string, fallback: T, parse: (raw: string) => T | Invalid): Attr<T> => ({ expected, fallback, parse });

/** Free text; an empty value counts as absent (Twilio treats action="" as no action). */
export const str = (): Attr<string | null> => attr('a string', null, (raw) => (raw.trim() === '' ? null : raw.trim()));

/** A URL, absolute or relative to the document's URL: resolving it is the interpreter's job. */
export const url = (): Attr<string | null> =>
  attr('a URL', null, (raw) => {
    const v = raw.trim();
    if (v === '') return null;
    return /\s/.test(v) ? INVALID : v;
  });

export const method = (fallback: HttpMethod = 'POST'): Attr<HttpMethod> =>
  attr('GET or POST', fallback, (raw) => {
    const v = raw.trim().toUpperCase();
    return v === 'GET' || v === 'POST' ? v : INVALID;
  });

export const bool = (fallback: boolean): Attr<boolean> =>
  attr('true or false', fallback, (raw) => {
    const v = raw.trim().toLowerCase();
    return v === 'true' ? true : v === 'false' ? false : INVALID;
  });

function parseInteger(raw: string, min: number, max: number): number | Invalid {
  if (!/^\s*\+?\d{1,9}\s*$/.test(raw)) return INVALID;
  const n = Number(raw);
  return n >= min && n <= max ? n : INVALID;
}

export const int = (fallback: number, min: number, max: number): Attr<number> =>
  attr(`an integer from ${min} to ${max}`, fallback, (raw) => parseInteger(raw, min, max));

export const optInt = (min: number, max: number): Attr<number | null> => attr(`an integer from ${min} to ${max}`, null, (raw) => parseInteger(raw, min, max));

/** loop: a play count where 0 means "repeat", bounded by LOOP_FOREVER. */
export const loop = (): Attr<number> =>
  attr(`an integer from 0 to ${LOOP_FOREVER}`, 1, (raw) => {
    const n = parseInteger(raw, 0, LOOP_FOREVER);
    return n === 0 ? LOOP_FOREVER : n;
  });

/** One of a fixed set, matched without regard to case and returned in Twilio's spelling. */
export function oneOf<V extends string, F extends V | null>(values: readonly V[], fallback: F): Attr<V | F> {
  const byLower = new Map(values.map((v) => [v.toLowerCase(), v] as const));
  return attr<V | F>(`one of ${values.join(', ')}`, fallback, (raw) => byLower.get(raw.trim().toLowerCase()) ?? INVALID);
}

/** A space- or comma-separated list (the SDK joins arrays with spaces; Twilio's docs show both). */
export function listOf<V extends string>(values: readonly V[], fallback: readonly V[]): Attr<readonly V[]> {
  const one = oneOf(values, null);
  return attr(`a list of ${values.join(', ')}`, Object.freeze([...fallback]), (raw) => {
    const items = raw.split(/[\s,]+/).filter((s) => s !== '');
    if (items.length === 0) return INVALID;
    const out: V[] = [];
    for (const item of items) {
      const v = one.parse(item);
      if (v === INVALID || v === null) return INVALID;
      if (!out.includes(v)) out.push(v);
    }
    return Object.freeze(out);
  });
}

/** A string that must match a pattern (digits to send, a language tag). */
export function matching<F extends string | null>(pattern: RegExp, expected: string, fallback: F): Attr<string | F> {
  return attr<string | F>(expected, fallback, (raw) => (pattern.test(raw.trim()) ? raw.trim() : INVALID));
}

export const language = (fallback: string): Attr<string> => matching(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'a language tag such as en-US', fallback);

/** Namespace declarations are XML plumbing, not TwiML attributes: never worth a warning. */
const isNamespaceDeclaration = (name: string) => name === 'xmlns' || name.startsWith('xmlns:');

/**
 * Reads an element's attributes through its table. A bad value of a known attribute is a 12200 alert;
 * an attribute the table does not know is ignored, as Twilio does, and reported as a warning.
 */
export function readAttributes<T>(el: XmlElement, table: AttrTable<T>, ctx: ParseContext): T {
  const out: Partial<T> = {};
  for (const key of Object.keys(table) as (keyof T & string)[]) {
    const spec: Attr<T[typeof key]> = table[key];
    const raw = el.attributes.get(key);
    if (raw === undefined) {
      out[key] = spec.fallback;
      continue;
    }
    const value = spec.parse(raw);
    if (value === INVALID) throw schemaFault(`<${el.name}> attribute ${key}="${clip(raw)}" is invalid: expected ${spec.expected}`);
    out[key] = value;
  }
  for (const name of el.attributes.keys()) {
    if (!Object.hasOwn(table, name) && !isNamespaceDeclaration(name)) {
      ctx.warn(`<${el.name}> attribute "${clip(name)}" is not a known attribute and was ignored`);
    }
  }
  return out as T;
}
