/**
 * SIP message parser (RFC 3261 section 7 and 18.3). Everything here reads untrusted bytes, so it never throws:
 * the result is either a message or an error, and for a request that is broken but still carries the headers a
 * response needs (Via, From, To, Call-ID, CSeq), `badRequest` lets the caller answer 400.
 */
import { canonicalName, getHeader, LIST_HEADERS, splitList } from './message.js';
import type { SipHeader, SipMessage, SipRequest } from './message.js';
import { isToken, parseCSeq, parseVia } from './header-values.js';

export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: string; badRequest?: SipRequest };

export interface ParseOptions {
  /** Stream transports frame by Content-Length themselves; a missing Content-Length then means no body. */
  stream?: boolean;
}

export const MAX_MESSAGE_BYTES = 65535;
const MAX_HEADERS = 256;
const CRLF2 = Buffer.from('\r\n\r\n');
const LF2 = Buffer.from('\n\n');

interface Raw {
  startLine: string;
  headers: SipHeader[];
  bodyStart: number;
}

export function parseMessage(buf: Buffer, options: ParseOptions = {}): ParseResult {
  try {
    return parseUnsafe(buf, options);
  } catch (err) {
    // A bug here must not take the process down: a peer's garbage becomes a dropped message.
    return { ok: false, error: `parser failure: ${(err as Error).message}` };
  }
}

/** Finds the end of the header block; returns [index of separator, its length] or null. */
export function findHeaderEnd(buf: Buffer, from = 0): [number, number] | null {
  const crlf = buf.indexOf(CRLF2, from);
  const lf = buf.indexOf(LF2, from);
  if (crlf < 0 && lf < 0) return null;
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return [crlf, 4];
  return [lf, 2];
}

function readRaw(buf: Buffer): Raw | string {
  let start = 0;
  while (start < buf.length && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start >= buf.length) return 'empty message';
  const end = findHeaderEnd(buf, start);
  let headerEnd: number;
  let bodyStart: number;
  if (end) {
    headerEnd = end[0];
    bodyStart = end[0] + end[1];
  } else {
    // Tolerate a datagram that lacks the blank line but ends its last header with CRLF.
    const text = buf.toString('latin1', Math.max(start, buf.length - 2));
    if (!text.endsWith('\n')) return 'no end of headers';
    headerEnd = buf.length;
    bodyStart = buf.length;
  }
  const lines = buf.toString('utf8', start, headerEnd).split(/\r?\n/);
  const startLine = lines[0] ?? '';
  const headers: SipHeader[] = [];
  let current: SipHeader | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.length === 0) continue;
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      // Header folding (RFC 3261 7.3.1): continuation lines join the previous header with one space.
      if (!current) return 'continuation line before any header';
      current.value = `${current.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return `malformed header line ${i}`;
    const name = line.slice(0, colon).trim();
    if (!isToken(name)) return `invalid header name on line ${i}`;
    current = { name: canonicalName(name), value: line.slice(colon + 1).trim() };
    headers.push(current);
    if (headers.length > MAX_HEADERS) return 'too many headers';
  }
  return { startLine, headers: splitListHeaders(headers), bodyStart };
}

function splitListHeaders(headers: SipHeader[]): SipHeader[] {
  const out: SipHeader[] = [];
  for (const h of headers) {
    if (LIST_HEADERS.has(h.name) && h.value.includes(',')) {
      for (const v of splitList(h.value)) out.push({ name: h.name, value: v });
    } else out.push(h);
  }
  return out;
}

function parseUnsafe(buf: Buffer, options: ParseOptions): ParseResult {
  if (buf.length > MAX_MESSAGE_BYTES) return { ok: false, error: 'message too large' };
  const raw = readRaw(buf);
  if (typeof raw === 'string') return { ok: false, error: raw };
  const { startLine, headers } = raw;

  const reqMatch = /^([A-Za-z0-9.!%*_+`'~-]+) (\S+) SIP\/2\.0$/i.exec(startLine);
  const resMatch = reqMatch ? null : /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/i.exec(startLine);
  if (!reqMatch && !resMatch) return { ok: false, error: 'malformed start line' };

  const body = readBody(buf, raw.bodyStart, headers, options);
  if (reqMatch) {
    const request: SipRequest = {
      type: 'request',
      method: (reqMatch[1] ?? '').toUpperCase(),
      uri: reqMatch[2] ?? '',
      headers,
      body: typeof body === 'string' ? Buffer.alloc(0) : body,
    };
    const problem = typeof body === 'string' ? body : validate(request, headers);
    if (problem) return { ok: false, error: problem, ...(canAnswer(headers) ? { badRequest: request } : {}) };
    return { ok: true, message: request };
  }
  if (typeof body === 'string') return { ok: false, error: body };
  const message: SipMessage = {
    type: 'response',
    status: Number(resMatch?.[1]),
    reason: (resMatch?.[2] ?? '').trim(),
    headers,
    body,
  };
  const problem = validate(message, headers);
  return problem ? { ok: false, error: problem } : { ok: true, message };
}

function readBody(buf: Buffer, bodyStart: number, headers: SipHeader[], options: ParseOptions): Buffer | string {
  const clHeader = getHeader({ headers }, 'Content-Length');
  const available = Math.max(0, buf.length - bodyStart);
  if (clHeader === undefined) {
    if (options.stream) return Buffer.alloc(0);
    return buf.subarray(bodyStart);
  }
  if (!/^\d{1,6}$/.test(clHeader)) return 'invalid Content-Length';
  const length = Number(clHeader);
  if (length > available) return 'body shorter than Content-Length';
  return buf.subarray(bodyStart, bodyStart + length);
}

function canAnswer(headers: SipHeader[]): boolean {
  const h = { headers };
  return ['Via', 'From', 'To', 'Call-ID', 'CSeq'].every((n) => (getHeader(h, n) ?? '') !== '');
}

function validate(msg: SipMessage, headers: SipHeader[]): string | null {
  const h = { headers };
  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
    if ((getHeader(h, name) ?? '') === '') return `missing ${name}`;
  }
  const cseq = parseCSeq(getHeader(h, 'CSeq') ?? '');
  if (!cseq) return 'malformed CSeq';
  if (msg.type === 'request') {
    if (cseq.method.toUpperCase() !== msg.method) return 'CSeq method does not match the request method';
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(msg.uri)) return 'malformed Request-URI';
    const mf = getHeader(h, 'Max-Forwards');
    if (mf !== undefined && !/^\d{1,10}$/.test(mf)) return 'malformed Max-Forwards';
  }
  if (!parseVia(getHeader(h, 'Via') ?? '')) return 'malformed Via';
  return null;
}
