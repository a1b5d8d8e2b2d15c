import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import twilio from 'twilio';
import ts from 'typescript';
import { httpClient } from '../src/compat/httpClient.js';
import { rewriteTwilioUrl } from '../src/compat/rewrite.js';
import { startTestServer, type TestServer } from './support/harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BASE = 'http://127.0.0.1:4242';

describe('rewriteTwilioUrl', () => {
  const cases: Array<[string, string]> = [
    ['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json', `${BASE}/api/2010-04-01/Accounts/AC1/Messages.json`],
    ['https://verify.twilio.com/v2/Services/VA1/Verifications', `${BASE}/verify/v2/Services/VA1/Verifications`],
    ['https://lookups.twilio.com/v2/PhoneNumbers/+14155550100?Fields=line_type_intelligence', `${BASE}/lookups/v2/PhoneNumbers/+14155550100?Fields=line_type_intelligence`],
    ['https://messaging.twilio.com/v1/Services?PageSize=20', `${BASE}/messaging/v1/Services?PageSize=20`],
    ['https://video.twilio.com/v1/Rooms', `${BASE}/video/v1/Rooms`],
    // Edge and region hosts: the product is the first label, the rest is routing we do not need.
    ['https://api.dublin.ie1.twilio.com/2010-04-01/Accounts.json', `${BASE}/api/2010-04-01/Accounts.json`],
    ['https://api.sydney.twilio.com/2010-04-01/Accounts.json', `${BASE}/api/2010-04-01/Accounts.json`],
    ['https://verify.ashburn.us1.twilio.com/v2/Services', `${BASE}/verify/v2/Services`],
    ['https://API.Twilio.com/2010-04-01/Accounts.json', `${BASE}/api/2010-04-01/Accounts.json`],
    ['https://api.twilio.com:443/2010-04-01/Accounts.json', `${BASE}/api/2010-04-01/Accounts.json`],
    ['https://api.twilio.com', `${BASE}/api/`],
  ];
  for (const [from, to] of cases) test(from, () => assert.equal(rewriteTwilioUrl(from, BASE), to));

  test('URLs that are not Twilio API hosts are returned unchanged', () => {
    for (const url of [
      'https://example.com/2010-04-01/Accounts.json',
      'https://twilio.com/docs',
      'https://api.twilio.com.evil.example/2010-04-01/Accounts.json',
      'https://evil-twilio.com/v1/Rooms',
      'https://example.com/?next=https://api.twilio.com/',
      'http://127.0.0.1:3000/sms',
    ]) assert.equal(rewriteTwilioUrl(url, BASE), url);
  });
});

/**
 * Lays out the package as npm would install it, from the current sources: node_modules/switchboard with the
 * real package.json (so its `exports` map is what resolves `switchboard/register`) and dist/ holding the
 * register module and everything it imports, compiled to ESM as `npm run build` does.
 */
function installPackage(into: string): void {
  const pkgDir = join(into, 'node_modules/switchboard');
  mkdirSync(pkgDir, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkgDir, 'package.json'));
  const exportsMap = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports;
  const entry = exportsMap['./register'];
  assert.ok(entry, 'package.json exports ./register');
  const pending = [join(ROOT, 'src', relative('./dist', entry).replace(/\.js$/, '.ts'))];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      // ESNext: the package is "type": "module", which NodeNext would need a package.json lookup to know.
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    });
    const out = join(pkgDir, 'dist', relative(join(ROOT, 'src'), file).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
    for (const m of outputText.matchAll(/from '(\.[^']+)\.js'/g)) pending.push(join(dirname(file), m[1]! + '.ts'));
  }
  symlinkSync(join(ROOT, 'node_modules/twilio'), join(into, 'node_modules/twilio'), 'dir');
}

// An app that knows nothing about Switchboard: the plain SDK, credentials from the environment.
const APP = `
const twilio = require('twilio');
const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);
(async () => {
  const account = await client.api.v2010.accounts(process.env.TWILIO_ACCOUNT_SID).fetch();
  const number = await client.incomingPhoneNumbers.create({ areaCode: '212', friendlyName: process.argv[2] });
  console.log(JSON.stringify({ account: account.sid, number: number.sid }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

function runNode(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('SDK compat kit', () => {
  let s: TestServer;
  let dir: string;
  before(async () => {
    s = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'sb-compat-'));
    installPackage(dir);
    writeFileSync(join(dir, 'app.cjs'), APP);
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ SWITCHBOARD_URL: s.url, TWILIO_ACCOUNT_SID: s.accountSid, TWILIO_AUTH_TOKEN: s.authToken });

  for (const flag of ['--require', '--import']) {
    test(`node ${flag} switchboard/register sends an unchanged app's plain twilio client to SWITCHBOARD_URL`, async () => {
      const name = `preload ${flag}`;
      const run = await runNode([flag, 'switchboard/register', 'app.cjs', name], dir, env());
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr, /Warning/);
      const out = JSON.parse(run.stdout) as { account: string; number: string };
      assert.equal(out.account, s.accountSid);
      // The number the app bought is in this server's store.
      const fetched = await s.client.incomingPhoneNumbers(out.number).fetch();
      assert.equal(fetched.friendlyName, name);
    });
  }

  test('without the preload the same app does not reach Switchboard', async () => {
    // twilio-node tunnels through HTTP_PROXY: a closed local port keeps the attempt on this machine.
    const run = await runNode(['app.cjs', 'no preload'], dir, { ...env(), HTTP_PROXY: 'http://127.0.0.1:9' });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /ECONNREFUSED 127\.0\.0\.1:9/);
    assert.equal((await s.client.incomingPhoneNumbers.list({ friendlyName: 'no preload' })).length, 0);
  });

  test('httpClient() follows the SDK to edge and region hosts', async () => {
    const client = twilio(s.accountSid, s.authToken, { httpClient: httpClient(s.url) as never, edge: 'dublin', region: 'ie1' });
    const account = await client.api.v2010.accounts(s.accountSid).fetch();
    assert.equal(account.sid, s.accountSid);
  });
});
