import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { startTestServer } from './support/harness.js';

test('the HTTP API answers 429 with code 20429 beyond the limit', async () => {
  const s = await startTestServer({ apiConcurrency: 2 });
  try {
    // Three requests held open at once: the webhook inspector list is quick, so hold them with a slow body.
    const { port } = new URL(s.url);
    const auth = `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`;
    const open = () =>
      new Promise<Socket>((resolve) => {
        const sock = connect(Number(port), '127.0.0.1', () => {
          sock.write(
            `POST /2010-04-01/Accounts/${s.accountSid}/Applications.json HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 20\r\n\r\n`,
          );
          setTimeout(() => resolve(sock), 100);
        });
      });
    const held = [await open(), await open()];
    const res = await s.fetch('/switchboard/v1/WebhookRequests');
    assert.equal(res.status, 429);
    assert.equal(((await res.json()) as { code: number }).code, 20429);
    for (const sock of held) sock.destroy();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await s.fetch('/switchboard/v1/WebhookRequests')).status, 200);
  } finally {
    await s.close();
  }
});
