// Apps pin old twilio-node releases (3.x and 4.x are still common). The same send-and-fetch runs through each
// major version from 3 to the current one, once through the `switchboard/register` preload and once through
// `httpClient()`. twilio-node 3.0 to 3.3x did not export RequestClient from the package root and sent POST
// bodies as multipart/form-data; both are covered by 3.0.0. The releases come from the npm registry, installed
// once per machine into a cache folder outside the repository.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './support/harness.js';
import { installPackage, installTwilio, runNode } from './support/package.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** '6' is the repository's own twilio (the current major); the rest are installed. */
const VERSIONS = ['3.0.0', '3', '4', '5', '6'];

// Written as apps of the 3.x days were: CommonJS, promises, no async iteration.
const APP = `
const twilio = require('twilio');
(async () => {
  const [how, tag, areaCode] = process.argv.slice(2);
  const opts = {};
  if (how === 'httpClient') {
    const { httpClient } = await import('./node_modules/switchboard/dist/compat/http-client.js');
    opts.httpClient = httpClient(process.env.SWITCHBOARD_URL);
  }
  const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN, opts);
  const number = await client.incomingPhoneNumbers.create({ areaCode, friendlyName: tag });
  const sent = await client.messages.create({ from: number.phoneNumber, to: '+14155550142', body: 'hello from ' + tag });
  const fetched = await client.messages(sent.sid).fetch();
  console.log(JSON.stringify({ version: require('twilio/package.json').version, sid: fetched.sid, body: fetched.body, from: fetched.from }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

describe('twilio-node 3.x to current, unchanged apps', () => {
  let s: TestServer;
  const dirs = new Map<string, string>();
  before(async () => {
    s = await startTestServer();
    for (const version of VERSIONS) {
      const twilioDir = version === '6' ? join(ROOT, 'node_modules/twilio') : installTwilio(version);
      const dir = mkdtempSync(join(tmpdir(), `sb-twilio-${version}-`));
      installPackage(dir, { sources: ['src/compat/http-client.ts'], twilioDir });
      writeFileSync(join(dir, 'app.cjs'), APP);
      dirs.set(version, dir);
    }
  });
  after(async () => {
    await s.close();
    for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ SWITCHBOARD_URL: s.url, TWILIO_ACCOUNT_SID: s.accountSid, TWILIO_AUTH_TOKEN: s.authToken });

  // Each app buys a number in its own area code: one area code's pool holds only a few numbers.
  const areaCodes = ['212', '646', '415', '510', '312', '617', '206', '303', '305', '702'];
  for (const version of VERSIONS) {
    for (const how of ['preload', 'httpClient'] as const) {
      const areaCode = areaCodes.shift()!;
      test(`twilio@${version} through ${how === 'preload' ? 'node --require switchboard/register' : 'httpClient()'}`, async () => {
        const tag = `twilio ${version} ${how}`;
        const args = [...(how === 'preload' ? ['--require', 'switchboard/register'] : []), 'app.cjs', how, tag, areaCode];
        const run = await runNode(args, dirs.get(version)!, env());
        assert.equal(run.code, 0, run.stderr);
        const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { version: string; sid: string; body: string; from: string };
        if (version !== '3.0.0') assert.equal(out.version.split('.')[0], version);
        else assert.equal(out.version, '3.0.0');
        assert.equal(out.body, `hello from ${tag}`);
        // The message is in this server's store, sent from the number the app bought.
        const stored = await s.client.messages(out.sid).fetch();
        assert.equal(stored.body, `hello from ${tag}`);
        assert.equal(stored.from, out.from);
      });
    }
  }
});
