/**
 * Who may start a call: every new INVITE (not retransmissions, not re-INVITEs) passes this before a
 * transaction, an RTP socket or a webhook exists for it. In order:
 * 1. trusted networks (an IP allow list for trunks): their INVITEs go through, without a rate limit;
 * 2. the source's rate (SourceRateLimiter): over it, one 503 + Retry-After a second, the rest dropped unanswered;
 * 3. otherwise, when peers with passwords are configured, a digest challenge (401); a valid answer goes through;
 * 4. everything else gets 403.
 * With no trusted list and no peers every source is accepted (still rate limited): the loopback developer setup.
 * Refusals are answered statelessly, so an attacker who never ACKs holds no transaction and gets no retransmissions.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { getHeader } from './message.js';
import type { SipHeader, SipRequest } from './message.js';
import { parseAuthParams, verifyDigest } from './digest.js';
import { SourceRateLimiter } from './rate-limit.js';
import type { Destination } from './transport.js';

export interface InviteGuardOptions {
  /** New INVITEs per second per source IP; 0 disables the limit. */
  ratePerSecond: number;
  /** Bucket size: INVITEs a source may send at once. */
  burst: number;
  /** Networks trusted without authentication (`10.0.0.0/8`, `203.0.113.7`, `2001:db8::/32`); null: none listed. */
  trusted: string[] | null;
  /** username -> password: peers outside the trusted networks that may call after a digest challenge. */
  peers: ReadonlyMap<string, string>;
  realm: string;
  now?: () => number;
}

/** INVITEs refused, by reason; read by the metrics collector. */
export interface GuardCounters {
  rate: number;
  forbidden: number;
  challenged: number;
}

export type GuardVerdict =
  | { action: 'accept'; peer: string | null }
  | { action: 'drop' }
  | { action: 'reply'; status: number; reason?: string; headers?: SipHeader[] };

export class GuardConfigError extends Error {}

const NONCE_TTL_MS = 5 * 60_000;

/** Parses an allow list; throws GuardConfigError naming the bad entry. */
export function parseNetworks(entries: string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    const [addr = '', bits] = entry.split('/');
    const family = isIP(addr);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new GuardConfigError(`not an IP address or network: "${entry}" (use e.g. 203.0.113.7 or 10.0.0.0/8)`);
    }
    list.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** `user:password,user2:password2` -> map; throws GuardConfigError on an entry without a colon. */
export function parsePeers(value: string | undefined): Map<string, string> {
  const peers = new Map<string, string>();
  for (const entry of (value ?? '').split(',')) {
    if (!entry.trim()) continue;
    const at = entry.indexOf(':');
    if (at <= 0) throw new GuardConfigError('SIP peers must look like user:password,user2:password2');
    peers.set(entry.slice(0, at).trim(), entry.slice(at + 1));
  }
  return peers;
}

export class InviteGuard {
  readonly counters: GuardCounters = { rate: 0, forbidden: 0, challenged: 0 };
  private readonly rate: SourceRateLimiter;
  private readonly trusted: BlockList | null;
  private readonly secret = randomBytes(32);
  private readonly now: () => number;

  constructor(private readonly o: InviteGuardOptions) {
    this.now = o.now ?? Date.now;
    this.rate = new SourceRateLimiter(o.ratePerSecond, Math.max(1, o.burst), this.now);
    this.trusted = o.trusted ? parseNetworks(o.trusted) : null;
  }

  check(req: SipRequest, source: Destination): GuardVerdict {
    const ip = source.host.replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.)/i, '');
    const listed = this.listed(ip);
    // Listed trunks are exempt (the call caps bound them); everyone else is rate limited first.
    const rate = listed ? 'ok' : this.rate.take(ip);
    if (rate !== 'ok') {
      this.counters.rate++;
      if (rate === 'drop') return { action: 'drop' };
      return {
        action: 'reply',
        status: 503,
        reason: 'Too Many Calls From This Source',
        headers: [{ name: 'Retry-After', value: String(this.rate.retryAfter(ip)) }],
      };
    }
    if (listed || (!this.trusted && this.o.peers.size === 0)) return { action: 'accept', peer: null };
    if (this.o.peers.size === 0) {
      this.counters.forbidden++;
      return { action: 'reply', status: 403, reason: 'Forbidden: source not trusted' };
    }
    const answer = getHeader(req, 'Authorization');
    const result = answer ? this.verify(answer, req) : 'missing';
    if (typeof result !== 'string') return { action: 'accept', peer: result.user };
    if (result === 'wrong') {
      this.counters.forbidden++;
      return { action: 'reply', status: 403, reason: 'Forbidden: bad credentials' };
    }
    this.counters.challenged++;
    return { action: 'reply', status: 401, headers: [{ name: 'WWW-Authenticate', value: this.challenge(result === 'stale') }] };
  }

  private listed(ip: string): boolean {
    if (!this.trusted) return false;
    const family = isIP(ip);
    return family !== 0 && this.trusted.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** A nonce that carries its own time and MAC: nothing is stored per challenge. */
  private challenge(stale: boolean): string {
    const ts = this.now().toString(16);
    const nonce = `${ts}.${this.mac(ts)}`;
    return `Digest realm="${this.o.realm}", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`;
  }

  private mac(ts: string): string {
    return createHmac('sha256', this.secret).update(ts).digest('hex').slice(0, 32);
  }

  private verify(header: string, req: SipRequest): { user: string } | 'missing' | 'stale' | 'wrong' {
    const p = parseAuthParams(header.replace(/^\s*Digest\s+/i, ''));
    const [ts = '', mac = ''] = (p.nonce ?? '').split('.');
    const expected = this.mac(ts);
    if (p.realm !== this.o.realm || mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return 'missing';
    if (this.now() - parseInt(ts, 16) > NONCE_TTL_MS) return 'stale';
    const password = this.o.peers.get(p.username ?? '');
    // The answer must be for this request's URI, or a captured answer could be replayed for another number.
    if (password === undefined || p.uri !== req.uri || !verifyDigest(header, req.method, password)) return 'wrong';
    return { user: p.username ?? '' };
  }
}
