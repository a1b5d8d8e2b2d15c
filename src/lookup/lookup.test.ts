import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApiError } from '../core/errors.js';
import { PACKAGE_ERRORS, type LookupDataSource } from './data-source.js';
import { lookupPhoneNumber } from './lookup.js';
import { DATA_PACKAGES, type LookupResponse } from './types.js';
import { validatePhoneNumber } from './validate.js';

// test/support is outside tsconfig.json's rootDir (src), so the shared helper is loaded by URL, typed here.
type SpecOptions = { extra?: readonly string[]; optional?: readonly string[]; nullable?: readonly string[] };
type ValidateAgainstSpec = (specFile: string, schemaName: string, value: unknown, options?: SpecOptions) => string[];
const oai = (await import(new URL('../../test/support/oai.ts', import.meta.url).href)) as {
  validateAgainstSpec: ValidateAgainstSpec;
  SPEC_DIR: string;
  LOOKUP_NULLS: SpecOptions;
};
const SPEC = 'twilio_lookups_v2.json';
const schemaErrors = (value: unknown) => oai.validateAgainstSpec(SPEC, 'LookupResponse', value, oai.LOOKUP_NULLS);

const BASE = 'https://lookups.twilio.com';
const lookup = (phoneNumber: string, extra: { countryCode?: string; fields?: string[] } = {}, dataSource?: LookupDataSource) =>
  lookupPhoneNumber({ phoneNumber, baseUrl: BASE, ...extra }, { dataSource });

/** Twilio's example responses for GET /v2/PhoneNumbers/{PhoneNumber}, by name. */
function specExamples(): Record<string, LookupResponse> {
  const spec = JSON.parse(readFileSync(`${oai.SPEC_DIR}/${SPEC}`, 'utf8')) as {
    paths: Record<string, { get: { responses: { 200: { content: { 'application/json': { examples: Record<string, { value: LookupResponse }> } } } } } }>;
  };
  const examples = spec.paths['/v2/PhoneNumbers/{PhoneNumber}']?.get.responses[200].content['application/json'].examples ?? {};
  return Object.fromEntries(Object.entries(examples).map(([name, e]) => [name, e.value]));
}

test("valid US number: the basic lookup matches Twilio's own example", async () => {
  const r = await lookup('+14159929960');
  const example = specExamples()['fetch'];
  // Twilio's examples disagree on validation_errors for a valid number (null here, [] elsewhere); we send [].
  assert.deepEqual(r, { ...example, validation_errors: [] });
  assert.deepEqual(Object.keys(r), Object.keys(example ?? {}));
  assert.deepEqual(schemaErrors(r), []);
});

test("an invalid number is a 200 body with valid false, exactly Twilio's TOO_LONG example", async () => {
  const r = await lookup('+141599299600');
  assert.deepEqual(r, specExamples()['fetchInvalid']);
  assert.deepEqual(schemaErrors(r), []);
});

test('GB and DE numbers, E.164 and national with CountryCode', async () => {
  const gb = await lookup('07772 000001', { countryCode: 'GB' });
  assert.deepEqual(
    [gb.calling_country_code, gb.country_code, gb.phone_number, gb.national_format, gb.valid, gb.url],
    ['44', 'GB', '+447772000001', '07772 000001', true, `${BASE}/v2/PhoneNumbers/+447772000001`],
  );
  const de = await lookup('+49 30 12345678');
  assert.deepEqual([de.country_code, de.phone_number, de.national_format, de.valid], ['DE', '+493012345678', '030 12345678', true]);
  const deNational = await lookup('0151 23456789', { countryCode: 'de' });
  assert.deepEqual([deNational.phone_number, deNational.valid], ['+4915123456789', true]);
  for (const r of [gb, de, deNational]) assert.deepEqual(schemaErrors(r), []);
});

test('national format without CountryCode is read as North American, as Twilio does', async () => {
  for (const input of ['(415) 992-9960', '415-992-9960', '4159929960']) {
    const r = await lookup(input);
    assert.deepEqual([r.phone_number, r.country_code, r.valid], ['+14159929960', 'US', true], input);
  }
});

