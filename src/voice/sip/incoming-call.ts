/** The UAS side of a call: an incoming INVITE the application rings, answers or rejects. */
import { getHeader } from './message.js';
import type { SipHeader, SipRequest } from './message.js';
import { parseNameAddr, parseUri } from './header-values.js';
import type { NameAddr } from './header-values.js';
import { createResponse, randomToken } from './serialize.js';
import { Dialog } from './dialog.js';
import { SipCall } from './call.js';
import type { ServerTransaction } from './transaction-server.js';
import type { Destination } from './transport.js';
import type { UaCore } from './ua-core.js';

export class CallEndedError extends Error {
  constructor(readonly reason: string) {
    super(`call ended: ${reason}`);
    this.name = 'CallEndedError';
  }
}

/** The user part of a URI without user parameters such as `;phone-context=`. */
function plainUser(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const user = parseUri(uri)?.user;
  return user === undefined ? undefined : (user.split(';')[0] ?? user);
}

export class IncomingCall extends SipCall {
  readonly direction = 'inbound' as const;
  readonly request: SipRequest;
  /** Where the INVITE came from (after rport/received processing). */
  readonly source: Destination;
  readonly requestUri: string;
  /** User part of the Request-URI, e.g. `+15551230000` for `sip:+15551230000@host`. */
  readonly requestUser: string | undefined;
  /** User part of the To URI, which differs from the Request-URI user behind some proxies and trunks. */
  readonly toUser: string | undefined;
  readonly fromUser: string | undefined;
  /**
   * User part of the first Diversion entry (RFC 5806: the most recent redirection comes first), i.e. the
   * number that forwarded the call here; undefined without a Diversion header.
   */
  readonly diversionUser: string | undefined;
  readonly from: NameAddr | null;
  readonly to: NameAddr | null;
  private readonly localTag = randomToken(6);

  constructor(
    core: UaCore,
    private readonly tx: ServerTransaction,
  ) {
    const req = tx.request;
    super(core, getHeader(req, 'Call-ID') ?? '', tx.responseDest.protocol, 'incoming');
    this.request = req;
    this.source = tx.responseDest;
    this.requestUri = req.uri;
    this.from = parseNameAddr(getHeader(req, 'From') ?? '');
    this.to = parseNameAddr(getHeader(req, 'To') ?? '');
    this.requestUser = plainUser(req.uri);
    this.toUser = plainUser(this.to?.uri);
    this.fromUser = plainUser(this.from?.uri);
    // Entries may share one header, comma-separated; a comma inside <...> belongs to the URI.
    const diversion = getHeader(req, 'Diversion')?.split(/,(?![^<]*>)/)[0];
    this.diversionUser = diversion ? plainUser(parseNameAddr(diversion)?.uri) : undefined;
    const sdp = req.body.toString('utf8');
    this.remoteSdp = sdp || null;
    tx.events.onTransportError = () => this.end('transport-error');
  }

  get answered(): boolean {
    return this.tx.finalSent;
  }

  /** 180 Ringing. */
  ringing(headers: SipHeader[] = []): void {
    this.provisional(180, undefined, headers);
  }

  /** 183 Session Progress with an SDP answer, for early media. */
  progress(sdp: string, headers: SipHeader[] = []): void {
    this.provisional(183, sdp, headers);
  }

  private provisional(status: number, sdp: string | undefined, headers: SipHeader[]): void {
    if (this.state !== 'incoming' && this.state !== 'early') return;
    if (this.tx.finalSent) return;
    this.state = 'early';
    const recordRoute = this.request.headers.filter((h) => h.name === 'Record-Route');
    const extra: SipHeader[] = [...recordRoute, { name: 'Contact', value: this.core.contact(this.protocol) }, ...headers];
    if (sdp !== undefined) this.localSdp = sdp;
    this.tx.respond(
      createResponse(this.request, status, {
        toTag: this.localTag,
        headers: extra,
        ...(sdp !== undefined ? { body: sdp, contentType: 'application/sdp' } : {}),
      }),
    );
  }

  /** 200 OK with our SDP; resolves when the ACK arrives, rejects when it never does or the call ended first. */
  answer(sdp: string, headers: SipHeader[] = []): Promise<void> {
    if (this.state === 'terminated') return Promise.reject(new CallEndedError(this.endReason ?? 'terminated'));
    if (this.tx.finalSent) return Promise.reject(new Error('a final response was already sent'));
    const dialog = Dialog.asUas(this.request, this.localTag);
    if (!dialog) return Promise.reject(new Error('INVITE lacks the headers a dialog needs'));
    this.dialog = dialog;
    this.localSdp = sdp;
    this.state = 'confirmed'; // a UAS dialog is confirmed when it sends the 2xx (RFC 3261 12.1.1)
    this.core.registerDialog(dialog.id, this);
    const res = this.createAnswer(this.request, this.localTag, sdp, headers);
    return new Promise((resolve, reject) => {
      const onEnd = (reason: string): void => reject(new CallEndedError(reason));
      this.once('terminated', onEnd);
      this.tx.respond(res);
      this.retransmit2xxUntilAck(res, this.request, this.tx.responseDest, () => {
        this.off('terminated', onEnd);
        this.emit('confirmed');
        resolve();
      });
    });
  }

  /** Rejects with 603 Decline when not answered yet, otherwise sends BYE. */
  override hangup(): Promise<void> {
    if (this.state !== 'terminated' && !this.tx.finalSent) {
      this.reject(603);
      return Promise.resolve();
    }
    return this.bye();
  }

  /** A final non-2xx response (486 Busy Here by default). */
  reject(status = 486, options: { reason?: string; headers?: SipHeader[] } = {}): void {
    if (this.state === 'terminated' || this.tx.finalSent) return;
    if (status < 300 || status > 699) throw new RangeError(`reject() needs a 3xx-6xx status, got ${status}`);
    this.tx.respond(
      createResponse(this.request, status, {
        toTag: this.localTag,
        ...(options.reason ? { reason: options.reason } : {}),
        headers: options.headers ?? [],
      }),
    );
    this.end('rejected');
  }

  /** CANCEL matched our INVITE transaction: 487 if we have not answered (RFC 3261 9.2). */
  handleCancel(): void {
    if (this.state === 'terminated' || this.tx.finalSent) return;
    this.tx.respond(createResponse(this.request, 487, { toTag: this.localTag }));
    this.endReason = 'canceled';
    this.emit('cancel');
    this.end('canceled');
  }
}
