/**
 * Request bodies through the real HTTP stack: `createServer` (its form and JSON content-type parsers, the
 * NUL and length checks, the error handler) with one extra route that reads the parameters the way
 * resources do. The contract is about the response (a 4xx in Twilio's shape, never a 500), so requests
 * go through Fastify's `inject`; at about 1 ms a request that is too slow for a million, so every input
 * goes through the direct parser checks (parseForm; JSON.parse and the object-shape rule) and one input in
 * INJECT_EVERY goes through the whole stack. A 5xx, or an inject that rejects, is a crash.
 */
import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../src/accounts/service.js';
import { errors } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { AuthThrottle, DEFAULT_AUTH_THROTTLE } from '../../src/http/auth-throttle.js';
import { Metrics } from '../../src/http/metrics.js';
import { ParamReader, parseForm } from '../../src/http/params.js';
import { createServer, paramsOf } from '../../src/http/server.js';
import type { Rng, Target } from '../engine.js';

// A public path (no auth hook), so the body parsers see every input; the stub is never asked to authenticate.
const PATH = '/video-demo/fuzz';
const accounts = {
  authenticate: async () => {
    throw errors.authenticate();
  },
} as unknown as AccountsService;

function build(): FastifyInstance {
  const app = createServer({
    bodyLimit: 64 * 1024,
    logger: createLogger('silent'),
    accounts,
    metrics: new Metrics(),
    authThrottle: new AuthThrottle({ ...DEFAULT_AUTH_THROTTLE, now: Date.now }),
  });
  app.post(PATH, async (req) => {
    const params = paramsOf(req);
    const bad = badParam(params);
    if (bad) throw new Error(bad);
    // Read like a resource does: each reader either returns or throws an ApiError (a 400).
    const p = new ParamReader(params);
    p.int('PageSize', { min: 1, max: 1000 });
    p.bool('Enabled');
    p.url('StatusCallback');
    p.method('StatusCallbackMethod');
    p.date('DateSent');
    return { n: Object.keys(params).length, to: p.str('To') ?? null, media: p.all('MediaUrl').length };
  });
  return app;
}

let app: FastifyInstance | null = null;
let counter = 0;
export const INJECT_EVERY = 10;
const sampled = () => counter++ % INJECT_EVERY === 0;

/** What the form body's values must be: strings, or lists of strings for repeated keys. */
function badParam(params: Record<string, unknown>): string | null {
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) continue;
    return `parameter ${k.replace(/[^\w]/g, '?').slice(0, 20)} is not a string or list of strings`;
  }
  return Object.getPrototypeOf(params) === Object.prototype ? null : 'parameters object with a changed prototype';
}

async function send(contentType: string, body: Buffer): Promise<string | null> {
  if (!app) throw new Error('http target not set up');
  const res = await app.inject({ method: 'POST', url: PATH, headers: { 'content-type': contentType }, payload: body });
  if (res.statusCode >= 500) return `HTTP ${res.statusCode}: ${res.body.replace(/\d+/g, 'N').slice(0, 100)}`;
  if (res.statusCode >= 400 && !/"code":\d+/.test(res.body)) return `HTTP ${res.statusCode} not in Twilio's error shape`;
  return null;
}

const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)] as T;
const KEYS = [
  'To',
  'From',
  'Body',
  'MediaUrl',
  'PageSize',
  'Enabled',
  'StatusCallback',
  'StatusCallbackMethod',
  'DateSent',
  '__proto__',
  'constructor',
  'toString',
  '',
];
const VALUES = [
  '+15551230000',
  'hello',
  'https://example.com/a',
  'GET',
  'true',
  'maybe',
  '20',
  '-1',
  '1e400',
  '2026-11-27',
  'not a date',
  '%',
  '%zz',
  '%00',
  '\u0000',
  'a'.repeat(20_000),
];

const lifecycle = {
  async setup() {
    app = build();
    counter = 0;
    await app.ready();
  },
  async teardown() {
    await app?.close();
    app = null;
  },
};

export const form: Target = {
  name: 'http-form',
  ...lifecycle,
  seeds: [
    'To=%2B15551230000&From=%2B15550001111&Body=Hello+world&MediaUrl=https%3A%2F%2Fe%2Fa&MediaUrl=https%3A%2F%2Fe%2Fb',
    'PageSize=50&Enabled=true&StatusCallbackMethod=GET&DateSent%3E=2026-11-01',
    '',
    'a=&=b&&c',
  ].map((s) => Buffer.from(s)),
  maxLength: 70 * 1024,
  dictionary: ['&', '=', '%', '+', '%2B', '%00', '%C3%A9', '%ED%A0%80', '%FF', '[]', '[0]', '__proto__='],
  generate: (r) =>
    Buffer.from(
      Array.from({ length: int(r, 6) }, () => `${encodeURIComponent(pick(r, KEYS))}=${r() < 0.5 ? encodeURIComponent(pick(r, VALUES)) : pick(r, VALUES)}`).join(
        '&',
      ),
    ),
  async run(input) {
    // The parser on its own must never throw nor yield anything but strings; sampled: the whole request path.
    const bad = badParam(parseForm(input.toString('utf8')));
    if (bad) return bad;
    return sampled() ? send('application/x-www-form-urlencoded', input) : null;
  },
};

export const json: Target = {
  name: 'http-json',
  ...lifecycle,
  seeds: [
    '{"To":"+15551230000","From":"+15550001111","Body":"Hi","MediaUrl":["https://e/a","https://e/b"]}',
    '{"PageSize":50,"Enabled":true,"nested":{"a":[1,{"b":null}]}}',
    '{}',
    '',
  ].map((s) => Buffer.from(s)),
  maxLength: 70 * 1024,
  dictionary: [
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    'null',
    'true',
    '1e999',
    '-0',
    '"\\u0000"',
    '"\\ud800"',
    '"__proto__"',
    '{"__proto__":{"x":1}}',
    '[[[[[[[[[[',
  ],
  generate(r) {
    const value = (d: number): unknown => {
      const k = int(r, d > 3 ? 4 : 6);
      if (k === 0) return pick(r, VALUES);
      if (k === 1) return pick(r, [0, -1, 1e308, 0.5, Number.MAX_SAFE_INTEGER]);
      if (k === 2) return pick(r, [true, false, null]);
      if (k === 3) return pick(r, VALUES).slice(0, 10);
      if (k === 4) return Array.from({ length: int(r, 4) }, () => value(d + 1));
      return Object.fromEntries(Array.from({ length: int(r, 4) }, () => [pick(r, KEYS), value(d + 1)]));
    };
    const top = Object.fromEntries(Array.from({ length: int(r, 6) }, () => [pick(r, KEYS), value(0)]));
    return Buffer.from(JSON.stringify(r() < 0.05 ? [top] : top));
  },
  run(input) {
    // Direct: what the JSON content-type parser relies on (JSON.parse throws only SyntaxError).
    try {
      JSON.parse(input.toString('utf8'));
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
    }
    return sampled() ? send('application/json', input) : null;
  },
};