test('validation errors, one per reason libphonenumber can give', async () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['+1415', undefined, 'TOO_SHORT'],
    ['+141599299600', undefined, 'TOO_LONG'],
    ['+4412345678', undefined, 'INVALID_LENGTH'],
    ['+15551234567', undefined, 'INVALID_BUT_POSSIBLE'],
    ['+999123456', undefined, 'INVALID_COUNTRY_CODE'],
    ['4159929960', 'ZZ', 'INVALID_COUNTRY_CODE'],
    ['not a number', undefined, 'NOT_A_NUMBER'],
    ['', undefined, 'NOT_A_NUMBER'],
    ['+', undefined, 'NOT_A_NUMBER'],
    ['call +14159929960 now', undefined, 'NOT_A_NUMBER'],
  ];
  for (const [input, countryCode, reason] of cases) {
    const r = await lookup(input, { countryCode });
    assert.deepEqual([r.valid, r.validation_errors, r.calling_country_code, r.country_code, r.national_format], [false, [reason], null, null, null], input);
    assert.deepEqual(schemaErrors(r), [], input);
  }
  // Garbage is echoed back; anything that parsed comes back in E.164.
  assert.equal((await lookup('not a number')).url, `${BASE}/v2/PhoneNumbers/not%20a%20number`);
  assert.equal(validatePhoneNumber('+1 555 123 4567').phone_number, '+15551234567');
});

test('line_type_intelligence from the numbering plan: never a guess', async () => {
  const types: Array<[string, string]> = [
    ['+4915123456789', 'mobile'],
    ['+447772000001', 'mobile'],
    ['+493012345678', 'landline'],
    ['+14159929960', 'unknown'], // +1 does not tell mobile from fixed
    ['+18005550199', 'tollFree'],
    ['+883510000000000', 'nonFixedVoip'],
  ];
  for (const [number, type] of types) {
    const r = await lookup(number, { fields: ['line_type_intelligence'] });
    assert.deepEqual(r.line_type_intelligence, { mobile_country_code: null, mobile_network_code: null, carrier_name: null, type, error_code: null }, number);
    assert.deepEqual(schemaErrors(r), [], number);
  }
});

test("packages without a data source come back in Twilio's shape, null, with error_code 60606", async () => {
  const r = await lookup('+447772000001', {
    fields: [
      'caller_name,sim_swap',
      ' call_forwarding ',
      'line_status',
      'identity_match',
      'reassigned_number',
      'sms_pumping_risk',
      'phone_number_quality_score',
      'pre_fill',
      'validation',
    ],
  });
  assert.deepEqual(r.caller_name, { caller_name: null, caller_type: null, error_code: 60606 });
  assert.deepEqual(r.sim_swap, { last_sim_swap: null, carrier_name: null, mobile_country_code: null, mobile_network_code: null, error_code: 60606 });
  assert.deepEqual(r.call_forwarding, { call_forwarding_enabled: null, error_code: 60606 });
  assert.deepEqual(r.line_status, { status: null, error_code: 60606 });
  assert.equal(r.identity_match?.error_code, 60606);
  assert.equal(typeof r.identity_match?.error_message, 'string');
  assert.deepEqual(r.reassigned_number, { last_verified_date: null, is_number_reassigned: null, error_code: '60606' });
  assert.equal(r.sms_pumping_risk?.error_code, 60606);
  assert.equal(r.phone_number_quality_score?.error_code, 60606);
  assert.equal(r.pre_fill?.error_code, 60606);
  assert.equal(r.line_type_intelligence, null);
  // Each empty package has exactly the keys of Twilio's example for it.
  const examples = specExamples();
  for (const [name, example] of Object.entries(examples)) {
    for (const pkg of DATA_PACKAGES) {
      const theirs = example[pkg];
      if (theirs && pkg !== 'line_type_intelligence') assert.deepEqual(Object.keys(r[pkg] ?? {}).sort(), Object.keys(theirs).sort(), `${name} ${pkg}`);
    }
  }
  assert.deepEqual(schemaErrors(r), []);
});

