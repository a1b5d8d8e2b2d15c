// Validates a value against a named schema of one of Twilio's OpenAPI specs (twilio-oai), so tests catch drift
// between what Switchboard returns and what the official SDKs are generated from.
//
// Strict by default, because a lenient check passes `{}` as a Message: every property the schema lists must be
// present (Twilio's responses carry every field, null when it has no value), no property it does not list may
// appear, and null is accepted only where the spec says `nullable: true`. The few places where Twilio's live API
// differs from its own spec are passed as named exceptions (`extra`, `optional`, `nullable`), each with the reason at the call.
//
// Twilio's specs are OpenAPI 3.0 with quirks a plain JSON-Schema validator trips on:
// - `nullable: true`, sometimes without a `type` (Ajv refuses that pairing): rewritten to anyOf [null, schema];
// - `$ref` with sibling keywords, and vendor keywords (`x-twilio`): harmless under `strict: false`;
// - home-made formats (phone-number, date-time-rfc-2822, uri-map...): registered below.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

/**
 * Where the specs live: `test/twilio-oai/`, copies of Twilio's published specs (MIT, LICENSE beside them)
 * kept in the repository so a fresh clone tests itself. TWILIO_OAI_DIR points at another copy (a newer
 * release, say) to check for drift.
 */
export const SPEC_DIR = process.env.TWILIO_OAI_DIR ?? fileURLToPath(new URL('../twilio-oai/', import.meta.url));

export interface SpecValidationOptions {
  /** Properties the value may carry although the schema does not list them: `type`, `capabilities/SMS`. */
  extra?: readonly string[];
  /** Properties the value may leave out although the schema lists them: `ice_servers/[]/username`. */
  optional?: readonly string[];
  /**
   * What may be null although the spec does not declare it nullable: a property (`caller_name`), or every
   * property of a component schema (`CallerNameInfo.*`).
   */
  nullable?: readonly string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const orNull = (schema: Json): JsonObject => ({ anyOf: [{ type: 'null' }, schema] });

const COMPOSITE = new Set(['items', 'additionalProperties', 'not']);
const LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

/**
 * Rewrites one OpenAPI schema into plain JSON Schema: an object schema that lists properties requires them all
 * and allows no others (`closed`), and null is allowed only where the spec declares `nullable`.
 */
function convert(node: Json): Json {
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  let nullable = false;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') nullable = value === true;
    else if (key.startsWith('x-') || key === 'example' || key === 'examples' || key === 'required') continue;
    else if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/components/schemas/', '#/definitions/');
    else if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, convert(schema)]));
      out['required'] = Object.keys(value);
      out['additionalProperties'] = false;
    } else if (COMPOSITE.has(key)) out[key] = convert(value);
    else if (LISTS.has(key) && Array.isArray(value)) out[key] = value.map((v) => convert(v));
    else out[key] = value;
  }
  return nullable ? orNull(out) : out;
}

const TWILIO_FORMATS: Record<string, RegExp | true> = {
  'phone-number': true, // also client:alice, sip:..., and invalid numbers echoed back by Lookup
  'iso-country-code': /^[A-Z]{2}$/,
  'http-method': /^(GET|POST|PUT|PATCH|DELETE|HEAD)$/i,
  'date-time-rfc-2822': /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/,
  currency: /^[A-Za-z]{3}$/,
  'uri-map': true,
  'phone-number-capabilities': true,
  'ice-server': true,
  endpoint: true,
  twiml: true,
  mp4: true,
  webm: true,
  'recording-rule': true,
  'subscribe-rule': true,
};

const specs = new Map<string, JsonObject>();
const validators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function instance(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true });
  formats.default(ajv);
  for (const [name, format] of Object.entries(TWILIO_FORMATS)) ajv.addFormat(name, format);
  return ajv;
}

function loadSpec(specFile: string): JsonObject {
  const path = isAbsolute(specFile) ? specFile : join(SPEC_DIR, specFile);
  let spec = specs.get(path);
  if (!spec) {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Json;
    if (!isObject(parsed)) throw new Error(`${path} is not an OpenAPI document`);
    spec = parsed;
    specs.set(path, spec);
  }
  return spec;
}

const leaf = (path: string) => path.split('/').at(-1)!;

/**
 * The object schema holding the last property of `path` (`capabilities/SMS`, `ice_servers/[]/username`: `[]`
 * steps into an array's items) and its `properties`, looking through the anyOf wrapper of a nullable.
 */
