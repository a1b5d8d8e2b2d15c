import type { PhoneNumber } from 'libphonenumber-js/max';
import type { LineType, LineTypeIntelligenceInfo } from './types.js';

// libphonenumber-js's number types, in Lookup's line type words. Offline data knows number ranges, not carriers:
// where a plan does not tell mobile from fixed (all of +1), the answer is unknown rather than a guess.
const LINE_TYPES: Readonly<Record<string, LineType>> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'landline',
  FIXED_LINE_OR_MOBILE: 'unknown',
  // VoIP ranges in the metadata are not tied to a subscriber address, which is Lookup's nonFixedVoip.
  VOIP: 'nonFixedVoip',
  TOLL_FREE: 'tollFree',
  PREMIUM_RATE: 'premium',
  SHARED_COST: 'sharedCost',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
  PAGER: 'pager',
  PERSONAL_NUMBER: 'personal',
};

export function lineTypeOf(number: PhoneNumber): LineType {
  const type = number.getType();
  return (type && LINE_TYPES[type]) || 'unknown';
}

/** line_type_intelligence from the numbering plan alone: the type, and no carrier (that needs a data source). */
export function offlineLineTypeIntelligence(number: PhoneNumber): LineTypeIntelligenceInfo {
  return { mobile_country_code: null, mobile_network_code: null, carrier_name: null, type: lineTypeOf(number), error_code: null };
}
