/**
 * Carrier settings, one shape for the carriers file (`--carriers-file`) and for the Carriers API, checked
 * in one place so both refuse the same mistakes with a message that names the field.
 */
import { readFileSync } from 'node:fs';
import type tls from 'node:tls';
import type { Concatenation } from './smpp/carrier.js';
import { SmppCarrier } from './smpp/carrier.js';
import type { MessageIdFormat } from './smpp/receipt.js';

export class CarrierConfigError extends Error {}

export interface CarrierConfig {
  name: string;
  host: string;
  port: number;
  /** TLS to the SMSC; `tlsCa` (PEM) trusts a private CA, `tlsInsecure` skips verification (tests only). */
  tls: boolean;
  tlsCa?: string | undefined;
  tlsInsecure?: boolean | undefined;
  systemId: string;
  password: string;
  systemType: string;
  bindMode: 'transceiver' | 'transmitter+receiver';
  window: number;
  /** submit_sm per second at most; null for no limit. */
  throughput: number | null;
  routes: { prefixes: string[]; senders: string[] };
  /** Lower is tried first (like DNS MX preference). */
  priority: number;
  concatenation: Concatenation;
  registeredDelivery: boolean;
  responseTimeoutMs: number;
  enquireLinkSeconds: number;
  submitIdFormat: MessageIdFormat;
  receiptIdFormat: MessageIdFormat;
  defaultAlphabet: 'gsm7' | 'latin1' | 'ascii';
  /** Concatenated MO bounds (docs/smpp.md): timeout after the latest part, sets and estimated bytes held. */
  moReassemblyTimeoutSeconds: number;
  moReassemblyMaxSets: number;
  moReassemblyMaxBytes: number;
  /** What an incomplete set becomes when it times out: one message flagged incomplete, or nothing. */
  moIncompleteSets: 'deliver' | 'drop';
}

const RESERVED = new Set(['simulator', 'internal']);
const ID_FORMATS: readonly string[] = ['string', 'hex', 'decimal'];

type Raw = Record<string, unknown>;

function fail(where: string, field: string, why: string): never {
  throw new CarrierConfigError(`${where}: ${field} ${why}`);
}

function str(o: Raw, where: string, field: string, fallback?: string, max = 255): string {
  const v = o[field];
  if (v === undefined || v === null || v === '') {
    if (fallback !== undefined) return fallback;
    fail(where, field, 'is required');
  }
  if (typeof v !== 'string') fail(where, field, 'must be a string');
  if (v.length > max) fail(where, field, `must be at most ${max} characters`);
  return v;
}

function int(o: Raw, where: string, field: string, fallback: number | null, min: number, max: number): number | null {
  const v = o[field];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) fail(where, field, `must be an integer from ${min} to ${max}`);
  return n;
}

function bool(o: Raw, where: string, field: string, fallback: boolean): boolean {
  const v = o[field];
  if (v === undefined || v === null || v === '') return fallback;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return fail(where, field, 'must be true or false');
}

