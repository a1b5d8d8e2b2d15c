/**
 * device.connect(): the SDK's `invite` becomes an inbound call to the token's TwiML App, as on Twilio:
 * From=client:<identity>, To and the other connect params from the SDK, the token's outgoing params, and
 * ApplicationSid, on the app's VoiceUrl. The SDK learns the CallSid from `ringing`, the answer SDP from
 * `answer` once the TwiML answers the call.
 */
import { newSid } from '../../core/sid.js';
import type { ApplicationsRepository } from '../../store/repositories/applications.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { DocumentSource } from '../interpreter.js';
import type { CallLimits } from '../calls/limits.js';
import type { CallPeer } from '../calls/peer.js';
import type { MediaOptions } from '../calls/sip-peers.js';
import { ClientCall } from './call.js';
import { directDialTwiml } from './direct-dial.js';
import type { ClientGateway, DeviceLink } from './gateway.js';
import type { VoiceGrant } from './grant.js';
import { openClientLeg, type ClientLeg } from './leg.js';
import { WebRtcMedia, type WebRtcOptions } from './media.js';
import { WIRE, type ClientMessage, type ServerMessage } from './protocol.js';

export interface OutgoingDeps {
  gateway: () => ClientGateway;
  applications: ApplicationsRepository;
  media: MediaOptions;
  webrtc: WebRtcOptions;
  limits?: CallLimits;
  nodeId: string;
  leaseMs: number;
  now: () => number;
  /** Tokens signed with this key dial their To themselves (the console's phone, direct-dial.ts). */
  isDirectDialKey?: (accountSid: string, keySid: string) => boolean;
  /** Stores the call and runs its TwiML (the voice module's inbound starter). */
  start: (row: CallRow, peer: CallPeer, first: DocumentSource) => Promise<void>;
  onError: (err: unknown) => void;
}

type AppRow = NonNullable<Awaited<ReturnType<ApplicationsRepository['findOwned']>>>;
/** What the call runs: the token's TwiML App, or (console phone) one <Dial> to its To. */
type Target = { kind: 'app'; app: AppRow; url: string } | { kind: 'twiml'; xml: string };

const method = (m: string): 'GET' | 'POST' => (m.toUpperCase() === 'GET' ? 'GET' : 'POST');

class OutgoingClientCall extends ClientCall {
  /**
   * The device learns the CallSid from `ringing`, and the console opens that call's page at once, so it is
   * sent once the call's row exists (a page that fetched it sooner got a 404). Any other message first sends
   * it too: the SDK matches `answer` and `hangup` by the CallSid it was told.
   */
  private rang = false;

  constructor(
    gateway: ClientGateway,
    sid: string,
    alias: string,
    grant: VoiceGrant,
    link: DeviceLink,
    leg: ClientLeg,
    private readonly answerSdp: string,
  ) {
    super(gateway, sid, alias, grant.accountSid, grant.identity, link);
    this.leg = leg;
  }

  ring(): void {
    if (this.rang || this.ended) return;
    this.rang = true;
    super.send({ type: 'ringing', payload: { callsid: this.sid } });
  }

  protected override send(msg: ServerMessage): void {
    this.ring();
    super.send(msg);
  }

  onMessage(msg: ClientMessage, from: DeviceLink): void {
    this.common(msg, from);
  }

  async answer(): Promise<void> {
    this.send({ type: 'answer', payload: { callsid: this.sid, sdp: this.answerSdp, reconnect: this.issueReconnectToken() } });
  }

  reject(reason: 'busy' | 'rejected'): void {
    if (this.ended) return;
    const error = reason === 'busy' ? { code: WIRE.busy, message: 'Busy Here' } : { code: WIRE.connectionDeclined, message: 'Connection declined' };
    this.send({ type: 'hangup', payload: { callsid: this.sid, error } });
    this.finish();
  }
}

