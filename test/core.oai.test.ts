import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SPEC_DIR, validateAgainstSpec } from './support/oai.js';
import { startTestServer, type TestServer } from './support/harness.js';

const SPEC_FILE = 'twilio_api_v2010.json';

type Schema = { $ref?: string; type?: string; nullable?: boolean; properties?: Record<string, Schema>; items?: Schema };
interface Operation {
  operationId: string;
  responses: Record<string, { content?: { 'application/json': { schema: Schema } } }>;
}
const spec = JSON.parse(readFileSync(join(SPEC_DIR, SPEC_FILE), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

function operation(id: string): Operation {
  for (const methods of Object.values(spec.paths)) for (const op of Object.values(methods)) if (op.operationId === id) return op;
  throw new Error(`no operation ${id} in ${SPEC_FILE}`);
}

const refName = (s: Schema) => s.$ref?.replace('#/components/schemas/', '');

/**
 * Fields we return that the schema does not define, each something the live API returns (and SDKs pass
 * through) that the spec omits.
 */
const EXTRA_ALLOWED: Array<[prefix: string, fields: readonly string[]]> = [
  // Buying under /Local, /Mobile, /TollFree returns the same resource; those schemas just omit `type`.
  ['api.v2010.account.incoming_phone_number', ['subresource_uris', 'type']],
  // The spec spells capabilities lowercase; the live API answers SMS/MMS uppercase, so both are sent.
  ['api.v2010.account.available_phone_number_country.available_phone_number_', ['capabilities/SMS', 'capabilities/MMS']],
];

const extraFor = (schemaName: string) => EXTRA_ALLOWED.filter(([prefix]) => schemaName.startsWith(prefix)).flatMap(([, fields]) => fields);

/**
 * The spec marks some `uri` fields `format: uri` while describing them (and giving examples) as relative to
 * https://api.twilio.com; a relative path there is what Twilio sends, so that one complaint is dropped.
 */
function specQuirk(problem: string, value: unknown): boolean {
  const m = /^\/(\w+) must match format "uri"$/.exec(problem);
  const field = m ? (value as Record<string, unknown>)[m[1]!] : undefined;
  return m?.[1] === 'uri' && typeof field === 'string' && field.startsWith('/2010-04-01/');
}

function checkSchema(schemaName: string, value: unknown, where: string): void {
  // Strict: every listed field present, none unlisted, null only where the spec declares it.
  const problems = validateAgainstSpec(SPEC_FILE, schemaName, value, { extra: extraFor(schemaName) }).filter((p) => !specQuirk(p, value));
  assert.deepEqual(problems, [], `${where}: ${schemaName}: ${problems.join('; ')}`);
}

/** A response body against the operation's documented response: a named schema, or an inline list envelope. */
function checkResponse(operationId: string, status: number, body: unknown): void {
  const response = operation(operationId).responses[String(status)];
  assert.ok(response, `${operationId} documents no ${status} response`);
  const schema = response.content!['application/json'].schema;
  const named = refName(schema);
  if (named) return checkSchema(named, body, operationId);
  const obj = body as Record<string, unknown>;
  const props = schema.properties ?? {};
  assert.deepEqual(
    Object.keys(obj).filter((k) => !(k in props)),
    [],
    `${operationId}: envelope fields not in the spec`,
  );
  for (const [key, prop] of Object.entries(props)) {
    const v = obj[key];
    assert.ok(key in obj, `${operationId}: envelope lacks ${key}`);
    if (prop.type === 'array') {
      assert.ok(Array.isArray(v), `${operationId}.${key} is an array`);
      for (const [i, item] of (v as unknown[]).entries()) checkSchema(refName(prop.items!)!, item, `${operationId}.${key}[${i}]`);
    } else if (v === null) assert.ok(prop.nullable, `${operationId}.${key} may not be null`);
    else assert.equal(typeof v, prop.type === 'integer' ? 'number' : prop.type, `${operationId}.${key} type`);
  }
}

describe(`core responses match ${SPEC_FILE}`, () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.close();
  });

  const call = async (operationId: string, path: string, expected: number, form?: Record<string, string>) => {
    const res = await s.fetch(`/2010-04-01${path}`, form ? { method: 'POST', form } : {});
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, expected, `${operationId}: ${JSON.stringify(body)}`);
    checkResponse(operationId, expected, body);
    return body;
  };

  test('Accounts: create, fetch, list, update', async () => {
    const sub = await call('CreateAccount', '/Accounts.json', 201, { FriendlyName: 'oai' });
    await call('FetchAccount', `/Accounts/${s.accountSid}.json`, 200);
    await call('ListAccount', '/Accounts.json?PageSize=1', 200);
    await call('UpdateAccount', `/Accounts/${String(sub.sid)}.json`, 200, { Status: 'suspended' });
  });

  test('Keys: create (new_key), fetch, list, update', async () => {
    const key = await call('CreateNewKey', `/Accounts/${s.accountSid}/Keys.json`, 201, { FriendlyName: 'oai' });
    await call('FetchKey', `/Accounts/${s.accountSid}/Keys/${String(key.sid)}.json`, 200);
    await call('ListKey', `/Accounts/${s.accountSid}/Keys.json`, 200);
    await call('UpdateKey', `/Accounts/${s.accountSid}/Keys/${String(key.sid)}.json`, 200, { FriendlyName: 'renamed' });
  });

  test('Applications: create, fetch, list, update', async () => {
    const app = await call('CreateApplication', `/Accounts/${s.accountSid}/Applications.json`, 201, {
      FriendlyName: 'oai',
      VoiceUrl: 'http://127.0.0.1:3000/voice',
    });
    await call('FetchApplication', `/Accounts/${s.accountSid}/Applications/${String(app.sid)}.json`, 200);
    await call('ListApplication', `/Accounts/${s.accountSid}/Applications.json`, 200);
    await call('UpdateApplication', `/Accounts/${s.accountSid}/Applications/${String(app.sid)}.json`, 200, {
      SmsUrl: 'http://127.0.0.1:3000/sms',
      SmsMethod: 'GET',
    });
  });

  test('IncomingPhoneNumbers: create, fetch, list (two pages), update', async () => {
    const base = `/Accounts/${s.accountSid}/IncomingPhoneNumbers`;
    const n = await call('CreateIncomingPhoneNumber', `${base}.json`, 201, { AreaCode: '415', SmsUrl: 'http://127.0.0.1:3000/sms' });
    await call('CreateIncomingPhoneNumber', `${base}.json`, 201, { PhoneNumber: '+18005550199' });
    await call('CreateIncomingPhoneNumberLocal', `${base}/Local.json`, 201, { AreaCode: '212' });
    await call('CreateIncomingPhoneNumberTollFree', `${base}/TollFree.json`, 201, { PhoneNumber: '+18885550142' });
    await call('FetchIncomingPhoneNumber', `${base}/${String(n.sid)}.json`, 200);
    const page = await call('ListIncomingPhoneNumber', `${base}.json?PageSize=2`, 200);
    assert.ok(page.next_page_uri, 'a second page exists');
    await call('ListIncomingPhoneNumber', `${String(page.next_page_uri).replace('/2010-04-01', '')}`, 200);
    await call('UpdateIncomingPhoneNumber', `${base}/${String(n.sid)}.json`, 200, { VoiceUrl: 'http://127.0.0.1:3000/voice', VoiceCallerIdLookup: 'true' });
  });

  test('AvailablePhoneNumbers: country, Local, Mobile and TollFree lists', async () => {
    const base = `/Accounts/${s.accountSid}/AvailablePhoneNumbers`;
    await call('FetchAvailablePhoneNumberCountry', `${base}/US.json`, 200);
    const local = await call('ListAvailablePhoneNumberLocal', `${base}/US/Local.json?AreaCode=510&PageSize=3`, 200);
    assert.equal((local.available_phone_numbers as unknown[]).length, 3);
    await call('ListAvailablePhoneNumberMobile', `${base}/GB/Mobile.json?PageSize=3`, 200);
    await call('ListAvailablePhoneNumberTollFree', `${base}/US/TollFree.json?PageSize=3`, 200);
  });

  test('the checker itself catches drift', () => {
    assert.throws(() => checkSchema('api.v2010.account', { sid: 'AC1', status: 'dormant' }, 'probe'), /status/);
    assert.throws(() => checkSchema('api.v2010.account.key', { sid: `SK${'0'.repeat(32)}`, secret: 'shown' }, 'probe'), /secret, which the spec does not list/);
    assert.throws(() => checkSchema('api.v2010.account.message', {}, 'probe'), /required property 'sid'/);
    assert.throws(() => checkSchema('api.v2010.account.incoming_phone_number', { voice_url: '' }, 'probe'), /voice_url/);
  });
});
