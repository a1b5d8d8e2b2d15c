import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './support/harness.js';

let s: TestServer;
// Hundreds of bad credentials from one address on purpose: the failed-login throttle (tested in
// security.auth.test.ts) would otherwise answer the later, correct requests with 429.
before(async () => {
  s = await startTestServer({ bodyLimit: 64 * 1024, authFailureLimit: 0 });
});
after(async () => {
  await s.close();
});

/** Deterministic PRNG so a failing case can be replayed from its seed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const PATHS = [
  '/2010-04-01/Accounts',
  '/2010-04-01/Accounts/{A}',
  '/2010-04-01/Accounts/{A}/IncomingPhoneNumbers',
  '/2010-04-01/Accounts/{A}/Keys',
  '/2010-04-01/Accounts/{A}/Applications/AP%00',
  '/api/2010-04-01/Accounts/{A}.json',
  '/2010-04-01/Accounts/{A}/AvailablePhoneNumbers/ZZ/Local',
  '/switchboard/v1/WebhookRequests',
  '/verify/v2/Services',
  '/%ff%fe',
  '/..%2f..%2fetc/passwd',
];
const TYPES = [
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
  'application/x-www-form-urlencoded; charset=utf-16',
];

function randomBody(r: () => number): string {
  const kinds = [
    () => `FriendlyName=${'%'.repeat(Math.floor(r() * 20))}`,
    () => `{"FriendlyName": ${'['.repeat(Math.floor(r() * 50))}`,
    () => Array.from({ length: Math.floor(r() * 200) }, () => String.fromCharCode(Math.floor(r() * 0xffff))).join(''),
    () => `PageSize=-1&Page=99999999999999999999&PageToken=${'A'.repeat(Math.floor(r() * 500))}`,
    () => `PhoneNumber=${encodeURIComponent(`+${'9'.repeat(Math.floor(r() * 40))}`)}&AreaCode=abc`,
    () => 'SmsUrl=javascript:alert(1)&VoiceMethod=DELETE&VoiceCallerIdLookup=maybe',
    () => 'x'.repeat(70 * 1024),
    () => '[1,2,3]',
    () => 'null',
  ];
  return kinds[Math.floor(r() * kinds.length)]!();
}

test("hundreds of malformed requests get 4xx answers in Twilio's error shape and the server keeps serving", async () => {
  const r = rng(20261127);
  const auths = [`${s.accountSid}:${s.authToken}`, `${s.accountSid}:bad`, 'garbage', 'SK123:abc', ':'];
  let fiveHundreds = 0;
  for (let i = 0; i < 400; i++) {
    const path = PATHS[Math.floor(r() * PATHS.length)]!.replace('{A}', r() < 0.8 ? s.accountSid : `AC${'f'.repeat(32)}`);
    const method = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH'][Math.floor(r() * 5)]!;
    const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(auths[Math.floor(r() * auths.length)]!).toString('base64')}` };
    const type = TYPES[Math.floor(r() * TYPES.length)]!;
    if (type) headers['content-type'] = type;
    const res = await fetch(s.url + path, { method, headers, body: method === 'GET' ? undefined : randomBody(r) });
    const text = await res.text();
    if (res.status >= 500) fiveHundreds++;
    if (res.status >= 400) {
      const body = JSON.parse(text) as { code: number; message: string; more_info: string; status: number };
      assert.equal(body.status, res.status, `case ${i}: ${method} ${path}`);
      assert.equal(typeof body.code, 'number');
      assert.ok(!('type' in body && 'title' in body), 'never RFC 9457 shaped');
    }
  }
  assert.equal(fiveHundreds, 0);
  assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
});

test('raw garbage on the socket does not take the server down', async () => {
  const { port } = new URL(s.url);
  const r = rng(7);
  for (let i = 0; i < 30; i++) {
    await new Promise<void>((resolve) => {
      const sock = connect(Number(port), '127.0.0.1', () => {
        const junk = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 2048) }, () => Math.floor(r() * 256)));
        sock.end(i % 2 ? junk : Buffer.concat([Buffer.from('POST /2010-04-01/Accounts HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n'), junk]));
      });
      sock.on('error', () => resolve());
      sock.on('close', () => resolve());
      sock.setTimeout(2000, () => sock.destroy());
      sock.resume();
    });
  }
  assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
});

test("an oversized body is a 413 in Twilio's shape", async () => {
  const res = await s.fetch(`/2010-04-01/Accounts/${s.accountSid}/Applications.json`, { method: 'POST', form: { FriendlyName: 'x'.repeat(100 * 1024) } });
  assert.equal(res.status, 413);
  assert.equal(((await res.json()) as { code: number }).code, 20413);
});
