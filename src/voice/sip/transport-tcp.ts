/**
 * SIP over TCP. Connections are kept in one map keyed by the peer's address: a response goes back on the
 * connection its request came in on (RFC 3261 18.2.2), and requests to a peer reuse an open connection.
 * Inbound connections are capped in total and per source IP (beyond either they are closed at once), and
 * one that has not sent a valid SIP message within `firstMessageMs` is closed: idle sockets cannot pile up
 * until the process runs out of file descriptors.
 */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { TcpFramer } from './tcp-framer.js';
import type { Destination, SipTransport, TransportHandlers } from './transport.js';

const CONNECT_TIMEOUT_MS = 5000;

export interface TcpLimits {
  /** Inbound connections open at once; 0: no cap. */
  maxConnections: number;
  /** Inbound connections open at once from one IP; 0: no cap. */
  maxPerSource: number;
  /** A connection that has not sent a valid SIP message for this long is closed. */
  firstMessageMs: number;
  /** Afterwards, the idle timeout. */
  idleMs: number;
  /** Shared counters for metrics. */
  counters?: TcpCounters;
}

/** Inbound connections refused at the caps, and closed for sending nothing valid in time. */
export interface TcpCounters {
  refused: number;
  idleClosed: number;
}

const DEFAULTS: Omit<TcpLimits, 'counters'> = { maxConnections: 512, maxPerSource: 32, firstMessageMs: 10_000, idleMs: 10 * 60_000 };

interface Conn {
  socket: Socket;
  ready: boolean;
  /** Sent a valid SIP message (or we opened it): the long idle timeout applies. */
  proven: boolean;
  queue: Array<{ data: Buffer; onError: ((err: Error) => void) | undefined }>;
}

function key(host: string, port: number): string {
  return `${host.replace(/^\[|\]$/g, '')}|${port}`;
}

export async function createTcpTransport(host: string, port: number, handlers: TransportHandlers, options: Partial<TcpLimits> = {}): Promise<SipTransport> {
  const limits: TcpLimits = { ...DEFAULTS, ...options };
  const counters = limits.counters ?? { refused: 0, idleClosed: 0 };
  const conns = new Map<string, Conn>();
  const perSource = new Map<string, number>();
  let inbound = 0;
  let closed = false;

  const attach = (socket: Socket, k: string, conn: Conn, peer: Destination): void => {
    const framer = new TcpFramer();
    socket.setNoDelay(true);
    socket.setTimeout(conn.proven ? limits.idleMs : limits.firstMessageMs, () => {
      if (!conn.proven) counters.idleClosed++;
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      const { messages, error } = framer.push(chunk);
      for (const m of messages) {
        if (handlers.onMessage(m, peer) === true && !conn.proven) {
          conn.proven = true;
          socket.setTimeout(limits.idleMs);
        }
      }
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
    const ip = socket.remoteAddress ?? '';
    const fromIp = perSource.get(ip) ?? 0;
    if ((limits.maxConnections > 0 && inbound >= limits.maxConnections) || (limits.maxPerSource > 0 && fromIp >= limits.maxPerSource)) {
      counters.refused++;
      return socket.destroy();
    }
    inbound++;
    perSource.set(ip, fromIp + 1);
    socket.once('close', () => {
      inbound--;
      const n = (perSource.get(ip) ?? 1) - 1;
      if (n > 0) perSource.set(ip, n);
      else perSource.delete(ip);
    });
    const peer: Destination = { protocol: 'tcp', host: ip, port: socket.remotePort ?? 0 };
    const k = key(peer.host, peer.port);
    const conn: Conn = { socket, ready: true, proven: false, queue: [] };
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
    const conn: Conn = { socket, ready: false, proven: true, queue: [] };
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
