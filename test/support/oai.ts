// Validates a value against a named schema of one of Twilio's OpenAPI specs (twilio-oai), so tests catch drift
// between what Switchboard returns and what the official SDKs are generated from.
//
// Twilio's specs are OpenAPI 3.0 with quirks a plain JSON-Schema validator trips on:
// - `nullable: true`, sometimes without a `type` (Ajv refuses that pairing): rewritten to anyOf [null, schema];
// - `$ref` with sibling keywords, and vendor keywords (`x-twilio`): harmless under `strict: false`;
// - home-made formats (phone-number, date-time-rfc-2822, uri-map...): registered below;
// - Twilio's own examples put null in properties the schema does not mark nullable (validation_errors,
//   error_code, whole packages). So by default every property may be null ("lenient"); pass
//   `{ nulls: 'declared' }` to hold a value to the spec's nullable flags exactly.
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
  nulls?: 'lenient' | 'declared';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const orNull = (schema: Json): JsonObject => ({ anyOf: [{ type: 'null' }, schema] });

const COMPOSITE = new Set(['items', 'additionalProperties', 'not']);
const LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

/** Rewrites one OpenAPI schema into plain JSON Schema; `property` is true for a value under `properties`. */
function convert(node: Json, lenient: boolean, property: boolean): Json {
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  let nullable = false;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') nullable = value === true;
    else if (key.startsWith('x-') || key === 'example' || key === 'examples') continue;
    else if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/components/schemas/', '#/definitions/');
    else if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, convert(schema, lenient, true)]));
    } else if (COMPOSITE.has(key)) out[key] = convert(value, lenient, false);
    else if (LISTS.has(key) && Array.isArray(value)) out[key] = value.map((v) => convert(v, lenient, false));
    else out[key] = value;
  }
  return nullable || (lenient && property) ? orNull(out) : out;
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

function validator(specFile: string, schemaName: string, lenient: boolean): ValidateFunction {
  const key = `${specFile}\0${schemaName}\0${lenient}`;
  let validate = validators.get(key);
  if (validate) return validate;
  const components = loadSpec(specFile)['components'];
  const schemas = isObject(components) ? components['schemas'] : undefined;
  if (!isObject(schemas) || !isObject(schemas[schemaName])) throw new Error(`${specFile} has no schema ${schemaName}`);
  const definitions = Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, convert(s, lenient, false)]));
  validate = instance().compile({ definitions, $ref: `#/definitions/${schemaName}` });
  validators.set(key, validate);
  return validate;
}

/** The anyOf [null, schema] wrappers make Ajv report the null branch too; that half is noise. */
function readable(errors: ErrorObject[]): string[] {
  return errors
    .filter((e) => !(e.keyword === 'type' && e.params['type'] === 'null') && e.keyword !== 'anyOf')
    .map((e) => {
      const allowed = e.keyword === 'enum' ? ` (${(e.params['allowedValues'] as unknown[]).join(', ')})` : '';
      return `${e.instancePath || '/'} ${e.message ?? e.keyword}${allowed}`;
    });
}

/**
 * Validates `value` against `components.schemas[schemaName]` of a twilio-oai spec file (a bare name such as
 * `twilio_lookups_v2.json` is looked up in SPEC_DIR). Returns the errors, empty when the value is valid.
 */
export function validateAgainstSpec(specFile: string, schemaName: string, value: unknown, options: SpecValidationOptions = {}): string[] {
  const validate = validator(specFile, schemaName, (options.nulls ?? 'lenient') === 'lenient');
  return validate(value) ? [] : readable(validate.errors ?? []);
}
