import { readFileSync } from 'node:fs';
import { getCountries, getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import { possibleNumber } from '../core/phone/e164.js';
import { seededRandom as prng } from '../core/random.js';

export type NumberType = 'local' | 'mobile' | 'tollfree';

export interface PoolNumber {
  phoneNumber: string;
  isoCountry: string;
  type: NumberType;
  region: string | null;
}

/** Where buyable numbers come from: a file an operator lists, or numbers generated per country. */
export interface NumberPool {
  /** Candidates of a country and type, in a stable order; `areaCode` narrows NANP numbers. */
  candidates(country: string, type: NumberType, opts: { areaCode?: string | undefined; limit: number; skip: Set<string> }): PoolNumber[];
  /** May this number be bought? Returns its description, or undefined when not in the pool. */
  describe(phoneNumber: string): PoolNumber | undefined;
  /** ISO codes of the countries the pool can offer numbers in, sorted (the AvailablePhoneNumbers list). */
  countries(): string[];
}

const TYPE_MATCH: Record<NumberType, readonly string[]> = {
  local: ['FIXED_LINE', 'FIXED_LINE_OR_MOBILE'],
  mobile: ['MOBILE', 'FIXED_LINE_OR_MOBILE'],
  tollfree: ['TOLL_FREE'],
};

function classify(phoneNumber: string): PoolNumber | undefined {
  const parsed = possibleNumber(phoneNumber);
  if (!parsed?.country) return undefined;
  const t = parsed.getType();
  const type: NumberType = t === 'TOLL_FREE' ? 'tollfree' : t === 'MOBILE' ? 'mobile' : 'local';
  return { phoneNumber: parsed.number, isoCountry: parsed.country, type, region: null };
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

// NANP area codes the generated pool draws local numbers from when no AreaCode is asked for.
const NANP_LOCAL_AREAS: Record<string, readonly string[]> = {
  US: ['415', '628', '510', '212', '646', '718', '312', '305', '206', '512', '617', '720', '404', '213', '702'],
  CA: ['416', '647', '604', '514', '403', '613'],
};
const NANP_TOLLFREE = ['800', '833', '844', '855', '866', '877', '888'];

/**
 * Generated numbers: valid per libphonenumber-js's full metadata, of the asked type, found by a bounded
 * deterministic search around the country's example number.
 */
export class GeneratedPool implements NumberPool {
  candidates(country: string, type: NumberType, opts: { areaCode?: string | undefined; limit: number; skip: Set<string> }): PoolNumber[] {
    const cc = country.toUpperCase() as CountryCode;
    const example = getExampleNumber(cc, examples as never);
    if (!example) return [];
    const rand = prng(seedOf(`${cc}:${type}:${opts.areaCode ?? ''}`));
    const national = example.nationalNumber;
    const nanp = example.countryCallingCode === '1';
    const out: PoolNumber[] = [];
    const seen = new Set<string>();
    for (let attempt = 0; attempt < 20_000 && out.length < opts.limit; attempt++) {
      let candidate: string;
      if (nanp) {
        const areas = type === 'tollfree' ? NANP_TOLLFREE : opts.areaCode ? [opts.areaCode] : (NANP_LOCAL_AREAS[cc] ?? [national.slice(0, 3)]);
        const area = areas[Math.floor(rand() * areas.length)]!;
        const exchange = 200 + Math.floor(rand() * 800);
        const line = String(Math.floor(rand() * 10_000)).padStart(4, '0');
        candidate = `+1${area}${exchange}${line}`;
      } else {
        // Keep a prefix of the example (it carries the type's leading digits) and vary the rest.
        const keep = type === 'mobile' ? Math.min(3, national.length - 4) : Math.floor(rand() * 3);
        let digits = national.slice(0, keep);
        while (digits.length < national.length) digits += String(Math.floor(rand() * 10));
        candidate = `+${example.countryCallingCode}${digits}`;
      }
      if (seen.has(candidate) || opts.skip.has(candidate)) continue;
      seen.add(candidate);
      const parsed = parsePhoneNumberFromString(candidate);
      if (!parsed?.isValid() || parsed.country !== cc) continue;
      if (!TYPE_MATCH[type].includes(parsed.getType() ?? '')) continue;
      out.push({ phoneNumber: parsed.number, isoCountry: cc, type, region: null });
    }
    return out;
  }

  /** In the generated pool any possible number can be bought: apps copy numbers from Twilio's docs. */
  describe(phoneNumber: string): PoolNumber | undefined {
    return classify(phoneNumber);
  }

  /** Every country with an example number to generate around (libphonenumber-js's metadata). */
  countries(): string[] {
    this.countryList ??= getCountries()
      .filter((cc) => getExampleNumber(cc, examples as never) !== undefined)
      .sort();
    return this.countryList;
  }

  private countryList: string[] | undefined;
}

/** Numbers listed one per line in a file (`+14155550100`, optionally followed by `local|mobile|tollfree`). */
export class FilePool implements NumberPool {
  private readonly numbers: PoolNumber[];

  constructor(path: string) {
    this.numbers = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const [num, type] = line.trim().split(/\s+/);
      if (!num || num.startsWith('#')) continue;
      const described = classify(num);
      if (!described) throw new Error(`number pool ${path}: ${num} is not a possible E.164 number`);
      if (type === 'local' || type === 'mobile' || type === 'tollfree') described.type = type;
      this.numbers.push(described);
    }
  }

  candidates(country: string, type: NumberType, opts: { areaCode?: string | undefined; limit: number; skip: Set<string> }): PoolNumber[] {
    return this.numbers
      .filter(
        (n) =>
          n.isoCountry === country.toUpperCase() &&
          n.type === type &&
          !opts.skip.has(n.phoneNumber) &&
          (!opts.areaCode || n.phoneNumber.startsWith(`+1${opts.areaCode}`)),
      )
      .slice(0, opts.limit);
  }

  describe(phoneNumber: string): PoolNumber | undefined {
    return this.numbers.find((n) => n.phoneNumber === phoneNumber);
  }

  countries(): string[] {
    return [...new Set(this.numbers.map((n) => n.isoCountry))].sort();
  }
}
