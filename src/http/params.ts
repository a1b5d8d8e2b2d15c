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
    try { parsed = new URL(v); } catch { throw errors.invalidUrl(name); }
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
