// Interop with an SMSC we did not write: Perl's Net::SMPP (Debian libnet-smpp-perl) runs
// test-support/net-smpp-smsc.pl; our session binds, submits, and receives its receipt and its MO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sendMessage } from './send.js';
import { SmppSession } from './session.js';
import type { SessionReceipt } from './session.js';
import type { InboundMessage } from './inbound.js';
import { until } from './test-support/harness.js';

const script = fileURLToPath(new URL('./test-support/net-smpp-smsc.pl', import.meta.url));
const available = existsSync('/usr/share/perl5/Net/SMPP.pm') && spawnSync('perl', ['-MNet::SMPP', '-e', '1'], { timeout: 10_000 }).status === 0;

test('Net::SMPP as SMSC: bind, submit, delivery receipt and MO', { skip: available ? false : 'perl Net::SMPP not installed' }, async () => {
  const child = spawn('perl', [script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SMSC_MAX_SECONDS: '30' } });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let session: SmppSession | null = null;
  try {
    assert.ok(await until(() => lines.some((l) => l.startsWith('PORT ')), 10_000), `no port; stderr: ${stderr}`);
    const port = Number(lines.find((l) => l.startsWith('PORT '))?.slice(5));
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
    assert.ok(await session.waitForBound(10_000), `not bound; stderr: ${stderr}`);
    const sent = await sendMessage(session, { from: '+15550001111', to: '+15550002222', body: 'Hello from Switchboard {€}' });
    assert.ok(sent.ok, JSON.stringify(sent.parts));
    assert.ok(await until(() => receipts.length === 1 && messages.length === 1, 10_000), `stderr: ${stderr}`);
    assert.equal(receipts[0]?.messageId, sent.messageIds[0]);
    assert.equal(receipts[0]?.rawMessageId, sent.parts[0]?.ok ? sent.parts[0].rawMessageId : undefined);
    assert.deepEqual(receipts[0]?.twilio, { status: 'delivered', errorCode: null });
    assert.deepEqual([messages[0]?.from, messages[0]?.text], ['15557770000', 'Привет from Net::SMPP']);
    assert.ok(lines.some((l) => l === 'BIND switchboard'));
    assert.ok(lines.some((l) => /^SUBMIT 15550002222 dc=0 esm=0 len=29 rd=1 /.test(l)), lines.join('\n'));
    assert.ok(await until(() => lines.filter((l) => l.startsWith('DELIVER_RESP') && l.endsWith('status=0')).length === 2, 5000));
    await session.close();
    session = null;
    assert.ok(await until(() => lines.includes('UNBIND'), 5000));
  } finally {
    await session?.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
});
