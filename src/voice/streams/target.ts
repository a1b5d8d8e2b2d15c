/**
 * Where a stream may connect. Twilio takes only wss:; so do we, plus ws: to a loopback or private address
 * (an agent on the developer's machine or in the same network, where TLS is noise). The host is resolved
 * here, once, and every address it resolves to must pass the outbound policy (as webhooks do, see
 * core/net/outbound-policy.ts); the socket then connects to the address that was checked.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';
import { OutboundPolicy } from '../../core/net/outbound-policy.js';
import { STREAM_CODES } from './types.js';

/** Refuses every private network: an address it does not allow is loopback or private. */
const PUBLIC_ONLY = new OutboundPolicy({ deny: ['private'], allow: [] });

export type Target = { ok: true; address: { ip: string; family: 4 | 6 } | null } | { ok: false; code: number; detail: string };

/** Syntax only (REST validation): a wss: or ws: URL with a host. */
export function streamUrlShape(url: string): URL | null {
  try {
    const u = new URL(url);
    return (u.protocol === 'wss:' || u.protocol === 'ws:') && u.hostname !== '' ? u : null;
  } catch {
    return null;
  }
}

export async function resolveTarget(url: string, policy: OutboundPolicy): Promise<Target> {
  const u = streamUrlShape(url);
  if (u === null) return { ok: false, code: STREAM_CODES.scheme, detail: `${url.slice(0, 200)} is not a wss:// URL` };
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await dns.promises.lookup(host, { all: true });
    } catch (err) {
      return { ok: false, code: STREAM_CODES.connectTimeout, detail: `the stream host could not be resolved: ${(err as Error).message}` };
    }
  }
  if (addresses.length === 0) return { ok: false, code: STREAM_CODES.connectTimeout, detail: 'the stream host has no address' };
  if (!addresses.every((a) => policy.allows(a.address)))
    return { ok: false, code: STREAM_CODES.handshake, detail: 'destination not allowed by outbound policy' };
  if (u.protocol === 'ws:' && addresses.some((a) => PUBLIC_ONLY.allows(a.address))) {
    return { ok: false, code: STREAM_CODES.scheme, detail: 'ws:// is allowed only to loopback and private addresses: use wss://' };
  }
  const first = addresses[0] as { address: string; family: number };
  return { ok: true, address: isIP(host) !== 0 ? null : { ip: first.address, family: first.family === 6 ? 6 : 4 } };
}
