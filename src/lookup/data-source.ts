import { codes } from '../core/errors.js';
import type { DataPackage, PackageInfo } from './types.js';

/** Inputs some packages take (identity_match's identity, reassigned_number's date...), as the request gave them. */
export interface LookupParameters {
  firstName?: string;
  lastName?: string;
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  addressCountryCode?: string;
  nationalId?: string;
  dateOfBirth?: string;
  lastVerifiedDate?: string;
  verificationSid?: string;
  partnerSubId?: string;
}

/** What a data source is asked: always a valid number. */
export interface LookupQuery {
  /** E.164. */
  phoneNumber: string;
  /** ISO 3166 alpha-2; null for non-geographic numbers. */
  countryCode: string | null;
  callingCountryCode: string;
  parameters: LookupParameters;
}

/**
 * Where a deployment plugs in the data Lookup's paid packages need (CNAM, an HLR, a SIM-swap feed...): one optional
 * function per package, named as in Fields. Resolve null when the source has nothing for the number; throw when
 * the source failed. A package without a function answers with nulls and NO_DATA_SOURCE. The default is no source.
 */
export type LookupDataSource = {
  readonly [P in DataPackage]?: (query: LookupQuery) => Promise<PackageInfo[P] | null>;
};

/**
 * error_code values in a package Switchboard could not fill. Twilio's codes, chosen by meaning: no source for
 * the package is "package not enabled"; a source without data for the number, or an invalid number, is
 * "unprovisioned or out of coverage"; a source that failed is "lookup error".
 */
export const PACKAGE_ERRORS = {
  noDataSource: codes.lookupPackageNotEnabled,
  noData: codes.lookupNoData,
  sourceFailed: codes.lookupFailed,
} as const;

/** Each package's shape with every value null: what Twilio returns around an error_code. */
export function emptyPackage<P extends DataPackage>(pkg: P, errorCode: number): PackageInfo[P] {
  const empty: { [K in DataPackage]: (code: number) => PackageInfo[K] } = {
    caller_name: (code) => ({ caller_name: null, caller_type: null, error_code: code }),
    sim_swap: (code) => ({ last_sim_swap: null, carrier_name: null, mobile_country_code: null, mobile_network_code: null, error_code: code }),
    call_forwarding: (code) => ({ call_forwarding_enabled: null, error_code: code }),
    line_status: (code) => ({ status: null, error_code: code }),
    line_type_intelligence: (code) => ({ mobile_country_code: null, mobile_network_code: null, carrier_name: null, type: null, error_code: code }),
    identity_match: (code) => ({
      first_name_match: null,
      last_name_match: null,
      address_lines_match: null,
      city_match: null,
      state_match: null,
      postal_code_match: null,
      address_country_match: null,
      national_id_match: null,
      date_of_birth_match: null,
      summary_score: null,
      error_code: code,
      error_message: ERROR_MESSAGES[code] ?? null,
    }),
    reassigned_number: (code) => ({ last_verified_date: null, is_number_reassigned: null, error_code: String(code) }),
    sms_pumping_risk: (code) => ({
      carrier_risk_category: null,
      number_blocked: null,
      number_blocked_date: null,
      number_blocked_last_3_months: null,
      sms_pumping_risk_score: null,
      error_code: code,
    }),
    phone_number_quality_score: (code) => ({
      carrier_risk_score: null,
      carrier_risk_category: null,
      disposable_phone_risk_score: null,
      disposable_phone_risk_category: null,
      quality_score: null,
      quality_category: null,
      velocity_risk_score: null,
      velocity_risk_category: null,
      error_code: code,
    }),
    pre_fill: (code) => ({ first_name: null, last_name: null, address_line: null, country_code: null, state: null, postal_code: null, error_code: code }),
  };
  return empty[pkg](errorCode);
}

/** identity_match is the one package with a message beside its code. */
const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  [PACKAGE_ERRORS.noDataSource]: 'No data source is configured for this package',
  [PACKAGE_ERRORS.noData]: 'The data source has no data for this number',
  [PACKAGE_ERRORS.sourceFailed]: 'The data source failed',
};
