/**
 * A shortcut for the commonest input of `normalizeNumber`: an international number, `+` and digits.
 *
 * libphonenumber decides whether such a number is possible by its length, against the lengths of the country
 * the number belongs to. Where a calling code is shared (+44: GB, GG, IM, JE; +7: RU, KZ; ...), finding that
 * country means matching the number against each candidate's number-type patterns, about 45 us a number,
 * paid on every message to a new recipient. A length that every country of the calling code allows is
 * possible whichever country the number belongs to, so the match is skipped for it.
 *
 * Only a "yes" is answered here. Anything else (a length allowed by only some countries, a national
 * number that the library would strip a national prefix from, a calling code not tied to a country) goes
 * to the full parse. e164.test.ts checks the shortcut against the full parse on every calling code.
 */
import { getCountries, getCountryCallingCode, Metadata, type NumberingPlan } from 'libphonenumber-js/max';

interface CallingCode {
  /** National-number lengths possible in every country of the calling code. */
  lengths: ReadonlySet<number>;
  /** National prefixes (each country's "national prefix for parsing") that the parser may strip. */
  prefixes: RegExp[];
}

let table: Map<string, CallingCode> | null | undefined;

/** `+` and the digits of a number whose length is possible in every country of its calling code, else undefined. */
export function surelyPossible(digitsWithPlus: string): string | undefined {
  if (table === undefined) table = build();
  const codes = table;
  if (codes === null) return undefined;
  for (let size = 1; size <= 3; size++) {
    const code = codes.get(digitsWithPlus.slice(1, 1 + size));
    if (!code) continue;
    const national = digitsWithPlus.slice(1 + size);
    if (!code.lengths.has(national.length)) return undefined;
    for (const prefix of code.prefixes) if (prefix.test(national)) return undefined;
    return digitsWithPlus;
  }
  return undefined;
}

/** null when the library's metadata does not expose what the shortcut needs: every number is then parsed. */
function build(): Map<string, CallingCode> | null {
  const byCode = new Map<string, { lengths: Set<number> | null; prefixes: RegExp[] }>();
  const metadata = new Metadata();
  for (const country of getCountries()) {
    metadata.selectNumberingPlan(country);
    const plan = metadata.numberingPlan;
    const prefix = plan && nationalPrefixForParsing(plan);
    if (!plan || prefix === undefined) return null;
    const code = getCountryCallingCode(country);
    const entry = byCode.get(code) ?? { lengths: null, prefixes: [] };
    const own = new Set(plan.possibleLengths());
    entry.lengths = entry.lengths === null ? own : new Set([...entry.lengths].filter((n) => own.has(n)));
    if (prefix) entry.prefixes.push(new RegExp(`^(?:${prefix})`));
    byCode.set(code, entry);
  }
  return new Map([...byCode].map(([code, e]) => [code, { lengths: e.lengths ?? new Set<number>(), prefixes: e.prefixes }]));
}

/** The pattern, '' when the country has none, undefined when the metadata does not say (another library version). */
function nationalPrefixForParsing(plan: NumberingPlan): string | undefined {
  const read = (plan as NumberingPlan & { nationalPrefixForParsing?: unknown }).nationalPrefixForParsing;
  if (typeof read !== 'function') return undefined;
  const value: unknown = read.call(plan);
  // The compact metadata holds 0 where a country has no prefix.
  return typeof value === 'string' ? value : !value ? '' : undefined;
}
