import { errors } from '../core/errors.js';
import { emptyPackage, PACKAGE_ERRORS, type LookupDataSource, type LookupParameters, type LookupQuery } from './data-source.js';
import { offlineLineTypeIntelligence } from './line-type.js';
import { DATA_PACKAGES, type DataPackage, type LookupField, type LookupResponse, type PackageInfo } from './types.js';
import { analyse } from './validate.js';

export interface LookupRequest {
  /** The {PhoneNumber} path segment, already URL-decoded: E.164 or national format. */
  phoneNumber: string;
  /** CountryCode: how to read a national-format number. */
  countryCode?: string;
  /** Fields: names, or comma-separated lists of names as the query string carries them. */
  fields?: readonly string[];
  /** The Lookup product's public base URL (e.g. https://host/lookups): the response's url is built on it. */
  baseUrl: string;
  parameters?: LookupParameters;
}

export interface LookupOptions {
  dataSource?: LookupDataSource;
}

const FIELDS: ReadonlySet<string> = new Set<LookupField>(['validation', ...DATA_PACKAGES]);

/** Reads Fields; an unknown name is the client's error (400, 20001), not something to ignore silently. */
export function parseFields(fields: readonly string[] | undefined): Set<DataPackage> {
  const out = new Set<DataPackage>();
  for (const name of (fields ?? [])
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter((f) => f !== '')) {
    if (!FIELDS.has(name)) throw errors.invalidParameter('Fields', `${name} is not one of ${[...FIELDS].join(', ')}`);
    if (name !== 'validation') out.add(name as DataPackage);
  }
  return out;
}

/** Keeps the path readable (+ stays +, as in Twilio's own urls) while encoding anything else a URL cannot hold. */
function resourceUrl(baseUrl: string, phoneNumber: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v2/PhoneNumbers/${encodeURIComponent(phoneNumber).replace(/%2B/g, '+')}`;
}

async function fromSource<P extends DataPackage>(pkg: P, source: LookupDataSource, query: LookupQuery): Promise<PackageInfo[P]> {
  const fetch = source[pkg] as ((q: LookupQuery) => Promise<PackageInfo[P] | null>) | undefined;
  if (!fetch) return emptyPackage(pkg, PACKAGE_ERRORS.noDataSource);
  try {
    return (await fetch(query)) ?? emptyPackage(pkg, PACKAGE_ERRORS.noData);
  } catch {
    return emptyPackage(pkg, PACKAGE_ERRORS.sourceFailed);
  }
}

/**
 * GET /v2/PhoneNumbers/{PhoneNumber}. An invalid number is not an error: like Twilio v2 (and unlike v1's 404) the
 * answer is a 200 body with valid false and the reasons; requested packages then carry only error_code 60600.
 * The basic lookup and line type come from libphonenumber-js offline; every other package from the data source.
 */
export async function lookupPhoneNumber(request: LookupRequest, options: LookupOptions = {}): Promise<LookupResponse> {
  const requested = parseFields(request.fields);
  const { validation, number } = analyse(request.phoneNumber, request.countryCode);
  const source = options.dataSource ?? {};
  const query: LookupQuery | null = number && {
    phoneNumber: number.number,
    countryCode: number.country ?? null,
    callingCountryCode: number.countryCallingCode,
    parameters: request.parameters ?? {},
  };

  const packages = await Promise.all(
    DATA_PACKAGES.map(async (pkg) => {
      if (!requested.has(pkg)) return [pkg, null] as const;
      if (!number || !query) return [pkg, emptyPackage(pkg, PACKAGE_ERRORS.noData)] as const;
      if (pkg === 'line_type_intelligence') {
        // A carrier source knows more than the numbering plan; without one (or without data) the plan answers.
        const fromCarrier = source.line_type_intelligence ? await fromSource(pkg, source, query) : null;
        return [pkg, fromCarrier && fromCarrier.error_code === null ? fromCarrier : offlineLineTypeIntelligence(number)] as const;
      }
      return [pkg, await fromSource(pkg, source, query)] as const;
    }),
  );
  const packageFields = Object.fromEntries(packages) as { [P in DataPackage]: PackageInfo[P] | null };

  return {
    calling_country_code: validation.calling_country_code,
    country_code: validation.country_code,
    phone_number: validation.phone_number,
    national_format: validation.national_format,
    valid: validation.valid,
    validation_errors: validation.validation_errors,
    ...packageFields, // in Twilio's order: Promise.all keeps DATA_PACKAGES' order
    url: resourceUrl(request.baseUrl, validation.phone_number),
  };
}
