/**
 * SIP message model (RFC 3261 section 7). Headers stay an ordered list of name/value pairs because order
 * matters for Via, Route and Record-Route, and because a proxy-facing stack must pass unknown headers through.
 * Comma-separated list headers we inspect (Via, Route, Record-Route, Contact) are split into one entry per value
 * at parse time so that "the top Via" is simply the first entry.
 */
export interface SipHeader {
  /** Canonical long form (compact forms are expanded at parse time), e.g. `Call-ID`, `Via`. */
  name: string;
  value: string;
}

export interface SipRequest {
  type: 'request';
  method: string;
  uri: string;
  headers: SipHeader[];
  body: Buffer;
}

export interface SipResponse {
  type: 'response';
  status: number;
  reason: string;
  headers: SipHeader[];
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

const COMPACT: Record<string, string> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
  r: 'Refer-To',
  b: 'Referred-By',
  o: 'Event',
  u: 'Allow-Events',
  x: 'Session-Expires',
  a: 'Accept-Contact',
  j: 'Reject-Contact',
  d: 'Request-Disposition',
  y: 'Identity',
  n: 'Identity-Info',
};

const KNOWN = [
  'Via',
  'From',
  'To',
  'Call-ID',
  'CSeq',
  'Contact',
  'Max-Forwards',
  'Content-Length',
  'Content-Type',
  'Route',
  'Record-Route',
  'Authorization',
  'Proxy-Authorization',
  'WWW-Authenticate',
  'Proxy-Authenticate',
  'Allow',
  'Supported',
  'Require',
  'Unsupported',
  'Proxy-Require',
  'User-Agent',
  'Server',
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Expires',
  'Min-Expires',
  'Retry-After',
  'Reason',
  'Subject',
  'Event',
  'Refer-To',
  'Referred-By',
  'Session-Expires',
  'Min-SE',
  'Content-Encoding',
  'Content-Disposition',
  'Allow-Events',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Remote-Party-ID',
  'Diversion',
  'Timestamp',
  'Warning',
  'Organization',
  'Date',
  'Priority',
  'Call-Info',
  'Alert-Info',
  'Error-Info',
  'In-Reply-To',
  'MIME-Version',
  'Reply-To',
  'Authentication-Info',
  'RSeq',
  'RAck',
  'Privacy',
  'Accept-Contact',
  'Reject-Contact',
  'Request-Disposition',
  'Identity',
  'Identity-Info',
];
const KNOWN_BY_LOWER = new Map(KNOWN.map((n) => [n.toLowerCase(), n]));

/** Expands compact forms and fixes the case of well-known names; unknown names are kept as written. */
export function canonicalName(raw: string): string {
  if (raw.length === 1) {
    const c = COMPACT[raw.toLowerCase()];
    if (c) return c;
  }
  return KNOWN_BY_LOWER.get(raw.toLowerCase()) ?? raw;
}

/** Headers whose comma-separated values we split into separate entries (RFC 3261 7.3.1). */
export const LIST_HEADERS: ReadonlySet<string> = new Set(['Via', 'Route', 'Record-Route', 'Contact']);

function same(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

export function getHeader(msg: { headers: SipHeader[] }, name: string): string | undefined {
  const n = canonicalName(name);
  for (const h of msg.headers) if (same(h.name, n)) return h.value;
  return undefined;
}

export function getHeaders(msg: { headers: SipHeader[] }, name: string): string[] {
  const n = canonicalName(name);
  const out: string[] = [];
  for (const h of msg.headers) if (same(h.name, n)) out.push(h.value);
  return out;
}

export function removeHeaders(msg: { headers: SipHeader[] }, name: string): void {
  const n = canonicalName(name);
  msg.headers = msg.headers.filter((h) => !same(h.name, n));
}

/** Replaces every header of that name with one value, keeping the position of the first one. */
export function setHeader(msg: { headers: SipHeader[] }, name: string, value: string): void {
  const n = canonicalName(name);
  const i = msg.headers.findIndex((h) => same(h.name, n));
  removeHeaders(msg, n);
  if (i < 0) msg.headers.push({ name: n, value });
  else msg.headers.splice(Math.min(i, msg.headers.length), 0, { name: n, value });
}

/**
 * Splits a header value on commas that are outside quotes and angle brackets.
 * Returns trimmed, non-empty parts.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let angle = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (quoted) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) quoted = false;
    } else if (ch === 34) quoted = true;
    else if (ch === 60 /* < */) angle++;
    else if (ch === 62 /* > */ && angle > 0) angle--;
    else if (ch === 44 /* , */ && angle === 0) {
      const part = value.slice(start, i).trim();
      if (part) out.push(part);
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last) out.push(last);
  return out;
}
