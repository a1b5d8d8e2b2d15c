/**
 * SIP over TCP. Connections are kept in one map keyed by the peer's address: a response goes back on the
 * connection its request came in on (RFC 3261 18.2.2), and requests to a peer reuse an open connection.
 */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { TcpFramer } from './tcp-framer.js';
import type { Destination, SipTransport, TransportHandlers } from './transport.js';

const IDLE_MS = 10 * 60 * 1000;
const CONNECT_TIMEOUT_MS = 5000;

interface Conn {
  socket: Socket;
  ready: boolean;
  queue: Array<{ data: Buffer; onError: ((err: Error) => void) | undefined }>;
}

function key(host: string, port: number): string {
  return `${host.replace(/^\[|\]$/g, '')}|${port}`;
}

export async function createTcpTransport(host: string, port: number, handlers: TransportHandlers): Promise<SipTransport> {
  const conns = new Map<string, Conn>();
  let closed = false;

  const attach = (socket: Socket, k: string, conn: Conn, peer: Destination): void => {
    const framer = new TcpFramer();
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      const { messages, error } = framer.push(chunk);
      for (const m of messages) handlers.onMessage(m, peer);
      if (error) socket.destroy(new Error(`SIP TCP framing: ${error}`));
    });
    socket.on('error', (err) => {
      for (const q of conn.queue) (q.onError ?? handlers.onError)(err);
      conn.queue = [];
    });
    socket.on('close', () => {
      if (conns.get(k) === conn) conns.delete(k);
    });
  };

  const server: Server = createServer((socket) => {
    if (closed) return socket.destroy();
    const peer: Destination = { protocol: 'tcp', host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const k = key(peer.host, peer.port);
    const conn: Conn = { socket, ready: true, queue: [] };
    conns.set(k, conn);
    attach(socket, k, conn, peer);
  });
  server.on('error', (err) => handlers.onError(err));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;

  const connect = (to: Destination): Conn => {
    const k = key(to.host, to.port);
    const socket = createConnection({ host: to.host.replace(/^\[|\]$/g, ''), port: to.port, localAddress: host });
    const conn: Conn = { socket, ready: false, queue: [] };
    conns.set(k, conn);
    const timer = setTimeout(() => socket.destroy(new Error('TCP connect timeout')), CONNECT_TIMEOUT_MS);
    timer.unref();
    socket.once('connect', () => {
      clearTimeout(timer);
      conn.ready = true;
      for (const q of conn.queue) socket.write(q.data);
      conn.queue = [];
    });
    socket.once('close', () => clearTimeout(timer));
    attach(socket, k, conn, { protocol: 'tcp', host: to.host, port: to.port });
    return conn;
  };

  return {
    protocol: 'tcp',
    reliable: true,
    host,
    port: boundPort,
    send(data: Buffer, to: Destination, onError?: (err: Error) => void): void {
      if (closed) return;
      const conn = conns.get(key(to.host, to.port)) ?? connect(to);
      if (conn.ready) {
        conn.socket.write(data, (err) => {
          if (err) (onError ?? handlers.onError)(err);
        });
      } else conn.queue.push({ data, onError });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const c of conns.values()) c.socket.destroy();
      conns.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
