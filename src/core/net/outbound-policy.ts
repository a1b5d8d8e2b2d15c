/**
 * Where Switchboard may send outbound HTTP (webhooks, TwiML, MediaUrl, <Play> audio). URLs come from API
 * callers, so without a policy anyone with an account could make the server fetch internal addresses and
 * read the answer back (server-side request forgery). The check runs on IP addresses after DNS resolution,
 * so every spelling of an address (2130706433, 0x7f.1, [::ffff:127.0.0.1]) and every hostname that resolves
 * to it is caught, and the connection goes to the address that was checked (no DNS rebinding window).
 */
import dns from 'node:dns';
import { BlockList, isIP, isIPv4, type LookupFunction } from 'node:net';

/** Thrown (or passed to a socket's lookup callback) when a destination is refused. */
export class OutboundDenied extends Error {
  readonly code = 'ERR_OUTBOUND_DENIED';
  constructor() {
    // The address is left out: the message reaches the account's alerts, and should not map internal names.
    super('destination not allowed by outbound policy');
    this.name = 'OutboundDenied';
  }
}

/** A bad network in SWITCHBOARD_OUTBOUND_ALLOW or _DENY. */
export class OutboundPolicyError extends Error {}

/**
 * Addresses that are not globally reachable (IANA special-purpose registries): loopback, private, link-local
 * (cloud metadata at 169.254.169.254), shared CGNAT, multicast, reserved, and the IPv6 forms that embed an
 * IPv4 address (NAT64, 6to4, Teredo), which could otherwise reach a private IPv4 address indirectly.
 * IPv4-mapped IPv6 (::ffff:0:0/96) is not listed: such addresses are turned into IPv4 before any check, so
 * ::ffff:127.0.0.1 is refused as 127.0.0.1 is, and ::ffff:8.8.8.8 allowed as 8.8.8.8 is.
 */
export const PRIVATE_NETWORKS: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/96',
  '::1/128',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/32',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
];

export interface OutboundPolicyOptions {
  /** Networks refused; the word `private` stands for PRIVATE_NETWORKS, `none` for nothing. */
  deny: readonly string[];
  /** Networks let through even when on the deny list (the operator's own app servers, say). */
  allow: readonly string[];
}

export class OutboundPolicy {
  private readonly denied = new BlockList();
  private readonly allowed = new BlockList();
  private readonly restricts: boolean;

  constructor(opts: OutboundPolicyOptions) {
    let denies = 0;
    for (const entry of opts.deny) denies += addNetworks(this.denied, entry);
    for (const entry of opts.allow) addNetworks(this.allowed, entry);
    this.restricts = denies > 0;
  }

  /** Everything allowed: the local-development default, where webhooks to localhost are the point. */
  static open(): OutboundPolicy {
    return new OutboundPolicy({ deny: [], allow: [] });
  }

  /**
   * From the settings: an unset deny list means `private` when the HTTP API is bound to a non-loopback
   * address (a shared server) and nothing when it is bound to loopback (one developer's machine).
   */
  static fromSettings(httpHost: string, deny: string | undefined, allow: string | undefined): OutboundPolicy {
    const denyList = deny === undefined ? (isLoopbackHost(httpHost) ? [] : ['private']) : splitList(deny);
    return new OutboundPolicy({ deny: denyList, allow: allow === undefined ? [] : splitList(allow) });
  }

  /** Whether an IP address (v4, v6 or IPv4-mapped v6) may be connected to. */
  allows(address: string): boolean {
    if (!this.restricts) return true;
    const ip = normalise(address);
    if (ip === undefined) return false;
    const type = isIPv4(ip) ? 'ipv4' : 'ipv6';
    return this.allowed.check(ip, type) || !this.denied.check(ip, type);
  }

  /**
   * The check for a URL before connecting: Node skips `lookup` when the host is an IP literal, so literal
   * hosts are checked here (the WHATWG parser has already turned 2130706433 and 0x7f.1 into 127.0.0.1).
   * Hostnames are checked by `lookup` once resolved. Returns the refusal, or undefined.
   */
  checkUrl(url: URL): OutboundDenied | undefined {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    return isIP(host) !== 0 && !this.allows(host) ? new OutboundDenied() : undefined;
  }

  /** For destinations dialled outside HTTP (a `sip:` host): an IP literal, or every address a name resolves to. */
  async allowsHost(host: string): Promise<boolean> {
    if (!this.restricts) return true;
    if (isIP(host) !== 0) return this.allows(host);
    const addresses = await dns.promises.lookup(host, { all: true });
    return addresses.length > 0 && addresses.every((a) => this.allows(a.address));
  }

  /** dns.lookup for sockets: resolves every address and refuses the host if any one of them is denied. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      if (addresses.length === 0 || addresses.some((a) => !this.allows(a.address))) return callback(new OutboundDenied(), '');
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * The policy in force for this process. The outbound HTTP clients keep module-level keep-alive agents, so
 * the policy they enforce is process-wide too; main.ts sets it once at start (tests that boot several
 * servers in one process get the policy of the latest one).
 */
let current = OutboundPolicy.open();
export function setOutboundPolicy(policy: OutboundPolicy): void {
  current = policy;
}
export function outboundPolicy(): OutboundPolicy {
  return current;
}
/** A stable `lookup` for agents, deferring to the policy in force when the socket connects. */
export const outboundLookup: LookupFunction = (hostname, options, callback) => current.lookup(hostname, options, callback);

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const ip = normalise(host.startsWith('[') ? host.slice(1, -1) : host);
  return ip !== undefined && (ip === '::1' || (isIPv4(ip) && ip.startsWith('127.')));
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Adds `private`, `none`, an address or a CIDR; returns how many networks were added. */
function addNetworks(list: BlockList, entry: string): number {
  const word = entry.trim().toLowerCase();
  if (word === 'none') return 0;
  if (word === 'private') {
    for (const net of PRIVATE_NETWORKS) addNetworks(list, net);
    return PRIVATE_NETWORKS.length;
  }
  const slash = word.indexOf('/');
  const base = slash < 0 ? word : word.slice(0, slash);
  const ip = normalise(base);
  if (ip === undefined) throw new OutboundPolicyError(`"${entry}" is not an IP address or CIDR network (or the word private or none)`);
  const max = isIP(base) === 4 ? 32 : 128;
  const prefix = slash < 0 ? max : /^\d+$/.test(word.slice(slash + 1)) ? Number(word.slice(slash + 1)) : -1;
  if (prefix < 0 || prefix > max) throw new OutboundPolicyError(`"${entry}" has a bad prefix length (0-${max})`);
  // A mapped network (::ffff:10.0.0.0/104) is the IPv4 network it maps, as addresses are checked as IPv4.
  const mapped = max === 128 && isIPv4(ip);
  if (mapped && prefix < 96) throw new OutboundPolicyError(`"${entry}": an IPv4-mapped network needs a prefix of at least 96`);
  list.addSubnet(ip, mapped ? prefix - 96 : prefix, isIPv4(ip) ? 'ipv4' : 'ipv6');
  return 1;
}

/** An IP address in canonical form, with IPv4-mapped IPv6 (::ffff:a.b.c.d) turned into IPv4; else undefined. */
export function normalise(address: string): string | undefined {
  const kind = isIP(address);
  if (kind === 4) return address;
  if (kind !== 6) return undefined;
  const groups = expandIPv6(address.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return address.toLowerCase();
}

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted IPv4 part counts as two). */
function expandIPv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
