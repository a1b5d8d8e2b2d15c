import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HttpFailure, httpRequest } from './http.js';

test('the deadline bounds the whole request: a server trickling its body never trips the idle timeout, the deadline does', async () => {
  let cut = false;
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('x'), 50);
    res.on('close', () => {
      clearInterval(timer);
      cut = !res.writableFinished;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await assert.rejects(
      httpRequest(`${base}/slow`, { method: 'GET', headers: {}, body: '', timeoutMs: 1000, deadlineMs: 400, maxBytes: 1 << 20 }),
      (err: unknown) => err instanceof HttpFailure && err.kind === 'timeout',
    );
    for (let i = 0; i < 100 && !cut; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(cut, true, 'the connection was closed');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('the deadline spans redirects, and a body within it comes back as text and bytes', async () => {
  let hops = 0;
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === '/ok') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50]));
      return;
    }
    // Each hop answers after 150 ms: fine on its own, too slow five times over for a 400 ms deadline.
    hops++;
    setTimeout(() => {
      res.writeHead(302, { location: `/hop${hops}` });
      res.end();
    }, 150);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const ok = await httpRequest(`${base}/ok`, { method: 'GET', headers: {}, body: '', timeoutMs: 1000, deadlineMs: 2000, maxBytes: 100 });
    assert.deepEqual([...ok.bytes!], [0x89, 0x50]);
    await assert.rejects(
      httpRequest(`${base}/start`, { method: 'GET', headers: {}, body: '', timeoutMs: 1000, deadlineMs: 400, maxBytes: 100 }),
      (err: unknown) => err instanceof HttpFailure && err.kind === 'timeout',
    );
    assert.ok(hops < 5, `stopped after ${hops} hops`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