function oneOf<T extends string>(o: Raw, where: string, field: string, allowed: readonly T[], fallback: T): T {
  const v = o[field];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(where, field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

function list(v: unknown, where: string, field: string, re: RegExp): string[] {
  if (v === undefined || v === null || v === '') return [];
  const items =
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : v;
  if (!Array.isArray(items) || !items.every((i): i is string => typeof i === 'string')) fail(where, field, 'must be a list of strings');
  for (const i of items) if (!re.test(i)) fail(where, field, `has an invalid entry "${i}"`);
  return items;
}

/** Validates one carrier from JSON (file or API); unknown fields are refused so a typo is not ignored. */
export function parseCarrierConfig(input: unknown, where: string): CarrierConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new CarrierConfigError(`${where}: a carrier is a JSON object`);
  const o = input as Raw;
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) fail(where, key, 'is not a carrier setting');
  const name = str(o, where, 'name', undefined, 64);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || RESERVED.has(name)) fail(where, 'name', 'must be letters, digits, _ . - and not simulator or internal');
  const routes = (o.routes ?? {}) as Raw;
  if (typeof routes !== 'object' || Array.isArray(routes)) fail(where, 'routes', 'must be an object with prefixes and senders');
  for (const key of Object.keys(routes)) if (key !== 'prefixes' && key !== 'senders') fail(where, `routes.${key}`, 'is not a route setting');
  const bindMode = oneOf(o, where, 'bindMode', ['transceiver', 'transmitter+receiver'] as const, 'transceiver');
  const throughput = int(o, where, 'throughput', null, 0, 100_000);
  return {
    name,
    host: str(o, where, 'host'),
    port: int(o, where, 'port', 2775, 1, 65535) ?? 2775,
    tls: bool(o, where, 'tls', false),
    tlsCa: o.tlsCa === undefined ? undefined : str(o, where, 'tlsCa', undefined, 65_536),
    tlsInsecure: bool(o, where, 'tlsInsecure', false),
    systemId: str(o, where, 'systemId', undefined, 15),
    password: str(o, where, 'password', '', 8),
    systemType: str(o, where, 'systemType', '', 12),
    bindMode,
    window: int(o, where, 'window', 10, 1, 1000) ?? 10,
    throughput: throughput === 0 ? null : throughput,
    routes: {
      prefixes: list(routes.prefixes, where, 'routes.prefixes', /^\+?\d{0,15}$/).map((p) => (p.startsWith('+') ? p : `+${p}`)),
      senders: list(routes.senders, where, 'routes.senders', /^[\w+ .-]{1,20}$/),
    },
    priority: int(o, where, 'priority', 100, 0, 1_000_000) ?? 100,
    concatenation: oneOf(o, where, 'concatenation', ['udh8', 'udh16', 'sar', 'payload'] as const, 'udh8'),
    registeredDelivery: bool(o, where, 'registeredDelivery', true),
    responseTimeoutMs: int(o, where, 'responseTimeoutMs', 10_000, 100, 120_000) ?? 10_000,
    enquireLinkSeconds: int(o, where, 'enquireLinkSeconds', 30, 0, 3600) ?? 30,
    submitIdFormat: oneOf(o, where, 'submitIdFormat', ID_FORMATS as readonly MessageIdFormat[], 'string'),
    receiptIdFormat: oneOf(o, where, 'receiptIdFormat', ID_FORMATS as readonly MessageIdFormat[], 'string'),
    defaultAlphabet: oneOf(o, where, 'defaultAlphabet', ['gsm7', 'latin1', 'ascii'] as const, 'gsm7'),
    // Kannel's sms-combine-concatenated-mo-timeout default; the set and byte bounds are ours (Kannel has none).
    moReassemblyTimeoutSeconds: int(o, where, 'moReassemblyTimeoutSeconds', 1800, 1, 86_400) ?? 1800,
    moReassemblyMaxSets: int(o, where, 'moReassemblyMaxSets', 10_000, 1, 1_000_000) ?? 10_000,
    moReassemblyMaxBytes: int(o, where, 'moReassemblyMaxBytes', 16 * 1024 * 1024, 65_536, 1024 * 1024 * 1024) ?? 16 * 1024 * 1024,
    moIncompleteSets: oneOf(o, where, 'moIncompleteSets', ['deliver', 'drop'] as const, 'deliver'),
  };
}

const KNOWN = new Set([
  'name',
  'host',
  'port',
  'tls',
  'tlsCa',
  'tlsInsecure',
  'systemId',
  'password',
  'systemType',
  'bindMode',
  'window',
  'throughput',
  'routes',
  'priority',
  'concatenation',
  'registeredDelivery',
  'responseTimeoutMs',
  'enquireLinkSeconds',
  'submitIdFormat',
  'receiptIdFormat',
  'defaultAlphabet',
  'moReassemblyTimeoutSeconds',
  'moReassemblyMaxSets',
  'moReassemblyMaxBytes',
  'moIncompleteSets',
]);

/** Reads the carriers file: `{"carriers": [...]}` or a bare array. Names must be unique. */
export function loadCarriersFile(path: string): CarrierConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CarrierConfigError(`carriers file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { carriers?: unknown } | null)?.carriers;
  if (!Array.isArray(items)) throw new CarrierConfigError(`carriers file ${path}: expected {"carriers": [...]} or an array`);
  const out = items.map((c, i) => parseCarrierConfig(c, `carriers file ${path}, carrier ${i + 1}`));
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.name)) throw new CarrierConfigError(`carriers file ${path}: carrier name ${c.name} appears twice`);
    seen.add(c.name);
  }
  return out;
}

/** The carrier a config describes (SMPP is the only kind so far). */
export function carrierFromConfig(c: CarrierConfig, onWarning: (message: string) => void): SmppCarrier {
  const tlsOptions: tls.ConnectionOptions | false = c.tls
    ? {
        servername: /^[\d.]+$|:/.test(c.host) ? undefined : c.host,
        ...(c.tlsCa ? { ca: c.tlsCa } : {}),
        ...(c.tlsInsecure ? { rejectUnauthorized: false } : {}),
      }
    : false;
  return new SmppCarrier({
    name: c.name,
    session: {
      host: c.host,
      port: c.port,
      tls: tlsOptions === false ? undefined : tlsOptions,
      systemId: c.systemId,
      password: c.password,
      systemType: c.systemType,
      mode: c.bindMode === 'transmitter+receiver' ? 'pair' : 'transceiver',
      window: c.window,
      responseTimeoutMs: c.responseTimeoutMs,
      enquireLinkIntervalMs: c.enquireLinkSeconds * 1000,
      submitIdFormat: c.submitIdFormat,
      receiptIdFormat: c.receiptIdFormat,
      defaultAlphabet: c.defaultAlphabet,
      reassemblyTimeoutMs: c.moReassemblyTimeoutSeconds * 1000,
      reassembly: { maxSets: c.moReassemblyMaxSets, maxBytes: c.moReassemblyMaxBytes, onTimeout: c.moIncompleteSets },
    },
    concatenation: c.concatenation,
    registeredDelivery: c.registeredDelivery,
    throughput: c.throughput,
    onWarning,
  });
}
