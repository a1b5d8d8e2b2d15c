import {
  isSupportedCountry,
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import type { NumberValidation, ValidationError } from './types.js';

/** Twilio's default for national-format input without CountryCode: North America (+1). */
export const DEFAULT_COUNTRY: CountryCode = 'US';

/** libphonenumber-js's reasons, in Twilio's words. */
const REASONS: Readonly<Record<string, ValidationError>> = {
  INVALID_COUNTRY: 'INVALID_COUNTRY_CODE',
  NOT_A_NUMBER: 'NOT_A_NUMBER',
  TOO_SHORT: 'TOO_SHORT',
  TOO_LONG: 'TOO_LONG',
  INVALID_LENGTH: 'INVALID_LENGTH',
};

const reason = (code: string): ValidationError => REASONS[code] ?? 'NOT_A_NUMBER';

/** A validation result and, for a valid number, the parsed number the packages work from. */
export interface Analysis {
  validation: NumberValidation;
  number: PhoneNumber | null;
}

function invalid(phoneNumber: string, error: ValidationError): Analysis {
  // Twilio's own invalid example (+141599299600, TOO_LONG) nulls the country fields even where a calling code
  // could be read: an invalid number gets no country, here either.
  return {
    validation: {
      calling_country_code: null,
      country_code: null,
      national_format: null,
      phone_number: phoneNumber,
      valid: false,
      validation_errors: [error],
    },
    number: null,
  };
}

/**
 * Validates and formats a number offline with libphonenumber-js's full metadata. Input is E.164 or national;
 * countryCode (ISO 3166 alpha-2) says how to read national input, defaulting to US as Twilio does.
 */
export function analyse(input: string, countryCode?: string): Analysis {
  const raw = input.trim();
  const requested = countryCode?.trim().toUpperCase() || DEFAULT_COUNTRY;
  const international = raw.startsWith('+');
  if (!international && !isSupportedCountry(requested)) return invalid(raw, 'INVALID_COUNTRY_CODE');
  const defaultCountry = international ? undefined : (requested as CountryCode);

  let number: PhoneNumber;
  try {
    // extract: false so that "call +1 415..." is not a number: Twilio treats the whole input as the number.
    number = parsePhoneNumberWithError(raw, { defaultCountry, extract: false });
  } catch (err) {
    return invalid(raw, err instanceof ParseError ? reason(err.message) : 'NOT_A_NUMBER');
  }
  if (!number.isValid()) {
    const lengthProblem = validatePhoneNumberLength(raw, defaultCountry);
    return invalid(number.number, lengthProblem ? reason(lengthProblem) : 'INVALID_BUT_POSSIBLE');
  }
  return {
    validation: {
      calling_country_code: number.countryCallingCode,
      // Non-geographic numbers (+800, +883) belong to no country.
      country_code: number.country ?? null,
      phone_number: number.number,
      national_format: number.formatNational(),
      valid: true,
      validation_errors: [],
    },
    number,
  };
}

/** The basic lookup alone: E.164, national format, validity and why not. */
export function validatePhoneNumber(input: string, countryCode?: string): NumberValidation {
  return analyse(input, countryCode).validation;
}
