import { parseDate } from '../core/dates.js';
import { errors } from '../core/errors.js';

/** A form body or query string: repeated keys (`MediaUrl=a&MediaUrl=b`) become arrays. */
export type Params = Record<string, string | string[] | undefined>;

export function parseForm(body: string): Params {
  const out: Params = {};
  for (const [key, value] of new URLSearchParams(body)) addParam(out, key, value);
  return out;
}

/** Adds one parameter; a repeated key becomes an array. */
export function addParam(out: Params, key: string, value: string): void {
  // Own properties only, written with defineProperty: `constructor=x` must not find Object.prototype's
  // function as an earlier value, nor `__proto__=x` change the prototype (both fuzzer findings).
  const prev = Object.hasOwn(out, key) ? out[key] : undefined;
  if (Array.isArray(prev)) prev.push(value);
  else Object.defineProperty(out, key, { value: prev === undefined ? value : [prev, value], writable: true, enumerable: true, configurable: true });
}

/** Reads parameters with Twilio's conventions; every failure is an ApiError naming the parameter. */
export class ParamReader {
  constructor(private readonly params: Params) {}

  has(name: string): boolean {
    return this.params[name] !== undefined;
  }

  /** The last value when repeated, as Twilio treats a scalar given twice. */
  str(name: string): string | undefined {
    const v = this.params[name];
    return Array.isArray(v) ? v[v.length - 1] : v;
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined || v === '') throw errors.missingParameter(name);
    return v;
  }

  all(name: string): string[] {
    const v = this.params[name];
    if (v === undefined) return [];
    return Array.isArray(v) ? v : [v];
  }

  int(name: string, range?: { min?: number; max?: number }): number | undefined {
    const v = this.str(name);
    if (v === undefined || v === '') return undefined;
    if (!/^-?\d+$/.test(v.trim())) throw errors.invalidParameter(name, 'must be an integer');
    const n = Number(v);
    if ((range?.min !== undefined && n < range.min) || (range?.max !== undefined && n > range.max)) {
      throw errors.invalidParameter(name, `must be between ${range.min ?? '-inf'} and ${range.max ?? 'inf'}`);
    }
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.str(name);
    if (v === undefined || v === '') return undefined;
    if (/^true$/i.test(v)) return true;
    if (/^false$/i.test(v)) return false;
    throw errors.invalidParameter(name, 'must be true or false');
  }

  /** An absolute http(s) URL, or '' to clear (Twilio clears a URL field given an empty value). */
  url(name: string): string | null | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (v === '') return null;
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch {
      throw errors.invalidUrl(name);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw errors.invalidUrl(name);
    return v;
  }

  method(name: string): 'GET' | 'POST' | undefined {
    const v = this.str(name);
    if (v === undefined || v === '') return undefined;
    const upper = v.toUpperCase();
    if (upper !== 'GET' && upper !== 'POST') throw errors.invalidMethod(name);
    return upper;
  }

  date(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined || v === '') return undefined;
    const ms = parseDate(v);
    if (ms === undefined) throw errors.invalidParameter(name, 'is not a date');
    return ms;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.str(name);
    if (v === undefined || v === '') return undefined;
    if (!(allowed as readonly string[]).includes(v)) throw errors.invalidParameter(name, `must be one of ${allowed.join(', ')}`);
    return v as T;
  }
}

/** Twilio's documented limits on free-text names: "FriendlyNames must be between 1 and 64 characters" (20002). */
const NAME_LIMITS: Readonly<Record<string, number>> = { FriendlyName: 64 };
/**
 * Any other parameter: far above every Twilio field (TwiML 4,000 characters, a message body 1,600) yet small
 * enough that nobody stores 900 KB "names". Products check their own tighter limits on top.
 */
export const MAX_PARAM_CHARS = 16_384;

/**
 * Parameters whose product answers an over-long value with its own code: a message Body over 1,600 characters
 * is 21617 at any length (the body limit bounds it), not 20001.
 */
const OWN_LIMITS: ReadonlySet<string> = new Set(['Body']);

/**
 * Throws for the first parameter over its limit (names in code points, so emoji count once). Verify names
 * its own, tighter FriendlyName limit (30 characters, 60200), so `ownNameLimits` skips the generic one there.
 */
export function checkParamLengths(source: unknown, ownNameLimits = false): void {
  if (source === null || typeof source !== 'object') return;
  for (const [key, value] of Object.entries(source)) {
    if (OWN_LIMITS.has(key)) continue;
    const nameLimit = ownNameLimits ? undefined : NAME_LIMITS[key];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string') continue;
      if (nameLimit !== undefined && v.length > nameLimit && [...v].length > nameLimit) throw errors.friendlyNameTooLong(key, nameLimit);
      if (v.length > MAX_PARAM_CHARS) throw errors.parameterTooLong(key, MAX_PARAM_CHARS);
    }
  }
}
