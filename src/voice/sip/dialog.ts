/**
 * Dialog state (RFC 3261 12): Call-ID, tags, CSeq counters, route set and remote target, and how
 * in-dialog requests are built from them (12.2.1.1, loose and strict routing).
 */
import { getHeader, getHeaders } from './message.js';
import type { SipHeader, SipRequest, SipResponse } from './message.js';
import { formatNameAddr, formatUri, parseCSeq, parseNameAddr, parseUri } from './header-values.js';
import type { NameAddr } from './header-values.js';

export class Dialog {
  private constructor(
    readonly callId: string,
    readonly localTag: string,
    readonly remoteTag: string,
    private readonly localAddr: NameAddr,
    private readonly remoteAddr: NameAddr,
    public localSeq: number,
    public remoteSeq: number | null,
    public remoteTarget: string,
    readonly routeSet: string[],
  ) {}

  get id(): string {
    return dialogId(this.callId, this.localTag, this.remoteTag);
  }

  /** The dialog a UAS creates when it answers (12.1.1): route set from Record-Route in order. */
  static asUas(invite: SipRequest, localTag: string): Dialog | null {
    const from = parseNameAddr(getHeader(invite, 'From') ?? '');
    const to = parseNameAddr(getHeader(invite, 'To') ?? '');
    const contact = parseNameAddr(getHeader(invite, 'Contact') ?? '');
    const cseq = parseCSeq(getHeader(invite, 'CSeq') ?? '');
    if (!from || !to || !cseq) return null;
    const local: NameAddr = { ...to, params: { ...to.params, tag: localTag } };
    return new Dialog(
      getHeader(invite, 'Call-ID') ?? '',
      localTag,
      from.params.tag ?? '',
      local,
      from,
      0,
      cseq.seq,
      contact && contact.uri !== '*' ? contact.uri : invite.uri,
      getHeaders(invite, 'Record-Route'),
    );
  }

  /** The dialog a UAC creates from a 2xx (12.1.2): route set from Record-Route reversed. */
  static asUac(invite: SipRequest, res: SipResponse): Dialog | null {
    const from = parseNameAddr(getHeader(invite, 'From') ?? '');
    const to = parseNameAddr(getHeader(res, 'To') ?? '');
    const contact = parseNameAddr(getHeader(res, 'Contact') ?? '');
    const cseq = parseCSeq(getHeader(invite, 'CSeq') ?? '');
    if (!from || !to || !cseq || !from.params.tag) return null;
    return new Dialog(
      getHeader(invite, 'Call-ID') ?? '',
      from.params.tag,
      to.params.tag ?? '',
      from,
      to,
      cseq.seq,
      null,
      contact && contact.uri !== '*' ? contact.uri : invite.uri,
      getHeaders(res, 'Record-Route').reverse(),
    );
  }

  /** Applies a target refresh (re-INVITE or its 2xx carrying a new Contact). */
  refreshTarget(msg: SipRequest | SipResponse): void {
    const contact = parseNameAddr(getHeader(msg, 'Contact') ?? '');
    if (contact && contact.uri !== '*') this.remoteTarget = contact.uri;
  }

  /** Checks and records the CSeq of a request from the peer (12.2.2); false means answer 500. */
  acceptRemoteSeq(req: SipRequest): boolean {
    const cseq = parseCSeq(getHeader(req, 'CSeq') ?? '');
    if (!cseq) return false;
    if (req.method === 'ACK' || req.method === 'CANCEL') return true;
    if (this.remoteSeq !== null && cseq.seq <= this.remoteSeq) return false;
    this.remoteSeq = cseq.seq;
    return true;
  }

  /** Builds an in-dialog request without Via (the endpoint adds it once it knows the transport). */
  createRequest(method: string, extra: SipHeader[] = [], body: Buffer = Buffer.alloc(0), seq?: number): SipRequest {
    let uri = this.remoteTarget;
    let routes = [...this.routeSet];
    const first = routes[0] ? parseNameAddr(routes[0]) : null;
    if (first && first.params.lr === undefined && parseUri(first.uri)?.params.lr === undefined) {
      // Strict routing (12.2.1.1): the first route becomes the Request-URI, the remote target the last route.
      const u = parseUri(first.uri);
      if (u) {
        uri = formatUri({ ...u, headers: '' });
        routes = [...routes.slice(1), `<${this.remoteTarget}>`];
      }
    }
    if (seq === undefined) {
      this.localSeq += 1;
      seq = this.localSeq;
    }
    const headers: SipHeader[] = [];
    for (const r of routes) headers.push({ name: 'Route', value: r });
    headers.push({ name: 'Max-Forwards', value: '70' });
    headers.push({ name: 'From', value: formatNameAddr(this.localAddr) });
    headers.push({ name: 'To', value: formatNameAddr(this.remoteAddr) });
    headers.push({ name: 'Call-ID', value: this.callId });
    headers.push({ name: 'CSeq', value: `${seq} ${method}` });
    headers.push(...extra);
    return { type: 'request', method, uri, headers, body };
  }
}

export function dialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}
