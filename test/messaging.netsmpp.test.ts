// End to end with an SMSC nobody here wrote: Perl's Net::SMPP (Debian libnet-smpp-perl) runs
// src/messaging/carriers/smpp/test-support/net-smpp-smsc.pl. A message created with the official twilio SDK
// goes out as submit_sm, Net::SMPP's receipt (hex id in the TLV, decimal in the text) makes it delivered
// with a signed status callback, and its UCS-2 MO reaches the number's SmsUrl.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import twilio from 'twilio';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const script = fileURLToPath(new URL('../src/messaging/carriers/smpp/test-support/net-smpp-smsc.pl', import.meta.url));
const available = existsSync('/usr/share/perl5/Net/SMPP.pm') && spawnSync('perl', ['-MNet::SMPP', '-e', '1'], { timeout: 10_000 }).status === 0;
const SHOP = '+15017122661';

test('Net::SMPP as the SMSC: SDK message -> submit_sm -> receipt -> delivered callback; MO -> SmsUrl', { skip: available ? false : 'perl Net::SMPP not installed' }, async () => {
  const child = spawn('perl', [script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SMSC_MAX_SECONDS: '60' } });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const dir = mkdtempSync(join(tmpdir(), 'sb-netsmpp-'));
  let s: TestServer | undefined;
  const app = await new FakeApp().start();
  try {
    await eventually(async () => lines.find((l) => l.startsWith('PORT ')), 10_000);
    const port = Number(lines.find((l) => l.startsWith('PORT '))!.slice(5));
    const file = join(dir, 'carriers.json');
    writeFileSync(file, JSON.stringify({ carriers: [{
      name: 'perl', host: '127.0.0.1', port, systemId: 'switchboard', password: 'pw', submitIdFormat: 'hex', receiptIdFormat: 'decimal',
    }] }));
    s = await startTestServer({ carriersFile: file });
    const server = s;
    await server.client.incomingPhoneNumbers.create({ phoneNumber: SHOP, smsUrl: `${app.base}/sms` });
    await eventually(async () => (lines.includes('BIND switchboard') ? true : undefined), 10_000);

    const msg = await server.client.messages.create({ to: '+15550002222', from: SHOP, body: 'Hello from Switchboard {€}', statusCallback: `${app.base}/status` });
    const delivered = await app.waitFor((r) => r.path === '/status' && r.params.MessageSid === msg.sid && r.params.MessageStatus === 'delivered', 20_000);
    assert.ok(twilio.validateRequest(server.authToken, String(delivered.headers['x-twilio-signature']), delivered.url, delivered.params));
    assert.ok(lines.some((l) => /^SUBMIT 15550002222 dc=0 esm=0 len=29 rd=1 id=1A2B0000$/.test(l)), lines.join('\n'));
    assert.equal((await server.client.messages(msg.sid).fetch()).status, 'delivered');

    const mo = await app.waitFor((r) => r.path === '/sms', 20_000);
    assert.deepEqual([mo.params.From, mo.params.To, mo.params.Body], ['+15557770000', SHOP, 'Привет from Net::SMPP']);
    assert.ok(twilio.validateRequest(server.authToken, String(mo.headers['x-twilio-signature']), mo.url, mo.params));
    // Both deliver_sm were acknowledged with ESME_ROK once stored.
    await eventually(async () => (lines.filter((l) => /^DELIVER_RESP .*status=0$/.test(l)).length === 2 ? true : undefined), 5000);
  } catch (err) {
    throw new Error(`${String(err)}\nSMSC said:\n${lines.join('\n')}\n${stderr}`);
  } finally {
    await s?.close();
    await app.stop();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