export async function placeFromDevice(d: OutgoingDeps, link: DeviceLink, grant: VoiceGrant, msg: Extract<ClientMessage, { type: 'invite' }>): Promise<void> {
  const refuse = (code: number, message: string) => link.send({ type: 'hangup', payload: { callsid: msg.payload.callsid, error: { code, message } } });
  const params: Record<string, string> = { ...grant.applicationParams };
  for (const [k, v] of new URLSearchParams(msg.payload.params)) params[k] = v;
  const to = params.To ?? '';
  let target: Target;
  if (!grant.applicationSid && d.isDirectDialKey?.(grant.accountSid, grant.keySid)) {
    const xml = directDialTwiml(to, params.CallerId);
    if (!xml) return refuse(WIRE.badRequest, `Cannot dial "${to}": give a phone number, a SIP URI or client:<identity>`);
    target = { kind: 'twiml', xml };
  } else {
    if (!grant.applicationSid) return refuse(WIRE.applicationNotFound, 'The access token has no outgoing application (VoiceGrant outgoingApplicationSid)');
    const app = await d.applications.findOwned(grant.accountSid, grant.applicationSid);
    if (!app?.voice_url) return refuse(WIRE.applicationNotFound, `Application ${grant.applicationSid} not found or has no VoiceUrl`);
    target = { kind: 'app', app, url: app.voice_url };
  }
  const sid = newSid('CA');
  const hit = d.limits?.acquire(sid, grant.accountSid) ?? null;
  if (hit) return refuse(WIRE.busy, 'Call limit reached');
  let started = false;
  try {
    let answered: { media: WebRtcMedia; sdp: string };
    try {
      answered = await WebRtcMedia.answering(msg.payload.sdp, d.webrtc);
    } catch (err) {
      return refuse(WIRE.badRequest, `Cannot answer the SDP offer: ${(err as Error).message}`);
    }
    const leg = await openClientLeg(answered.media, d.media, d.webrtc.relayHost);
    const call = new OutgoingClientCall(d.gateway(), sid, msg.payload.callsid, grant, link, leg, answered.sdp);
    const peer: CallPeer = {
      leg,
      answer: () => call.answer(),
      reject: (reason) => call.reject(reason),
      hangup: () => call.hangup(),
      onHangup: (cb) => call.onHangup(cb),
    };
    const now = d.now();
    const app = target.kind === 'app' ? target.app : null;
    const row: CallRow = {
      sid,
      account_sid: grant.accountSid,
      parent_call_sid: null,
      direction: 'inbound',
      from_number: `client:${grant.identity}`,
      to_number: to,
      phone_number_sid: null,
      status: 'ringing',
      endpoint: 'client',
      start_time: null,
      end_time: null,
      duration: null,
      forwarded_from: null,
      caller_name: null,
      url: app ? app.voice_url : null,
      method: method(app?.voice_method ?? 'POST'),
      fallback_url: app?.voice_fallback_url ?? null,
      fallback_method: method(app?.voice_fallback_method ?? 'POST'),
      twiml: target.kind === 'twiml' ? target.xml : null,
      application_sid: app?.sid ?? null,
      status_callback: app?.status_callback ?? null,
      status_callback_method: method(app?.status_callback_method ?? 'POST'),
      status_callback_events: '["completed"]',
      callback_seq: -1,
      timeout: 60,
      time_limit: 14_400,
      send_digits: null,
      record: 0,
      answered_by: null,
      node_id: d.nodeId,
      lease_until: now + d.leaseMs,
      date_created: now,
      date_updated: now,
    };
    const { To: _to, ...custom } = params;
    const first: DocumentSource =
      target.kind === 'twiml'
        ? { kind: 'twiml', xml: target.xml }
        : {
            kind: 'url',
            url: target.url,
            method: method(target.app.voice_method),
            fallback: target.app.voice_fallback_url ? { url: target.app.voice_fallback_url, method: method(target.app.voice_fallback_method) } : null,
            params: { ...custom, ApplicationSid: target.app.sid },
          };
    try {
      await d.start(row, peer, first);
    } catch (err) {
      await call.hangup();
      await leg.close();
      throw err;
    }
    started = true;
    call.ring();
  } finally {
    if (!started) d.limits?.release(sid);
  }
}
