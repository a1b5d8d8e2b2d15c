// With an SMSC nobody here wrote: Perl's Net::SMPP (Debian libnet-smpp-perl) runs
// test/support/net-smpp-smsc.pl. End to end, a message created with the official twilio SDK goes out as
// submit_sm, Net::SMPP's receipt (hex id in the TLV, decimal in the text) makes it delivered with a signed
// status callback, and its UCS-2 MO reaches the number's SmsUrl. The SMPP session alone (no server) binds,
// submits, and receives its receipt and its MO.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import twilio from 'twilio';
import { sendMessage } from '../src/messaging/carriers/smpp/send.js';
import { SmppSession } from '../src/messaging/carriers/smpp/session.js';
import type { SessionReceipt } from '../src/messaging/carriers/smpp/session.js';
import type { InboundMessage } from '../src/messaging/carriers/smpp/inbound.js';
import { until } from '../src/messaging/carriers/smpp/test-support/harness.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';
import { netSmppMissing, startNetSmppSmsc } from './support/net-smpp.js';

const SHOP = '+15017122661';

test('Net::SMPP as the SMSC: SDK message -> submit_sm -> receipt -> delivered callback; MO -> SmsUrl', { skip: netSmppMissing }, async () => {
  const smsc = startNetSmppSmsc(60);
  const lines = smsc.lines;
  const dir = mkdtempSync(join(tmpdir(), 'sb-netsmpp-'));
  let s: TestServer | undefined;
  const app = await new FakeApp().start();
  try {
    const port = await eventually(async () => smsc.port(), 10_000);
    const file = join(dir, 'carriers.json');
    writeFileSync(
      file,
      JSON.stringify({
        carriers: [
          {
            name: 'perl',
            host: '127.0.0.1',
            port,
            systemId: 'switchboard',
            password: 'pw',
            submitIdFormat: 'hex',
            receiptIdFormat: 'decimal',
          },
        ],
      }),
    );
    s = await startTestServer({ carriersFile: file });
    const server = s;
    await server.client.incomingPhoneNumbers.create({ phoneNumber: SHOP, smsUrl: `${app.base}/sms` });
    await eventually(async () => (lines.includes('BIND switchboard') ? true : undefined), 10_000);

    const msg = await server.client.messages.create({
      to: '+15550002222',
      from: SHOP,
      body: 'Hello from Switchboard {€}',
      statusCallback: `${app.base}/status`,
    });
    const delivered = await app.waitFor((r) => r.path === '/status' && r.params.MessageSid === msg.sid && r.params.MessageStatus === 'delivered', 20_000);
    assert.ok(twilio.validateRequest(server.authToken, String(delivered.headers['x-twilio-signature']), delivered.url, delivered.params));
    assert.ok(
      lines.some((l) => /^SUBMIT 15550002222 dc=0 esm=0 len=29 rd=1 id=1A2B0000$/.test(l)),
      lines.join('\n'),
    );
    assert.equal((await server.client.messages(msg.sid).fetch()).status, 'delivered');

    const mo = await app.waitFor((r) => r.path === '/sms', 20_000);
    assert.deepEqual([mo.params.From, mo.params.To, mo.params.Body], ['+15557770000', SHOP, 'Привет from Net::SMPP']);
    assert.ok(twilio.validateRequest(server.authToken, String(mo.headers['x-twilio-signature']), mo.url, mo.params));
    // Both deliver_sm were acknowledged with ESME_ROK once stored.
    await eventually(async () => (lines.filter((l) => /^DELIVER_RESP .*status=0$/.test(l)).length === 2 ? true : undefined), 5000);
  } catch (err) {
    throw new Error(`${String(err)}\nSMSC said:\n${lines.join('\n')}\n${smsc.stderr}`);
  } finally {
    await s?.close();
    await app.stop();
    await smsc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Net::SMPP as SMSC, SMPP session alone: bind, submit, delivery receipt and MO', { skip: netSmppMissing }, async () => {
  const smsc = startNetSmppSmsc(30);
  const lines = smsc.lines;
  let session: SmppSession | null = null;
  try {
    assert.ok(await until(() => smsc.port() !== undefined, 10_000), `no port; stderr: ${smsc.stderr}`);
    const port = smsc.port()!;
    const receipts: SessionReceipt[] = [];
    const messages: InboundMessage[] = [];
    session = new SmppSession({
      host: '127.0.0.1',
      port,
      systemId: 'switchboard',
      password: 'pw',
      submitIdFormat: 'hex',
      receiptIdFormat: 'decimal',
      responseTimeoutMs: 5000,
      reconnect: { initialMs: 100, maxMs: 500 },
      onReceipt: (r) => {
        receipts.push(r);
      },
      onMessage: (m) => {
        messages.push(m);
      },
    }).start();
    assert.ok(await session.waitForBound(10_000), `not bound; stderr: ${smsc.stderr}`);
    const sent = await sendMessage(session, { from: '+15550001111', to: '+15550002222', body: 'Hello from Switchboard {€}' });
    assert.ok(sent.ok, JSON.stringify(sent.parts));
    assert.ok(await until(() => receipts.length === 1 && messages.length === 1, 10_000), `stderr: ${smsc.stderr}`);
    assert.equal(receipts[0]?.messageId, sent.messageIds[0]);
    assert.equal(receipts[0]?.rawMessageId, sent.parts[0]?.ok ? sent.parts[0].rawMessageId : undefined);
    assert.deepEqual(receipts[0]?.twilio, { status: 'delivered', errorCode: null });
    assert.deepEqual([messages[0]?.from, messages[0]?.text], ['15557770000', 'Привет from Net::SMPP']);
    assert.ok(lines.some((l) => l === 'BIND switchboard'));
    assert.ok(
      lines.some((l) => /^SUBMIT 15550002222 dc=0 esm=0 len=29 rd=1 /.test(l)),
      lines.join('\n'),
    );
    assert.ok(await until(() => lines.filter((l) => l.startsWith('DELIVER_RESP') && l.endsWith('status=0')).length === 2, 5000));
    await session.close();
    session = null;
    assert.ok(await until(() => lines.includes('UNBIND'), 5000));
  } finally {
    await session?.close();
    await smsc.stop();
  }
});
