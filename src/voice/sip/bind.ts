/**
 * Binds the requested transports. With port 0 the UDP socket picks a free port and TCP binds the same
 * number, retrying a few times when another process holds it, so Via and Contact carry one port.
 */
import { createTcpTransport } from './transport-tcp.js';
import type { TcpLimits } from './transport-tcp.js';
import { createUdpTransport } from './transport-udp.js';
import type { SipProtocol, SipTransport, TransportHandlers } from './transport.js';

const ATTEMPTS = 20;

export async function bindTransports(
  host: string,
  port: number,
  protocols: SipProtocol[],
  handlers: TransportHandlers,
  tcpLimits: Partial<TcpLimits> = {},
): Promise<Map<SipProtocol, SipTransport>> {
  const wanted = [...new Set(protocols)];
  if (!wanted.length) throw new Error('at least one SIP transport is required');
  let lastError: unknown;
  for (let attempt = 0; attempt < (port === 0 ? ATTEMPTS : 1); attempt++) {
    const bound = new Map<SipProtocol, SipTransport>();
    try {
      let p = port;
      if (wanted.includes('udp')) {
        const udp = await createUdpTransport(host, p, handlers);
        bound.set('udp', udp);
        p = udp.port;
      }
      if (wanted.includes('tcp')) bound.set('tcp', await createTcpTransport(host, p, handlers, tcpLimits));
      return bound;
    } catch (err) {
      lastError = err;
      await Promise.all([...bound.values()].map((t) => t.close()));
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw lastError;
}
