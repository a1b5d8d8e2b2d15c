/** SIP over UDP: one datagram is one message (RFC 3261 18). */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Destination, SipTransport, TransportHandlers } from './transport.js';

export async function createUdpTransport(host: string, port: number, handlers: TransportHandlers): Promise<SipTransport> {
  const socket: Socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', (err) => handlers.onError(err));
  socket.on('message', (data, rinfo) => {
    handlers.onMessage(data, { protocol: 'udp', host: rinfo.address, port: rinfo.port });
  });
  const bound = socket.address();
  let closed = false;
  return {
    protocol: 'udp',
    reliable: false,
    host,
    port: bound.port,
    send(data: Buffer, to: Destination, onError?: (err: Error) => void): void {
      if (closed) return;
      socket.send(data, to.port, to.host, (err) => {
        if (err) (onError ?? handlers.onError)(err);
      });
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => socket.close(() => resolve()));
    },
  };
}
