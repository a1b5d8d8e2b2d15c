/**
 * The SIP trunk calls to phone numbers go through, from one URI (SWITCHBOARD_SIP_TRUNK):
 *
 *   sip:[USER[:PASSWORD]@]HOST[:PORT][;transport=udp|tcp][;prefix=DIGITS][;realm=REALM][;from-host=HOST]
 *
 * USER and PASSWORD answer the trunk's digest challenges. `prefix` rewrites E.164 numbers: it replaces the
 * leading "+" (prefix=00 sends +4930123 as 004930123; an empty prefix= drops the "+"; without it the number
 * is sent as is). One string keeps the setting a single env var, the form operators already use for trunks.
 */
import { parseUri } from './sip/index.js';
import type { SipProtocol } from './sip/index.js';

export interface SipTrunk {
  host: string;
  port: number;
  transport: SipProtocol;
  username: string | null;
  password: string | null;
  realm: string | null;
  /** Replaces the "+" of E.164 numbers; null keeps them as they are. */
  prefix: string | null;
  /** Host written in the From URI (some trunks want their own domain there); default the trunk host. */
  fromHost: string;
}

export class TrunkConfigError extends Error {}

export function parseTrunk(value: string): SipTrunk {
  const uri = parseUri(value.trim());
  if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips') || !uri.host) {
    throw new TrunkConfigError(`must look like sip:user:password@host:port;transport=udp, got "${value}"`);
  }
  const transport = (uri.params.transport ?? 'udp').toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp') throw new TrunkConfigError(`transport must be udp or tcp, got "${transport}"`);
  const prefix = uri.params.prefix ?? null;
  if (prefix !== null && !/^[0-9*#]*$/.test(prefix)) throw new TrunkConfigError(`prefix must be digits, got "${prefix}"`);
  const password = uri.password === undefined ? null : decodeURIComponent(uri.password);
  return {
    host: uri.host.replace(/^\[|\]$/g, ''),
    port: uri.port ?? 5060,
    transport,
    username: uri.user ?? null,
    password,
    realm: uri.params.realm ?? null,
    prefix,
    fromHost: uri.params['from-host'] ?? uri.host,
  };
}

/** The number as the trunk wants it. */
export function trunkNumber(trunk: SipTrunk, e164: string): string {
  if (trunk.prefix === null || !e164.startsWith('+')) return e164;
  return trunk.prefix + e164.slice(1);
}

/** The Request-URI for a number through the trunk. */
export function trunkUri(trunk: SipTrunk, e164: string): string {
  const host = trunk.host.includes(':') ? `[${trunk.host}]` : trunk.host;
  return `sip:${trunkNumber(trunk, e164)}@${host}:${trunk.port}${trunk.transport === 'tcp' ? ';transport=tcp' : ''}`;
}
