// twilio-python apps build `Client()` themselves, so a subclassed HTTP client means a code change. The
// `python/sitecustomize.py` shipped in the repository patches twilio-python at interpreter start when its
// folder is on PYTHONPATH; SWITCHBOARD_URL says where the server is. Run with Debian's python3-twilio and
// python3-flask (installed by `npm test` through scripts/ensure.mjs).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { runProcess, type ProcessResult } from './support/process.js';

const PYTHON = '/usr/bin/python3'; // Debian's: a pyenv python3 first on PATH has no dist-packages
const SITE = fileURLToPath(new URL('../python', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./python/env_only.py', import.meta.url));
const FLASK_APP = fileURLToPath(new URL('./apps/flask-notify/app.py', import.meta.url));
const FLASK_SURVEY = fileURLToPath(new URL('./apps/flask-sms-survey/app.py', import.meta.url));

function baseEnv(extra: Record<string, string>): Record<string, string> {
  // requests honours proxy variables; the server is local.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', ...extra };
}

function run(args: string[], env: Record<string, string>): Promise<ProcessResult> {
  return runProcess(PYTHON, args, { env });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('twilio-python with only environment variables', () => {
  let s: TestServer;
  const children: ChildProcess[] = [];
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await s.close();
  });
  const creds = () => ({ TWILIO_ACCOUNT_SID: s.accountSid, TWILIO_AUTH_TOKEN: s.authToken });

  test('PYTHONPATH=python SWITCHBOARD_URL=... sends an unchanged Client() to Switchboard, every product host', async () => {
    const r = await run([SCRIPT, '917'], baseEnv({ ...creds(), PYTHONPATH: SITE, SWITCHBOARD_URL: s.url }));
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { number: string; sid: string; body: string; from: string; verify_services: number };
    assert.match(out.number, /^\+1917\d{7}$/);
    assert.equal(out.body, 'hello from python');
    const stored = await s.client.messages(out.sid).fetch();
    assert.equal(stored.from, out.number);
    assert.equal(out.verify_services, (await s.client.verify.v2.services.list()).length);
  });

  test('without the PYTHONPATH entry the same script does not reach Switchboard', async () => {
    // A closed local port as the proxy keeps the attempt on this machine.
    const r = await run([SCRIPT, '918'], baseEnv({ ...creds(), SWITCHBOARD_URL: s.url, HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' }));
    assert.notEqual(r.code, 0);
    assert.equal((await s.client.incomingPhoneNumbers.list({ friendlyName: 'python env-only' })).length, 1, 'only the first test bought one');
  });

  test("a Flask notifications app in the style of Twilio's tutorials runs unmodified", async () => {
    const number = await s.client.incomingPhoneNumbers.create({ areaCode: '919' });
    const port = await freePort();
    const child = spawn(PYTHON, [FLASK_APP], {
      env: baseEnv({ ...creds(), PYTHONPATH: SITE, SWITCHBOARD_URL: s.url, TWILIO_PHONE_NUMBER: number.phoneNumber, PORT: String(port) }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const answer = await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the Flask app exited: ${stderr}`);
        try {
          const res = await fetch(`http://127.0.0.1:${port}/notify`, {
            method: 'POST',
            body: new URLSearchParams({ to: '+14155550144', body: 'Your order shipped' }),
          });
          return (await res.json()) as { sid: string; status: string };
        } catch {
          return undefined;
        } // not listening yet
      },
      20_000,
      100,
    );
    assert.match(answer.sid, /^SM[0-9a-f]{32}$/);
    const stored = await s.client.messages(answer.sid).fetch();
    assert.equal(stored.body, 'Your order shipped');
    assert.equal(stored.from, number.phoneNumber);
  });
  test("an SMS survey kept in Flask's session cookie: Switchboard keeps the cookie per conversation", async () => {
    const port = await freePort();
    const child = spawn(PYTHON, [FLASK_SURVEY], { env: baseEnv({ PORT: String(port) }), stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the Flask app exited: ${stderr}`);
        return fetch(`http://127.0.0.1:${port}/`).then(
          () => true,
          () => undefined,
        );
      },
      20_000,
      100,
    );
    const shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '920', smsUrl: `http://127.0.0.1:${port}/sms` })).phoneNumber;
    const auth = { authorization: `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}` };
    const inbox = async (phone: string) => {
      const res = await fetch(`${s.url}/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Messages`, { headers: auth });
      return ((await res.json()) as { messages: { direction: string; body: string }[] }).messages.filter((m) => m.direction === 'received');
    };
    const text = async (phone: string, body: string): Promise<string> => {
      const before = (await inbox(phone)).length;
      const res = await fetch(`${s.url}/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: shop, Body: body }).toString(),
      });
      assert.equal(res.status, 201);
      return eventually(async () => {
        const got = await inbox(phone);
        return got.length > before ? got[0]!.body : undefined;
      }, 15_000);
    };
    const ann = '+15550199001';
    const bob = '+15550199002';
    assert.equal(await text(ann, 'hi'), 'How would you rate the delivery, from 1 to 5?');
    assert.equal(await text(ann, '5'), 'Would you order from us again?');
    // Another phone's conversation has its own cookie: it starts at the first question.
    assert.equal(await text(bob, 'hello'), 'How would you rate the delivery, from 1 to 5?');
    // (Not 'yes': YES is one of Twilio's opt-in keywords, answered with the re-subscribe reply.)
    assert.equal(await text(ann, 'definitely'), 'Anything we could do better?');
    assert.equal(await text(ann, 'faster please'), 'Thanks! You answered: 5 | definitely | faster please');
    assert.equal(await text(bob, '2'), 'Would you order from us again?');
  });
});
