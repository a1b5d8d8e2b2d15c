import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { httpClient } from '../src/compat/http-client.js';
import { rewriteTwilioUrl } from '../src/compat/rewrite.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { installPackage, runNode } from './support/package.js';

const BASE = 'http://127.0.0.1:4242';

describe('rewriteTwilioUrl', () => {
  const cases: Array<[string, string]> = [
    ['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json', `${BASE}/api/2010-04-01/Accounts/AC1/Messages.json`],
    ['https://verify.twilio.com/v2/Services/VA1/Verifications', `${BASE}/verify/v2/Services/VA1/Verifications`],
    [
      'https://lookups.twilio.com/v2/PhoneNumbers/+14155550100?Fields=line_type_intelligence',
      `${BASE}/lookups/v2/PhoneNumbers/+14155550100?Fields=line_type_intelligence`,
    ],
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
    ])
      assert.equal(rewriteTwilioUrl(url, BASE), url);
  });
});

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