function objectAt(root: Json, path: string, option: string): [JsonObject, JsonObject] {
  let node = root;
  const unwrap = (n: Json): Json => (isObject(n) && Array.isArray(n['anyOf']) ? (n['anyOf'][1] ?? n) : n);
  for (const step of path.split('/').slice(0, -1)) {
    node = unwrap(node);
    const next = !isObject(node) ? undefined : step === '[]' ? node['items'] : isObject(node['properties']) ? node['properties'][step] : undefined;
    if (next === undefined) throw new Error(`${option}: no ${step} on the way to ${path}`);
    node = next;
  }
  node = unwrap(node);
  if (!isObject(node) || !isObject(node['properties'])) throw new Error(`${option}: ${path} is not in an object schema with properties`);
  return [node, node['properties']];
}

function validator(specFile: string, schemaName: string, options: SpecValidationOptions): ValidateFunction {
  const { extra = [], optional = [], nullable = [] } = options;
  const key = `${specFile}\0${schemaName}\0${extra.join(',')}\0${optional.join(',')}\0${nullable.join(',')}`;
  let validate = validators.get(key);
  if (validate) return validate;
  const components = loadSpec(specFile)['components'];
  const schemas = isObject(components) ? components['schemas'] : undefined;
  if (!isObject(schemas) || !isObject(schemas[schemaName])) throw new Error(`${specFile} has no schema ${schemaName}`);
  const definitions = Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, convert(s)]));
  for (const entry of nullable.filter((n) => n.endsWith('.*'))) {
    const schema = definitions[entry.slice(0, -2)];
    if (!isObject(schema) || !isObject(schema['properties'])) throw new Error(`${specFile} has no object schema ${entry.slice(0, -2)}`);
    schema['properties'] = Object.fromEntries(Object.entries(schema['properties']).map(([name, p]) => [name, orNull(p)]));
  }
  // The exceptions edit a copy of the named schema, compiled under its own name.
  const target = structuredClone(definitions[schemaName]) as Json;
  for (const path of extra) objectAt(target, path, 'extra')[1][leaf(path)] ??= {};
  for (const path of nullable.filter((n) => !n.endsWith('.*'))) {
    const properties = objectAt(target, path, 'nullable')[1];
    const schema = properties[leaf(path)];
    if (schema === undefined) throw new Error(`nullable: ${schemaName} has no ${path}`);
    properties[leaf(path)] = orNull(schema);
  }
  for (const path of optional) {
    const [object] = objectAt(target, path, 'optional');
    object['required'] = (object['required'] as string[]).filter((name) => name !== leaf(path));
  }
  definitions['__target'] = target;
  validate = instance().compile({ definitions, $ref: '#/definitions/__target' });
  validators.set(key, validate);
  return validate;
}

/** The anyOf [null, schema] wrappers make Ajv report the null branch too; that half is noise. */
function readable(errors: ErrorObject[]): string[] {
  return errors
    .filter((e) => !(e.keyword === 'type' && e.params['type'] === 'null') && e.keyword !== 'anyOf')
    .map((e) => {
      if (e.keyword === 'additionalProperties') return `${e.instancePath || '/'} has ${String(e.params['additionalProperty'])}, which the spec does not list`;
      const allowed = e.keyword === 'enum' ? ` (${(e.params['allowedValues'] as unknown[]).join(', ')})` : '';
      return `${e.instancePath || '/'} ${e.message ?? e.keyword}${allowed}`;
    });
}

/**
 * Validates `value` against `components.schemas[schemaName]` of a twilio-oai spec file (a bare name such as
 * `twilio_lookups_v2.json` is looked up in SPEC_DIR). Returns the errors, empty when the value is valid.
 */
export function validateAgainstSpec(specFile: string, schemaName: string, value: unknown, options: SpecValidationOptions = {}): string[] {
  const validate = validator(specFile, schemaName, options);
  return validate(value) ? [] : readable(validate.errors ?? []);
}

/**
 * Lookup v2 answers every data package the request did not ask for (and `validation_errors` of a valid number)
 * with null, and a package's fields without a value with null: Twilio's docs say so and every example in its
 * spec shows it, but the Lookup spec marks almost nothing `nullable`.
 */
export const LOOKUP_NULLS: SpecValidationOptions = {
  nullable: [
    'validation_errors',
    'caller_name',
    'sim_swap',
    'call_forwarding',
    'line_type_intelligence',
    'line_status',
    'identity_match',
    'reassigned_number',
    'sms_pumping_risk',
    'phone_number_quality_score',
    'pre_fill',
    'CallerNameInfo.*',
    'SimSwapInfo.*',
    'LastSimSwapInfo.*',
    'CallForwardingInfo.*',
    'LineTypeIntelligenceInfo.*',
    'LineStatusInfo.*',
    'IdentityMatchInfo.*',
    'ReassignedNumberInfo.*',
    'SmsPumpingRiskInfo.*',
  ],
};
