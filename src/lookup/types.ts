// Twilio Lookup v2's response, field for field (twilio_lookups_v2.json, LookupResponse): snake_case because this
// object is the JSON body. Every package field is null when not requested, as Twilio returns it.

export const VALIDATION_ERRORS = ['TOO_SHORT', 'TOO_LONG', 'INVALID_BUT_POSSIBLE', 'INVALID_COUNTRY_CODE', 'INVALID_LENGTH', 'NOT_A_NUMBER'] as const;
export type ValidationError = (typeof VALIDATION_ERRORS)[number];

export type LineType =
  | 'mobile'
  | 'landline'
  | 'tollFree'
  | 'fixedVoip'
  | 'nonFixedVoip'
  | 'personal'
  | 'premium'
  | 'voicemail'
  | 'sharedCost'
  | 'uan'
  | 'pager'
  | 'unknown';

export interface CallerNameInfo {
  caller_name: string | null;
  /** CONSUMER, BUSINESS or UNDETERMINED. */
  caller_type: string | null;
  error_code: number | null;
}

export interface LastSimSwap {
  last_sim_swap_date: string | null;
  /** ISO-8601 duration, e.g. PT24H. */
  swapped_period: string | null;
  swapped_in_period: boolean | null;
}

export interface SimSwapInfo {
  last_sim_swap: LastSimSwap | null;
  carrier_name: string | null;
  mobile_country_code: string | null;
  mobile_network_code: string | null;
  error_code: number | null;
}

export interface CallForwardingInfo {
  call_forwarding_enabled: boolean | null;
  error_code: number | null;
}

export interface LineStatusInfo {
  /** active, inactive, unreachable, unknown. */
  status: string | null;
  error_code: number | null;
}

export interface LineTypeIntelligenceInfo {
  mobile_country_code: string | null;
  mobile_network_code: string | null;
  carrier_name: string | null;
  type: LineType | null;
  error_code: number | null;
}

export interface IdentityMatchInfo {
  first_name_match: string | null;
  last_name_match: string | null;
  address_lines_match: string | null;
  city_match: string | null;
  state_match: string | null;
  postal_code_match: string | null;
  address_country_match: string | null;
  national_id_match: string | null;
  date_of_birth_match: string | null;
  summary_score: number | null;
  error_code: number | null;
  error_message: string | null;
}

export interface ReassignedNumberInfo {
  last_verified_date: string | null;
  /** yes, no, no_data_available. */
  is_number_reassigned: string | null;
  /** A string in Twilio's spec, unlike every other package's error_code. */
  error_code: string | null;
}

export interface SmsPumpingRiskInfo {
  carrier_risk_category: string | null;
  number_blocked: boolean | null;
  number_blocked_date: string | null;
  number_blocked_last_3_months: boolean | null;
  sms_pumping_risk_score: number | null;
  error_code: number | null;
}

export interface PhoneNumberQualityScoreInfo {
  carrier_risk_score: number | null;
  carrier_risk_category: string | null;
  disposable_phone_risk_score: number | null;
  disposable_phone_risk_category: string | null;
  quality_score: number | null;
  quality_category: string | null;
  velocity_risk_score: number | null;
  velocity_risk_category: string | null;
  error_code: number | null;
}

export interface PreFillInfo {
  first_name: string | null;
  last_name: string | null;
  address_line: string | null;
  country_code: string | null;
  state: string | null;
  postal_code: string | null;
  error_code: number | null;
}

/** The data packages, by the Fields name that asks for them. */
export interface PackageInfo {
  caller_name: CallerNameInfo;
  sim_swap: SimSwapInfo;
  call_forwarding: CallForwardingInfo;
  line_status: LineStatusInfo;
  line_type_intelligence: LineTypeIntelligenceInfo;
  identity_match: IdentityMatchInfo;
  reassigned_number: ReassignedNumberInfo;
  sms_pumping_risk: SmsPumpingRiskInfo;
  phone_number_quality_score: PhoneNumberQualityScoreInfo;
  pre_fill: PreFillInfo;
}

export type DataPackage = keyof PackageInfo;

/** In the order Twilio's JSON lists them. */
export const DATA_PACKAGES: readonly DataPackage[] = [
  'caller_name',
  'sim_swap',
  'call_forwarding',
  'line_status',
  'line_type_intelligence',
  'identity_match',
  'reassigned_number',
  'sms_pumping_risk',
  'phone_number_quality_score',
  'pre_fill',
];

/** What Fields may name: the packages, and `validation`, which the basic lookup always includes. */
export type LookupField = 'validation' | DataPackage;

/** The basic lookup: free at Twilio, answered offline here. */
export interface NumberValidation {
  calling_country_code: string | null;
  country_code: string | null;
  /** E.164 when the input parsed as a number; the input as given otherwise. */
  phone_number: string;
  national_format: string | null;
  valid: boolean;
  validation_errors: ValidationError[];
}

export type LookupResponse = NumberValidation & { [P in DataPackage]: PackageInfo[P] | null } & { url: string };
