import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countryOf, E164, isShortCode, isTollFree, normalizeNumber, possibleNumber, toE164, withPlus } from './e164.js';
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { surelyPossible } from './calling-code-lengths.js';

test('toE164 reads written forms by syntax: spaces, brackets, dots and dashes, a missing + on 8-15 digits', () => {
  assert.equal(toE164('+14155550100'), '+14155550100');
  assert.equal(toE164('+1 (415) 555-0100'), '+14155550100');
  assert.equal(toE164('1.415.555.0100'), '+14155550100');
  assert.equal(toE164('14155550100'), '+14155550100');
  assert.equal(toE164('+1234567'), '+1234567', 'seven digits after + is syntactically E.164');
  assert.equal(toE164('+15558675310'), '+15558675310', 'fictional numbers pass: syntax only');
  for (const bad of ['', '12345', '1234567', '+0123456789', '+1234567890123456', 'client:alice', 'sip:+14155550100@host', 'alice']) {
    assert.equal(toE164(bad), null, bad);
  }
});

test('withPlus gives international digit strings their + and leaves everything else alone (SMPP addresses)', () => {
  assert.equal(withPlus('447700900123'), '+447700900123');
  assert.equal(withPlus('+447700900123'), '+447700900123');
  assert.equal(withPlus('12345'), '12345', 'a short code stays a short code');
  assert.equal(withPlus('1234567'), '1234567', 'too short to be international');
  assert.equal(withPlus('1234567890123456'), '1234567890123456', 'too long for E.164');
  assert.equal(withPlus('ACME'), 'ACME', 'an alphanumeric sender');
});

test('normalizeNumber keeps short codes, accepts possible numbers with or without +, refuses the impossible', () => {
  assert.equal(normalizeNumber(' 12345 '), '12345');
  assert.equal(normalizeNumber('+14155550100'), '+14155550100');
  assert.equal(normalizeNumber('14155550100'), '+14155550100');
  assert.equal(normalizeNumber('+1 415 555 0100'), '+14155550100');
  assert.equal(normalizeNumber('+15558675310'), '+15558675310', 'fictional but possible, as Twilio accepts');
  assert.equal(normalizeNumber('+1415'), undefined);
  assert.equal(normalizeNumber('client:alice'), undefined);
  assert.equal(normalizeNumber('+1415'), undefined, 'the cached answer is the same');
});

test('possibleNumber reads national input only with a default region', () => {
  assert.equal(possibleNumber('(415) 555-0100'), undefined);
  assert.equal(possibleNumber('(415) 555-0100', 'US')?.number, '+14155550100');
  assert.equal(possibleNumber('+442071838750')?.country, 'GB');
  assert.equal(possibleNumber('+1415'), undefined);
});

test('E164, isShortCode, isTollFree and countryOf', () => {
  assert.ok(E164.test('+14155550100'));
  assert.ok(!E164.test('14155550100'));
  assert.ok(isShortCode('123') && isShortCode('123456'));
  assert.ok(!isShortCode('12') && !isShortCode('1234567'));
  assert.equal(isTollFree('+18005550100'), true);
  assert.equal(isTollFree('+14155550100'), false);
  assert.equal(countryOf('+442071838750'), 'GB');
  assert.equal(countryOf('+14155550100'), 'US');
  assert.equal(countryOf('alice'), '');
});

test('the +1 shortcut of normalizeNumber agrees with libphonenumber on every area code and exchange shape', () => {
  const viaLibrary = (v: string) => {
    const parsed = parsePhoneNumberFromString(v.startsWith('+') ? v : `+${v}`);
    return parsed?.isPossible() ? parsed.number : undefined;
  };
  // Every 3-digit area code (including the 0xx and 1xx that are not in service), each with a spread of
  // exchanges and line numbers, with and without '+'.
  for (let area = 0; area < 1000; area++) {
    for (const rest of [
      '0000000',
      '1000000',
      '5550100',
      '9999999',
      String(area * 7919)
        .padStart(7, '0')
        .slice(-7),
    ]) {
      const digits = `1${String(area).padStart(3, '0')}${rest}`;
      for (const v of [`+${digits}`, digits]) assert.equal(normalizeNumber(v), viaLibrary(v), v);
    }
  }
});

test('the shared-length shortcut of normalizeNumber agrees with libphonenumber on every calling code', () => {
  const viaLibrary = (v: string) => {
    const parsed = parsePhoneNumberFromString(v);
    return parsed?.isPossible() ? parsed.number : undefined;
  };
  let shortcut = 0;
  // Every calling code, national numbers of 4 to 14 digits, led by each digit (national prefixes are 0, 1, 8,
  // 9 and longer), the rest spread by a fixed multiplier so that every run checks the same numbers.
  const codes = new Set(getCountries().map((c) => getCountryCallingCode(c)));
  for (const code of codes) {
    for (let length = 4; length <= 14; length++) {
      for (let lead = 0; lead <= 9; lead++) {
        for (const seed of [1, 7919, 104_729]) {
          const rest = String((seed * (length + 31 * lead)) % 10 ** (length - 1)).padStart(length - 1, '0');
          const number = `+${code}${lead}${rest}`;
          if (surelyPossible(number)) shortcut++;
          assert.equal(normalizeNumber(number), viaLibrary(number), number);
        }
      }
    }
  }
  assert.ok(shortcut > 10_000, `the shortcut answered ${shortcut} numbers: it must cover most possible ones`);
  assert.equal(surelyPossible('+447700900123'), '+447700900123', 'a UK mobile, the case it is for');
  assert.equal(surelyPossible('+4407700900123'), undefined, 'a national prefix the parser would strip goes to the parser');
});
