import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { HttpFailure, httpRequest } from './http.js';

const get = (url: string, extra: Partial<Parameters<typeof httpRequest>[1]> = {}) =>
  httpRequest(url, { method: 'POST', headers: {}, body: 'a=1', timeoutMs: 5000, deadlineMs: 5000, maxBytes: 1 << 16, ...extra });

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test('a keep-alive socket the server drops as it is reused: the request goes again on a new connection, once', async () => {
  const perSocket = new Map<Socket, number>();
  let handled = 0;
  let dropped = 0;
  // The second request on a connection meets a server that "had just closed" it: the socket is reset
  // without an answer, the race a server's keep-alive timeout causes.
  const { base, close } = await serve((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    if (n === 2) {
      dropped++;
      req.socket.resetAndDestroy();
      return;
    }
    req.resume();
    req.on('end', () => {
      handled++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`answer ${handled}`);
    });
  });
  try {
    const first = await get(`${base}/one`);
    assert.equal(first.body, 'answer 1');
    // The pool hands an idle connection to the next request: idle once the first exchange has wound down.
    await new Promise((r) => setTimeout(r, 20));
    const second = await get(`${base}/two`);
    assert.equal(second.body, 'answer 2');
    assert.equal(dropped, 1, 'the reused socket was reset');
    assert.equal(perSocket.size, 2, 'the retry came on a new connection');
  } finally {
    await close();
  }
});

test('a refused connection fails at the connect stage: the app never saw the request', async () => {
  const tcp = createTcpServer();
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const port = (tcp.address() as AddressInfo).port;
  await new Promise<void>((r) => tcp.close(() => r()));
  await assert.rejects(get(`http://127.0.0.1:${port}/`), (err: unknown) => err instanceof HttpFailure && err.stage === 'connect' && err.kind === 'connection');
});

test('no answer within the read timeout fails at the sent stage: the app may have the request', async () => {
  const { base, close } = await serve((req) => req.resume());
  try {
    const started = Date.now();
    await assert.rejects(
      get(`${base}/silent`, { readTimeoutMs: 150 }),
      (err: unknown) => err instanceof HttpFailure && err.kind === 'timeout' && err.stage === 'sent' && /150 ms/.test(err.message),
    );
    assert.ok(Date.now() - started >= 140);
  } finally {
    await close();
  }
});

test('cookie hooks: the Cookie header comes from the hooks for each hop and every hop reports its Set-Cookie', async () => {
  const seen: { path: string; cookie: string | undefined }[] = [];
  const { base, close } = await serve((req, res) => {
    req.resume();
    seen.push({ path: req.url ?? '', cookie: req.headers.cookie });
    if (req.url === '/start') res.writeHead(302, { location: '/next', 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'] }).end();
    else res.writeHead(200, { 'set-cookie': 'c=3' }).end('ok');
  });
  const received: string[][] = [];
  try {
    const res = await get(`${base}/start`, {
      cookies: {
        header: (u) => (u.pathname === '/next' ? 'a=1; b=2' : 'z=0'),
        receive: (_u, lines) => received.push(lines),
      },
    });
    assert.equal(res.body, 'ok');
    assert.deepEqual(seen, [
      { path: '/start', cookie: 'z=0' },
      { path: '/next', cookie: 'a=1; b=2' },
    ]);
    assert.deepEqual(received, [['a=1; Path=/', 'b=2; Path=/'], ['c=3']]);
  } finally {
    await close();
  }
});
