/** Serializer and message builders (RFC 3261 8.2.6 for responses). */
import { randomBytes } from 'node:crypto';
import { getHeader, getHeaders } from './message.js';
import type { SipHeader, SipMessage, SipRequest, SipResponse } from './message.js';
import { parseNameAddr, formatNameAddr } from './header-values.js';

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  421: 'Extension Required',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 200 ? 'Progress' : status < 300 ? 'OK' : 'Error');
}

/** Always writes Content-Length from the actual body, so callers cannot get framing wrong. */
export function serializeMessage(msg: SipMessage): Buffer {
  const first = msg.type === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  let head = `${first}\r\n`;
  for (const h of msg.headers) {
    if (h.name === 'Content-Length') continue;
    head += `${h.name}: ${h.value}\r\n`;
  }
  head += `Content-Length: ${msg.body.length}\r\n\r\n`;
  const headBuf = Buffer.from(head, 'utf8');
  return msg.body.length ? Buffer.concat([headBuf, msg.body]) : headBuf;
}

export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export const BRANCH_COOKIE = 'z9hG4bK';

export function newBranch(): string {
  return `${BRANCH_COOKIE}${randomToken(10)}`;
}

export interface ResponseOptions {
  reason?: string;
  toTag?: string;
  headers?: SipHeader[];
  body?: Buffer | string;
  contentType?: string;
}

/** Builds a response that copies Via, From, To, Call-ID and CSeq from the request (RFC 3261 8.2.6.2). */
export function createResponse(req: SipRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const headers: SipHeader[] = [];
  for (const v of getHeaders(req, 'Via')) headers.push({ name: 'Via', value: v });
  headers.push({ name: 'From', value: getHeader(req, 'From') ?? '' });
  let to = getHeader(req, 'To') ?? '';
  if (options.toTag && status > 100) {
    const na = parseNameAddr(to);
    if (na && na.params.tag === undefined) {
      na.params.tag = options.toTag;
      to = formatNameAddr(na);
    }
  }
  headers.push({ name: 'To', value: to });
  headers.push({ name: 'Call-ID', value: getHeader(req, 'Call-ID') ?? '' });
  headers.push({ name: 'CSeq', value: getHeader(req, 'CSeq') ?? '' });
  if (options.headers) headers.push(...options.headers);
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : (options.body ?? Buffer.alloc(0));
  if (body.length && options.contentType) headers.push({ name: 'Content-Type', value: options.contentType });
  return { type: 'response', status, reason: options.reason ?? reasonPhrase(status), headers, body };
}
