// Sample apps written the way Twilio's tutorials write them, run unmodified against Switchboard: a Node server
// notifications app on twilio-node 3.x, started with the `switchboard/register` preload.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { installPackage, installTwilio } from './support/package.js';

const NOTIFY_APP = fileURLToPath(new URL('./apps/node-server-notifications/', import.meta.url));

/** Starts `node --require switchboard/register app.js` in `dir` and resolves with the port it printed. */
function startApp(dir: string, env: Record<string, string>, children: ChildProcess[]): Promise<number> {
  const child = spawn(process.execPath, ['--require', 'switchboard/register', 'app.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const m = /listening on (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`the app exited with ${code}: ${stderr}`)));
  });
}

describe('a Node server notifications app on twilio-node 3.x', () => {
  let s: TestServer;
  let dir = '';
  const children: ChildProcess[] = [];
  before(async () => {
    s = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'sb-notify-app-'));
    cpSync(NOTIFY_APP, dir, { recursive: true });
    installPackage(dir, { twilioDir: installTwilio('3') });
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a failing request texts every administrator through Switchboard, and a good one texts nobody', async () => {
    const from = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
    const port = await startApp(
      dir,
      { SWITCHBOARD_URL: s.url, TWILIO_ACCOUNT_SID: s.accountSid, TWILIO_AUTH_TOKEN: s.authToken, TWILIO_NUMBER: from },
      children,
    );

    const fine = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(fine.status, 200);
    assert.equal(await fine.text(), 'Everything is fine.');

    const failed = await fetch(`http://127.0.0.1:${port}/error`);
    assert.equal(failed.status, 500);
    const answer = (await failed.json()) as { error: string; notified: string[] };
    assert.equal(answer.notified.length, 2);

    const expected = '[This is a test] ALERT! It appears the server is having issues. Exception: Something went wrong in the order service';
    for (const to of ['+15550188001', '+15550188002']) {
      const delivered = await eventually(async () => {
        const [m] = await s.client.messages.list({ to, from });
        return m?.status === 'delivered' ? m : undefined;
      }, 20_000);
      assert.equal(delivered.body, expected);
      assert.ok(answer.notified.includes(delivered.sid), `the app got the SID of the message to ${to}`);
    }
    // Only the failing request sent anything.
    assert.equal((await s.client.messages.list({ from })).length, 2);
  });
});