test('a data source fills packages; no data is 60600, a failure 60608', async () => {
  const calls: string[] = [];
  const source: LookupDataSource = {
    caller_name: async (q) => {
      calls.push(q.phoneNumber);
      return { caller_name: 'Sergio Suarez', caller_type: 'CONSUMER', error_code: null };
    },
    line_status: async () => null,
    sim_swap: async () => {
      throw new Error('upstream down');
    },
    line_type_intelligence: async (q) => ({
      mobile_country_code: '234',
      mobile_network_code: '15',
      carrier_name: 'Vodafone UK',
      type: q.countryCode === 'GB' ? 'mobile' : null,
      error_code: null,
    }),
  };
  const r = await lookup('+447772000001', { fields: ['caller_name,line_status,sim_swap,line_type_intelligence'] }, source);
  assert.deepEqual(calls, ['+447772000001']);
  assert.deepEqual(r.caller_name, { caller_name: 'Sergio Suarez', caller_type: 'CONSUMER', error_code: null });
  assert.equal(r.line_status?.error_code, PACKAGE_ERRORS.noData);
  assert.equal(r.sim_swap?.error_code, PACKAGE_ERRORS.sourceFailed);
  assert.equal(r.line_type_intelligence?.carrier_name, 'Vodafone UK');
  assert.deepEqual(schemaErrors(r), []);

  // A carrier source with nothing to say falls back to the numbering plan.
  const fallback = await lookup('+4915123456789', { fields: ['line_type_intelligence'] }, { line_type_intelligence: async () => null });
  assert.equal(fallback.line_type_intelligence?.type, 'mobile');
});

test('an invalid number runs no package: the source is not asked, packages say 60600', async () => {
  let asked = false;
  const r = await lookup(
    '+1415',
    { fields: ['caller_name', 'line_type_intelligence'] },
    {
      caller_name: async () => {
        asked = true;
        return null;
      },
    },
  );
  assert.equal(asked, false);
  assert.deepEqual(r.caller_name, { caller_name: null, caller_type: null, error_code: 60600 });
  assert.equal(r.line_type_intelligence?.error_code, 60600);
  assert.deepEqual(schemaErrors(r), []);
});

test("an unknown field is the client's error: 400, code 20001", async () => {
  await assert.rejects(lookup('+14159929960', { fields: ['carrier'] }), (err: unknown) => err instanceof ApiError && err.code === 20001 && err.status === 400);
});

test("url is built on the caller's base URL", async () => {
  const r = await lookupPhoneNumber({ phoneNumber: '+14159929960', baseUrl: 'http://127.0.0.1:4242/lookups/' });
  assert.equal(r.url, 'http://127.0.0.1:4242/lookups/v2/PhoneNumbers/+14159929960');
});

test("oai helper: Twilio's examples pass with Lookup's documented nulls, fail without them; missing, extra and bad values fail", () => {
  for (const [name, example] of Object.entries(specExamples())) assert.deepEqual(schemaErrors(example), [], name);
  const fetch = specExamples()['fetch']!;
  assert.ok(oai.validateAgainstSpec(SPEC, 'LookupResponse', fetch).length > 0);
  const { url: _url, ...withoutUrl } = fetch;
  assert.deepEqual(schemaErrors(withoutUrl), ["/ must have required property 'url'"]);
  assert.deepEqual(schemaErrors({ ...fetch, carrier: 'x' }), ['/ has carrier, which the spec does not list']);
  assert.ok(schemaErrors({}).length >= 17, 'an empty object is not a lookup');
  const errors = schemaErrors({
    ...fetch,
    valid: 'yes',
    validation_errors: ['WRONG'],
    url: 'not a uri',
    line_type_intelligence: {
      mobile_country_code: null,
      mobile_network_code: null,
      carrier_name: null,
      type: null,
      error_code: 'x',
    },
  });
  assert.deepEqual(errors.map((e) => e.split(' ')[0]).sort(), ['/line_type_intelligence/error_code', '/url', '/valid', '/validation_errors/0']);
  assert.throws(() => oai.validateAgainstSpec(SPEC, 'NoSuchSchema', {}), /no schema NoSuchSchema/);
  assert.deepEqual(
    oai.validateAgainstSpec('twilio_api_v2010.json', 'api.v2010.account', {
      auth_token: null,
      date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
      date_updated: null,
      friendly_name: 'x',
      owner_account_sid: null,
      sid: 'AC00000000000000000000000000000000',
      status: 'active',
      subresource_uris: {},
      type: 'Full',
      uri: '/2010-04-01/Accounts/AC0.json',
    }),
    [],
  );
});
