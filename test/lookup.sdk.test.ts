import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './support/harness.js';
import { LOOKUP_NULLS, validateAgainstSpec } from './support/oai.js';

let s: TestServer;
const schemaErrors = (body: unknown) => validateAgainstSpec('twilio_lookups_v2.json', 'LookupResponse', body, LOOKUP_NULLS);

before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

test('the official SDK looks up a German mobile with line_type_intelligence', async () => {
  const r = await s.client.lookups.v2.phoneNumbers('+4915123456789').fetch({ fields: 'line_type_intelligence' });
  assert.deepEqual(
    [r.phoneNumber, r.countryCode, r.callingCountryCode, r.nationalFormat, r.valid, r.validationErrors],
    ['+4915123456789', 'DE', '49', '01512 3456789', true, []],
  );
  assert.deepEqual({ ...r.lineTypeIntelligence }, { mobileCountryCode: null, mobileNetworkCode: null, carrierName: null, type: 'mobile', errorCode: null });
  assert.equal(r.callerName, null);
  assert.equal(r.url, `${s.url}/lookups/v2/PhoneNumbers/+4915123456789`);
});

test("raw responses validate against Twilio's spec: basic, national with CountryCode, several packages, invalid", async () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['/lookups/v2/PhoneNumbers/+14159929960', { phone_number: '+14159929960', valid: true, caller_name: null, line_type_intelligence: null }],
    [`/lookups/v2/PhoneNumbers/${encodeURIComponent('0151 23456789')}?CountryCode=DE`, { phone_number: '+4915123456789', country_code: 'DE' }],
    [
      '/lookups/v2/PhoneNumbers/+447772000001?Fields=caller_name,line_type_intelligence',
      {
        caller_name: { caller_name: null, caller_type: null, error_code: 60606 },
        line_type_intelligence: { mobile_country_code: null, mobile_network_code: null, carrier_name: null, type: 'mobile', error_code: null },
      },
    ],
    ['/lookups/v2/PhoneNumbers/+141599299600', { valid: false, validation_errors: ['TOO_LONG'], country_code: null }],
  ];
  for (const [path, expected] of cases) {
    const res = await s.fetch(path);
    assert.equal(res.status, 200, path);
    const body = (await res.json()) as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(body[k], v, `${path} ${k}`);
    assert.deepEqual(schemaErrors(body), [], path);
  }
});

test('the SDK reads a national number with CountryCode; an unknown field is 20001; no credentials is 20003', async () => {
  const r = await s.client.lookups.v2.phoneNumbers('07772000001').fetch({ countryCode: 'GB' });
  assert.deepEqual([r.phoneNumber, r.countryCode, r.valid], ['+447772000001', 'GB', true]);
  await assert.rejects(
    s.client.lookups.v2.phoneNumbers('+14159929960').fetch({ fields: 'carrier' }),
    (e: { code: number; status: number }) => e.code === 20001 && e.status === 400,
  );
  const anonymous = await fetch(`${s.url}/lookups/v2/PhoneNumbers/+14159929960`);
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { code: number }).code, 20003);
});
