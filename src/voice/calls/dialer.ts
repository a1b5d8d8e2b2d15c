/**
 * Where an outbound call goes. A `sip:` URI is dialled directly; a phone number one of our accounts owns
 * loops back into our own SIP endpoint (so calling your own IVR runs it); other numbers go through the SIP
 * trunk, or, with no trunk configured, to a virtual phone.
 */
import { outboundPolicy } from '../../core/net/outbound-policy.js';
import { errors } from '../../core/errors.js';
import type { PhoneNumbersRepository } from '../../store/repositories/phone-numbers.js';
import { parseUri, type InviteOptions, type SipEndpoint } from '../sip/index.js';
import { trunkNumber, trunkUri, type SipTrunk } from '../trunk.js';
import type { VirtualPhones } from '../virtual/phones.js';
import type { MediaSession } from '../media/index.js';
import type { Connector } from './peer.js';
import { SipConnector, type MediaOptions } from './sip-peers.js';

export type Endpoint = 'sip' | 'trunk' | 'virtual' | 'internal' | 'client';

/** One call to place; `near`: a session the new call's media must share a thread with (a <Dial> parent). */
export interface Placing {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  timeoutSeconds: number;
  near?: MediaSession;
  /** Digest credentials and extra headers for a SIP URI (<Dial><Sip username password>). */
  auth?: { username: string; password: string };
  headers?: Array<{ name: string; value: string }>;
  /** Custom parameters a browser client receives with the call (<Client><Parameter>). */
  params?: Array<{ name: string; value: string }>;
}

export interface Route {
  endpoint: Endpoint;
  connector(call: Placing): Promise<Connector>;
}

export interface DialerDeps {
  /** The SIP endpoint once bound; null while SIP is disabled or not started. */
  sip: () => SipEndpoint | null;
  trunk: SipTrunk | null;
  media: MediaOptions;
  numbers: PhoneNumbersRepository;
  phones: VirtualPhones;
  /** Browser Voice SDK devices (`client:<identity>`); absent: such calls cannot be placed. */
  clients?: { connector(call: Placing, identity: string): Connector };
}

export function isSipUri(value: string): boolean {
  return /^sips?:[^\s@]+@[^\s]+$/i.test(value) || /^sips?:[^\s@]+$/i.test(value);
}

export class Dialer {
  constructor(private readonly d: DialerDeps) {}

  get sipEnabled(): boolean {
    return this.d.sip() !== null;
  }

  /** Throws the API error when the call cannot go anywhere (SIP disabled for a SIP URI). */
  async route(to: string): Promise<Route> {
    const sip = this.d.sip();
    const client = /^client:(.+)$/.exec(to);
    if (client) {
      const clients = this.d.clients;
      if (!clients) throw errors.invalidParameter('To', 'browser clients are not available on this server');
      return { endpoint: 'client', connector: async (c) => clients.connector(c, client[1]!) };
    }
    if (isSipUri(to)) {
      if (!(await allowedSipHost(to))) throw errors.invalidParameter('To', 'destination not allowed by outbound policy');
      if (!sip) throw errors.invalidParameter('To', 'SIP calling is disabled on this server (SWITCHBOARD_SIP_PORT=-1)');
      return { endpoint: 'sip', connector: async (c) => this.sipConnector(sip, to, this.fromUri(c.from), c) };
    }
    if (sip && (await this.d.numbers.findByNumber(to))) {
      const port = sip.ports.udp ?? sip.ports.tcp ?? 5060;
      const target = `sip:${to}@${this.d.media.publicHost}:${port}`;
      return { endpoint: 'internal', connector: async (c) => this.sipConnector(sip, target, this.fromUri(c.from), c) };
    }
    const trunk = this.d.trunk;
    if (trunk && sip) {
      return {
        endpoint: 'trunk',
        connector: async (c) => {
          const from = `sip:${trunkNumber(trunk, c.from)}@${trunk.fromHost}`;
          const options: InviteOptions = {
            from,
            to: trunkUri(trunk, c.to).replace(/;transport=tcp$/, ''),
            timeoutMs: c.timeoutSeconds * 1000,
            transport: trunk.transport,
          };
          if (trunk.username !== null && trunk.password !== null) {
            options.auth = { username: trunk.username, password: trunk.password, ...(trunk.realm ? { realm: trunk.realm } : {}) };
          }
          return new SipConnector(sip, trunkUri(trunk, c.to), options, this.d.media, c.near);
        },
      };
    }
    return {
      endpoint: 'virtual',
      connector: async (c) =>
        this.d.phones.connector(
          { sid: c.sid, accountSid: c.accountSid, phone: c.to, timeoutSeconds: c.timeoutSeconds },
          await this.d.phones.behavior(c.accountSid, c.to),
          c.near,
        ),
    };
  }

  private fromUri(from: string): string {
    const user = /^\+?[0-9]+$/.test(from) ? from : encodeURIComponent(from);
    return `sip:${user}@${this.d.media.publicHost}`;
  }

  private sipConnector(sip: SipEndpoint, target: string, from: string, c: Placing): Connector {
    const options: InviteOptions = { from, timeoutMs: c.timeoutSeconds * 1000 };
    if (c.auth) options.auth = c.auth;
    if (c.headers?.length) options.headers = c.headers;
    return new SipConnector(sip, target, options, this.d.media, c.near);
  }
}

/**
 * A `sip:` URI from an API caller is an outbound destination like a webhook URL: the outbound policy
 * (src/core/net/outbound-policy.ts) keeps it off internal addresses. Checked on every address the host
 * resolves to; the operator's trunk is the operator's choice and is not checked.
 */
async function allowedSipHost(uri: string): Promise<boolean> {
  const parsed = parseUri(uri);
  if (!parsed?.host) return true; // not routable at all: the SIP layer reports it as today
  const host = (parsed.params.maddr ?? parsed.host).replace(/^\[|\]$/g, '');
  // Unresolvable: the SIP layer fails the call as it does for any unknown host.
  return outboundPolicy()
    .allowsHost(host)
    .catch(() => true);
}
