/**
 * The cookies Twilio keeps for an app: per SMS conversation (To/From pair) and per call. A small RFC 6265
 * subset: Expires/Max-Age, Path and Domain scoping, Secure; HttpOnly and SameSite mean nothing to a
 * webhook client and are ignored. Pure and synchronous: the dispatcher loads a jar, lends it to the HTTP
 * client for one request (every redirect hop reads and writes it), then saves it.
 */

/** Twilio: a cookie without an expiry lives 4 hours, and longer expiries are capped to 4 hours. */
export const COOKIE_LIFETIME_MS = 4 * 60 * 60 * 1000;
/** Bounds, as browsers bound a site's cookies: name + value per cookie, cookies per jar, bytes per jar. */
export const MAX_COOKIE_BYTES = 4096;
export const MAX_COOKIES = 20;
/** Keeps the Cookie header well under common server header limits (Node's is 16 KiB for all headers). */
export const MAX_JAR_BYTES = 8192;

export interface StoredCookie {
  name: string;
  value: string;
  /** Lower-case host name; the host that set it when hostOnly. */
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  /** Epoch ms. */
  expiresAt: number;
  /** Epoch ms of the last Set-Cookie for it: the oldest is evicted first, and ties in Cookie order break on it. */
  setAt: number;
}

/** A Set-Cookie that was not stored, and why (an invalid one is Twilio's 11206). */
export interface CookieProblem {
  invalid: boolean;
  detail: string;
}

// Twilio's 11206 names these: tab, CR, LF, vertical tab, form feed (and any other control character).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export class CookieJar {
  private cookies: StoredCookie[];
  /** True once a Set-Cookie changed what is stored: only then is the jar written back. */
  changed = false;

  constructor(
    cookies: StoredCookie[],
    private readonly now: () => number,
  ) {
    const t = now();
    this.cookies = cookies.filter((c) => c.expiresAt > t);
  }

  list(): readonly StoredCookie[] {
    return this.cookies;
  }

  /** The Cookie header for a request to `url`, or undefined when no cookie applies. */
  header(url: URL): string | undefined {
    const t = this.now();
    const host = url.hostname.toLowerCase();
    const path = url.pathname || '/';
    const secure = url.protocol === 'https:' || isLoopback(host);
    const matching = this.cookies
      .filter((c) => c.expiresAt > t && (c.hostOnly ? c.domain === host : domainMatches(host, c.domain)) && pathMatches(path, c.path) && (!c.secure || secure))
      // RFC 6265 5.4: longer paths first, then the earlier set.
      .sort((a, b) => b.path.length - a.path.length || a.setAt - b.setAt);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  /** Applies the Set-Cookie headers of a response from `url`; returns what was refused. */
  receive(url: URL, setCookies: readonly string[]): CookieProblem[] {
    const problems: CookieProblem[] = [];
    for (const line of setCookies) {
      const parsed = parseSetCookie(line, url, this.now());
      if ('invalid' in parsed) {
        problems.push(parsed);
        continue;
      }
      this.put(parsed);
    }
    return problems;
  }

  private put(c: StoredCookie): void {
    const same = (o: StoredCookie) => o.name === c.name && o.domain === c.domain && o.path === c.path;
    const before = this.cookies.length;
    this.cookies = this.cookies.filter((o) => !same(o));
    // An expiry in the past (Max-Age=0 included) deletes the cookie, as a browser does.
    if (c.expiresAt > this.now()) this.cookies.push(c);
    if (this.cookies.length !== before || c.expiresAt > this.now()) this.changed = true;
    // Over the bounds, the least recently set cookies go first.
    this.cookies.sort((a, b) => a.setAt - b.setAt);
    while (this.cookies.length > MAX_COOKIES || jarBytes(this.cookies) > MAX_JAR_BYTES) this.cookies.shift();
  }
}

function jarBytes(cookies: StoredCookie[]): number {
  let n = 0;
  for (const c of cookies) n += Buffer.byteLength(c.name) + Buffer.byteLength(c.value) + 2;
  return n;
}

/** One Set-Cookie header line, scoped to the URL that set it. */
export function parseSetCookie(line: string, url: URL, now: number): StoredCookie | CookieProblem {
  const [pair = '', ...attrs] = line.split(';');
  const eq = pair.indexOf('=');
  const name = (eq < 0 ? '' : pair.slice(0, eq)).trim();
  let value = (eq < 0 ? pair : pair.slice(eq + 1)).trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (name === '') return { invalid: true, detail: `Set-Cookie without a name: ${truncate(line)}` };
  if (CONTROL.test(name) || CONTROL.test(value) || /[\s;,=]/.test(name)) {
    return { invalid: true, detail: `Set-Cookie with an invalid character in ${name}` };
  }
  if (Buffer.byteLength(name) + Buffer.byteLength(value) > MAX_COOKIE_BYTES) {
    return { invalid: false, detail: `cookie ${name} is over ${MAX_COOKIE_BYTES} bytes and was not kept` };
  }
  const host = url.hostname.toLowerCase();
  let expiresAt = now + COOKIE_LIFETIME_MS;
  let maxAge: number | undefined;
  let expires: number | undefined;
  let domain: string | undefined;
  let path: string | undefined;
  let secure = false;
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : attr.slice(i + 1).trim();
    if (key === 'max-age' && /^-?\d+$/.test(val)) maxAge = Number(val);
    else if (key === 'expires') {
      const t = Date.parse(val);
      if (!Number.isNaN(t)) expires = t;
    } else if (key === 'domain' && val !== '') domain = val.replace(/^\./, '').toLowerCase();
    else if (key === 'path' && val.startsWith('/')) path = val;
    else if (key === 'secure') secure = true;
  }
  // Max-Age wins over Expires (RFC 6265 5.3 step 3); either may only shorten Twilio's 4 hours.
  if (maxAge !== undefined) expiresAt = Math.min(expiresAt, maxAge <= 0 ? 0 : now + maxAge * 1000);
  else if (expires !== undefined) expiresAt = Math.min(expiresAt, expires);
  // A Domain attribute must cover the host that set it (else the cookie is dropped, as a browser does);
  // an IP address only ever gets host-only cookies.
  if (domain !== undefined && (domain === host || isIp(host))) domain = undefined;
  if (domain !== undefined && !domainMatches(host, domain))
    return { invalid: false, detail: `cookie ${name} names domain ${domain}, which does not cover ${host}` };
  return { name, value, domain: domain ?? host, hostOnly: domain === undefined, path: path ?? defaultPath(url.pathname), secure, expiresAt, setAt: now };
}

/** RFC 6265 5.1.4: the directory of the request path. */
function defaultPath(p: string): string {
  if (!p.startsWith('/')) return '/';
  const last = p.lastIndexOf('/');
  return last <= 0 ? '/' : p.slice(0, last);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(`.${domain}`) && !isIp(host));
}

function isIp(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':') || host.startsWith('[');
}

/** Browsers send Secure cookies to http://localhost too; an app under development is usually there. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host.startsWith('127.') || host === '[::1]' || host === '::1';
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
