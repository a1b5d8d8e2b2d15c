/**
 * Where messages go. Requests: first loose Route, else the Request-URI (RFC 3261 8.1.2; no DNS SRV/NAPTR,
 * plain A/AAAA lookup, port 5060 by default). Responses: back to the source, honouring `received` and
 * `rport` (RFC 3261 18.2.2, RFC 3581), so callers behind NAT hear us.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { getHeader } from './message.js';
import type { SipRequest } from './message.js';
import { parseNameAddr, parseUri } from './header-values.js';
import type { Via } from './header-values.js';
import type { Destination, SipProtocol } from './transport.js';

export class RoutingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingError';
  }
}

/** The URI of the next hop for a request we send. */
export function nextHopUri(req: SipRequest): string {
  const route = getHeader(req, 'Route');
  if (route) {
    const na = parseNameAddr(route);
    if (na) return na.uri;
  }
  return req.uri;
}

export async function resolveUri(uri: string, fallback: SipProtocol = 'udp'): Promise<Destination> {
  const u = parseUri(uri);
  if (!u || (u.scheme !== 'sip' && u.scheme !== 'sips') || !u.host) throw new RoutingError(`cannot route to ${uri}`);
  const t = u.params.transport?.toLowerCase();
  const protocol: SipProtocol = t === 'tcp' ? 'tcp' : t === 'udp' ? 'udp' : fallback;
  const bare = u.host.replace(/^\[|\]$/g, '');
  const hostName = u.params.maddr ?? bare;
  let host = hostName;
  if (!isIP(hostName)) {
    try {
      host = (await lookup(hostName)).address;
    } catch {
      throw new RoutingError(`cannot resolve ${hostName}`);
    }
  }
  return { protocol, host, port: u.port ?? 5060 };
}

/**
 * Stamps `received` (and fills `rport`) on the top Via of an incoming request and returns where its
 * responses must go.
 */
export function stampVia(via: Via, source: Destination): { via: Via; respondTo: Destination } {
  const params = { ...via.params };
  if (via.host.replace(/^\[|\]$/g, '') !== source.host) params.received = source.host;
  const hasRport = 'rport' in params;
  if (hasRport) {
    params.rport = String(source.port);
    params.received = source.host;
  }
  const stamped: Via = { ...via, params };
  if (source.protocol === 'tcp') return { via: stamped, respondTo: source };
  const port = hasRport ? source.port : (via.port ?? 5060);
  return { via: stamped, respondTo: { protocol: 'udp', host: source.host, port } };
}
