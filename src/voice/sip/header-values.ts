/**
 * Parsers and formatters for the structured header values the stack reads: SIP URIs, name-addr
 * (From, To, Contact, Route), Via and CSeq. They return null on malformed input instead of throwing,
 * because everything here comes straight off the network.
 */
export type Params = Record<string, string | null>;

export interface SipUri {
  scheme: string;
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: Params;
  headers: string;
}

export interface NameAddr {
  display?: string;
  uri: string;
  params: Params;
}

export interface Via {
  protocol: string;
  host: string;
  port?: number;
  params: Params;
}

export interface CSeq {
  seq: number;
  method: string;
}

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/** Parses `;a=b;c;d="q"` (the leading ';' optional). Names are lower-cased, values kept. */
export function parseParams(s: string): Params {
  const out: Params = {};
  for (const part of splitOutsideQuotes(s, ';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) out[p.toLowerCase()] = null;
    else out[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
  }
  return out;
}

export function formatParams(params: Params): string {
  let s = '';
  for (const [k, v] of Object.entries(params)) s += v === null ? `;${k}` : `;${k}=${v}`;
  return s;
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === '\\' && quoted) i++;
    else if (ch === sep && !quoted) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

function parseHostPort(s: string): { host: string; port?: number } | null {
  let host: string;
  let rest: string;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return null;
    host = s.slice(0, end + 1);
    rest = s.slice(end + 1);
  } else {
    const colon = s.indexOf(':');
    host = colon < 0 ? s : s.slice(0, colon);
    rest = colon < 0 ? '' : s.slice(colon);
  }
  if (!host || !/^[A-Za-z0-9.\-_[\]:]+$/.test(host)) return null;
  if (!rest) return { host };
  if (!/^:\d{1,5}$/.test(rest)) return null;
  const port = Number(rest.slice(1));
  if (port > 65535) return null;
  return { host, port };
}

export function parseUri(input: string): SipUri | null {
  const s = input.trim();
  const colon = s.indexOf(':');
  if (colon <= 0) return null;
  const scheme = s.slice(0, colon).toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return null;
  let rest = s.slice(colon + 1);
  let headers = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    headers = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const number = semi < 0 ? rest : rest.slice(0, semi);
    if (!number) return null;
    return { scheme, user: number, host: '', params: semi < 0 ? {} : parseParams(rest.slice(semi)), headers };
  }
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    user = decodeSafe(pc < 0 ? userinfo : userinfo.slice(0, pc));
    if (pc >= 0) password = userinfo.slice(pc + 1);
    if (!user) return null;
  }
  const semi = rest.indexOf(';');
  const hp = parseHostPort(semi < 0 ? rest : rest.slice(0, semi));
  if (!hp) return null;
  const uri: SipUri = { scheme, host: hp.host, params: semi < 0 ? {} : parseParams(rest.slice(semi)), headers };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (hp.port !== undefined) uri.port = hp.port;
  return uri;
}

function decodeSafe(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function formatUri(u: SipUri): string {
  if (u.scheme === 'tel') return `tel:${u.user ?? ''}${formatParams(u.params)}`;
  let s = `${u.scheme}:`;
  if (u.user !== undefined) {
    s += encodeUser(u.user);
    if (u.password !== undefined) s += `:${u.password}`;
    s += '@';
  }
  s += u.host;
  if (u.port !== undefined) s += `:${u.port}`;
  s += formatParams(u.params);
  if (u.headers) s += `?${u.headers}`;
  return s;
}

function encodeUser(user: string): string {
  return user.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/%]/g, (c) => encodeURIComponent(c));
}

/** Parses From/To/Contact/Route values: `"Name" <uri>;params`, `<uri>;params`, `uri;params`, or `*`. */
export function parseNameAddr(input: string): NameAddr | null {
  const s = input.trim();
  if (!s) return null;
  if (s === '*') return { uri: '*', params: {} };
  const lt = findAngle(s);
  if (lt >= 0) {
    const gt = s.indexOf('>', lt);
    if (gt < 0) return null;
    const uri = s.slice(lt + 1, gt).trim();
    if (!parseUri(uri)) return null;
    let display = s.slice(0, lt).trim();
    if (display.startsWith('"')) {
      if (display.length < 2 || !display.endsWith('"')) return null;
      display = display.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    const out: NameAddr = { uri, params: parseParams(s.slice(gt + 1)) };
    if (display) out.display = display;
    return out;
  }
  // addr-spec form: any ';' params belong to the header, not to the URI (RFC 3261 20.10)
  const semi = s.indexOf(';');
  const uri = (semi < 0 ? s : s.slice(0, semi)).trim();
  if (!parseUri(uri) || /[\s"]/.test(uri)) return null;
  return { uri, params: semi < 0 ? {} : parseParams(s.slice(semi)) };
}

function findAngle(s: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === '\\' && quoted) i++;
    else if (ch === '<' && !quoted) return i;
  }
  return -1;
}

export function formatNameAddr(na: NameAddr): string {
  const display = na.display ? `"${na.display.replace(/(["\\])/g, '\\$1')}" ` : '';
  return `${display}<${na.uri}>${formatParams(na.params)}`;
}

export function parseVia(input: string): Via | null {
  const m = /^\s*SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9-]+)\s+([^;\s]+)\s*(;.*)?$/i.exec(input);
  if (!m) return null;
  const hp = parseHostPort(m[2] ?? '');
  if (!hp) return null;
  const via: Via = { protocol: (m[1] ?? '').toUpperCase(), host: hp.host, params: parseParams(m[3] ?? '') };
  if (hp.port !== undefined) via.port = hp.port;
  return via;
}

export function formatVia(v: Via): string {
  return `SIP/2.0/${v.protocol} ${v.host}${v.port !== undefined ? `:${v.port}` : ''}${formatParams(v.params)}`;
}

export function parseCSeq(input: string): CSeq | null {
  const m = /^\s*(\d{1,10})\s+([A-Za-z0-9.!%*_+`'~-]+)\s*$/.exec(input);
  if (!m) return null;
  const seq = Number(m[1]);
  if (seq > 0x7fffffff) return null;
  return { seq, method: m[2] ?? '' };
}

/** The user part of a SIP or tel URI (or name-addr), or undefined. */
export function userOf(uriOrNameAddr: string): string | undefined {
  const na = parseNameAddr(uriOrNameAddr);
  const uri = parseUri(na ? na.uri : uriOrNameAddr);
  return uri?.user;
}
