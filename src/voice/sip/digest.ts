/**
 * HTTP Digest authentication for SIP (RFC 3261 22, RFC 2617): MD5 and MD5-sess, qop=auth (and auth-int
 * when it is the only one offered), or no qop for old servers. The client side answers trunk challenges;
 * `verifyDigest` is the server side a future registrar can use.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: string;
  qop: string[];
  stale: boolean;
}

export interface DigestCredentials {
  username: string;
  password: string;
  /** Only answer challenges for this realm when set. */
  realm?: string;
}

const md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');

/** Parses `k=v, k="v, w"` auth-params; names lower-cased. */
export function parseAuthParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  let guard = 0;
  for (let m = re.exec(s); m && guard++ < 64; m = re.exec(s)) {
    out[(m[1] ?? '').toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    if (re.lastIndex >= s.length) break;
  }
  return out;
}

export function parseChallenge(header: string): DigestChallenge | null {
  const m = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!m) return null;
  const p = parseAuthParams(m[1] ?? '');
  if (p.realm === undefined || !p.nonce) return null;
  const challenge: DigestChallenge = {
    realm: p.realm,
    nonce: p.nonce,
    algorithm: p.algorithm ?? 'MD5',
    qop: (p.qop ?? '')
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter(Boolean),
    stale: (p.stale ?? '').toLowerCase() === 'true',
  };
  if (p.opaque !== undefined) challenge.opaque = p.opaque;
  return challenge;
}

export interface DigestInput {
  challenge: DigestChallenge;
  credentials: DigestCredentials;
  method: string;
  uri: string;
  body?: Buffer;
  nc?: number;
  cnonce?: string;
}

export function digestResponse(i: {
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  algorithm: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  body?: Buffer;
}): string {
  let ha1 = md5(`${i.username}:${i.realm}:${i.password}`);
  if (i.algorithm.toUpperCase() === 'MD5-SESS') ha1 = md5(`${ha1}:${i.nonce}:${i.cnonce ?? ''}`);
  const ha2 = i.qop === 'auth-int' ? md5(`${i.method}:${i.uri}:${md5(i.body ?? Buffer.alloc(0))}`) : md5(`${i.method}:${i.uri}`);
  return i.qop ? md5(`${ha1}:${i.nonce}:${i.nc ?? ''}:${i.cnonce ?? ''}:${i.qop}:${ha2}`) : md5(`${ha1}:${i.nonce}:${ha2}`);
}

/** Builds the value of an Authorization or Proxy-Authorization header; null for unsupported algorithms. */
export function buildAuthorization(input: DigestInput): string | null {
  const { challenge, credentials } = input;
  const algorithm = challenge.algorithm.toUpperCase();
  if (algorithm !== 'MD5' && algorithm !== 'MD5-SESS') return null;
  const qop = challenge.qop.includes('auth') ? 'auth' : challenge.qop.includes('auth-int') ? 'auth-int' : undefined;
  const nc = (input.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  const response = digestResponse({
    username: credentials.username,
    password: credentials.password,
    realm: challenge.realm,
    nonce: challenge.nonce,
    method: input.method,
    uri: input.uri,
    algorithm: challenge.algorithm,
    ...(qop ? { qop, nc, cnonce } : {}),
    ...(input.body ? { body: input.body } : {}),
  });
  const q = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  let v = `Digest username=${q(credentials.username)}, realm=${q(challenge.realm)}, nonce=${q(challenge.nonce)}`;
  v += `, uri=${q(input.uri)}, response=${q(response)}, algorithm=${challenge.algorithm}`;
  if (challenge.opaque !== undefined) v += `, opaque=${q(challenge.opaque)}`;
  if (qop) v += `, qop=${qop}, nc=${nc}, cnonce=${q(cnonce)}`;
  return v;
}

/** Server side: checks an Authorization header against a known password. Nonce freshness is the caller's job. */
export function verifyDigest(header: string, method: string, password: string, body?: Buffer): boolean {
  const m = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!m) return false;
  const p = parseAuthParams(m[1] ?? '');
  if (!p.username || p.realm === undefined || !p.nonce || !p.uri || !p.response) return false;
  const expected = digestResponse({
    username: p.username,
    password,
    realm: p.realm,
    nonce: p.nonce,
    method,
    uri: p.uri,
    algorithm: p.algorithm ?? 'MD5',
    ...(p.qop ? { qop: p.qop, nc: p.nc ?? '', cnonce: p.cnonce ?? '' } : {}),
    ...(body ? { body } : {}),
  });
  const a = Buffer.from(expected);
  const b = Buffer.from(p.response.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
