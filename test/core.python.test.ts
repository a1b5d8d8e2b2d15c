import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { runProcess, type ProcessResult } from './support/process.js';

// Debian's interpreter, not whatever `python3` is first on PATH (a pyenv shim has no dist-packages).
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/smoke.py', import.meta.url));

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

function runPython(env: Record<string, string>): Promise<ProcessResult> {
  // requests honours proxy variables; the server is local.
  return runProcess(PYTHON, [SCRIPT], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', ...env },
  });
}

interface SmokeResult {
  account: { sid: string; status: string; date_created_year: number };
  available: string[];
  bought: { sid: string; phone_number: string; sms_url: string };
  listed: string[];
  filtered: string[];
  duplicate: { status: number; code: number; class: string };
  missing: { status: number; code: number; class: string };
  unauthorized: { status: number; code: number; class: string };
  message: { sid: string; status: string; num_segments: string; direction: string };
}

test('python3-twilio (Debian) buys, lists and fetches through a redirecting TwilioHttpClient; errors are TwilioRestException', async () => {
  // A missing peer fails the test rather than skipping it: `npm test` installs it (scripts/ensure.mjs).
  assert.ok(existsSync('/usr/lib/python3/dist-packages/twilio/__init__.py'), 'python3-twilio is not installed: apt-get install python3-twilio');
  const run = await runPython({ SWITCHBOARD_URL: s.url, SWITCHBOARD_ACCOUNT_SID: s.accountSid, SWITCHBOARD_AUTH_TOKEN: s.authToken });
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout) as SmokeResult;
  assert.equal(r.account.sid, s.accountSid);
  assert.equal(r.account.status, 'active');
  assert.ok(r.account.date_created_year >= 2024, 'RFC 2822 dates parse into datetimes');
  assert.equal(r.available.length, 3);
  for (const n of r.available) assert.match(n, /^\+1415\d{7}$/);
  assert.equal(r.bought.phone_number, r.available[0]);
  assert.equal(r.bought.sms_url, 'http://127.0.0.1:3000/sms');
  // Three numbers over two pages of two: the SDK followed next_page_uri.
  assert.equal(r.listed.length, 3);
  assert.equal(r.listed[0], r.bought.sid);
  assert.deepEqual(r.filtered, [r.bought.sid]);
  assert.deepEqual(r.duplicate, { status: 400, code: 21422, class: 'TwilioRestException' });
  assert.deepEqual(r.missing, { status: 404, code: 20404, class: 'TwilioRestException' });
  assert.deepEqual(r.unauthorized, { status: 401, code: 20003, class: 'TwilioRestException' });
  assert.match(r.message.sid, /^SM[0-9a-f]{32}$/);
  assert.deepEqual({ ...r.message, sid: '' }, { sid: '', status: 'queued', num_segments: '1', direction: 'outbound-api' });
  // ...and the message Python sent reaches the virtual phone.
  const delivered = await eventually(async () => {
    const m = await s.client.messages(r.message.sid).fetch();
    return m.status === 'delivered' ? m : undefined;
  });
  assert.equal(delivered.body, 'Your order #BAKERY-12345 is on its way!');
});
