/**
 * Calls to our numbers: an INVITE whose Request-URI user (or To user) is a number an account owns, or a
 * virtual phone calling one of the account's numbers. Either way the number's VoiceUrl (or its Voice
 * Application's) is fetched with CallStatus=ringing and its TwiML decides whether the call is answered.
 */
import { toE164 } from '../../core/phone/e164.js';
import { newSid, type Sid } from '../../core/sid.js';
import type { ApplicationsRepository } from '../../store/repositories/applications.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { PhoneNumberRow, PhoneNumbersRepository } from '../../store/repositories/phone-numbers.js';
import { createAnswer } from '../media/index.js';
import type { IncomingCall } from '../sip/index.js';
import type { DocumentSource } from '../interpreter.js';
import type { CallPeer } from './peer.js';
import { InboundSipPeer, openRtp, type MediaOptions } from './sip-peers.js';
import type { CallLimits } from './limits.js';
import type { CallerNameLookup } from './caller-name.js';

type Method = 'GET' | 'POST';
const method = (m: string): Method => (m.toUpperCase() === 'GET' ? 'GET' : 'POST');

export interface VoiceTarget {
  source: Extract<DocumentSource, { kind: 'url' }>;
  statusCallback: string | null;
  statusCallbackMethod: Method;
  applicationSid: string | null;
  /** VoiceCallerIdLookup of the number, or of its Voice Application when that answers. */
  callerIdLookup: boolean;
}

/** What an inbound call's first request learns besides From and To. */
export interface CallerDetails {
  /** The number that forwarded the call here (a SIP Diversion header), as E.164 when it is a number. */
  forwardedFrom?: string | null;
  callerName?: string | null;
}

export interface InboundDeps {
  numbers: PhoneNumbersRepository;
  applications: ApplicationsRepository;
  media: MediaOptions;
  nodeId: string;
  leaseMs: number;
  now: () => number;
  /** Concurrent call caps; SIP calls beyond the account's get 486, beyond the node's 503. */
  limits?: CallLimits;
  /** The caller's name for targets with VoiceCallerIdLookup on (the Lookup data source's CNAM). */
  callerName?: CallerNameLookup;
  /** Stores the new call and runs it (the module's session factory). */
  start: (row: CallRow, peer: CallPeer, first: DocumentSource) => Promise<void>;
  onError: (err: unknown) => void;
}

export class InboundCalls {
  constructor(private readonly d: InboundDeps) {}

  /** Where a number's calls go: its Voice Application when set, else its own VoiceUrl. */
  async target(n: PhoneNumberRow): Promise<VoiceTarget | null> {
    if (n.voice_application_sid) {
      const app = await this.d.applications.findOwned(n.account_sid, n.voice_application_sid);
      if (app?.voice_url) {
        return {
          source: {
            kind: 'url',
            url: app.voice_url,
            method: method(app.voice_method),
            fallback: app.voice_fallback_url ? { url: app.voice_fallback_url, method: method(app.voice_fallback_method) } : null,
          },
          statusCallback: app.status_callback,
          statusCallbackMethod: method(app.status_callback_method),
          applicationSid: app.sid,
          callerIdLookup: app.voice_caller_id_lookup === 1,
        };
      }
    }
    if (!n.voice_url) return null;
    return {
      source: {
        kind: 'url',
        url: n.voice_url,
        method: method(n.voice_method),
        fallback: n.voice_fallback_url ? { url: n.voice_fallback_url, method: method(n.voice_fallback_method) } : null,
      },
      statusCallback: n.status_callback,
      statusCallbackMethod: method(n.status_callback_method),
      applicationSid: null,
      callerIdLookup: n.voice_caller_id_lookup === 1,
    };
  }

  /** CallerName when the target asks for caller ID lookup ('' when nobody knows the caller); null when it does not. */
  async callerName(target: VoiceTarget, from: string): Promise<string | null> {
    if (!target.callerIdLookup) return null;
    return (await this.d.callerName?.(from)) ?? '';
  }

  /** A row for a call arriving at `owner` from `from`. */
  row(owner: PhoneNumberRow, from: string, endpoint: string, target: VoiceTarget, sid = newSid('CA'), details: CallerDetails = {}): CallRow {
    const now = this.d.now();
    return {
      sid,
      account_sid: owner.account_sid,
      parent_call_sid: null,
      direction: 'inbound',
      from_number: from,
      to_number: owner.phone_number,
      phone_number_sid: owner.sid,
      status: 'ringing',
      endpoint,
      start_time: null,
      end_time: null,
      duration: null,
      forwarded_from: details.forwardedFrom ?? null,
      caller_name: details.callerName ?? null,
      url: target.source.url,
      method: target.source.method,
      fallback_url: target.source.fallback?.url ?? null,
      fallback_method: target.source.fallback?.method ?? 'POST',
      twiml: null,
      application_sid: target.applicationSid,
      status_callback: target.statusCallback,
      status_callback_method: target.statusCallbackMethod,
      // A number's StatusCallback hears only the end of the call, as on Twilio.
      status_callback_events: '["completed"]',
      callback_seq: -1,
      answered_by: null,
      timeout: 60,
      time_limit: 14_400,
      send_digits: null,
      record: 0,
      node_id: this.d.nodeId,
      lease_until: now + this.d.leaseMs,
      date_created: now,
      date_updated: now,
    };
  }

  /**
   * An INVITE: 404 for numbers nobody owns, 486/503 beyond the call caps, 488 for SDP we cannot answer,
   * otherwise ringing and the app's TwiML.
   */
  async invite(call: IncomingCall): Promise<void> {
    const owner = (await this.owner(call.requestUser)) ?? (await this.owner(call.toUser));
    if (!owner) return call.reject(404);
    const target = await this.target(owner);
    if (!target) return call.reject(480, { reason: 'No VoiceUrl configured for this number' });
    const sid = newSid('CA');
    const hit = this.d.limits?.acquire(sid, owner.account_sid) ?? null;
    // The account is busy (the caller hears busy); the node is full (a trunk may try another node).
    if (hit === 'account') return call.reject(486, { reason: 'Busy Here (account call limit)' });
    if (hit === 'node') return call.reject(503, { reason: 'Call Limit Reached', headers: [{ name: 'Retry-After', value: '5' }] });
    try {
      await this.admitted(call, owner, target, sid);
    } catch (err) {
      this.d.limits?.release(sid);
      throw err;
    }
  }

  /** The slot is held: the session releases it when it ends, every early return here releases it. */
  private async admitted(call: IncomingCall, owner: PhoneNumberRow, target: VoiceTarget, sid: Sid<'CA'>): Promise<void> {
    const release = (): void => this.d.limits?.release(sid);
    const rtp = await openRtp(this.d.media);
    const answer = createAnswer(call.remoteSdp ?? '', { address: this.d.media.publicHost, port: rtp.port });
    if (!answer.ok) {
      release();
      await rtp.close();
      return call.reject(488);
    }
    if (call.state === 'terminated') {
      release();
      await rtp.close();
      return;
    }
    rtp.setCodec(answer.media.codec, answer.media.dtmfPayloadType);
    rtp.setRemote(answer.media.remoteAddress, answer.media.remotePort, call.source.host);
    call.ringing();
    const from = callerOf(call);
    const details: CallerDetails = {
      forwardedFrom: call.diversionUser ? (toE164(call.diversionUser) ?? call.diversionUser) : null,
      callerName: await this.callerName(target, from),
    };
    await this.d.start(this.row(owner, from, 'sip', target, sid, details), new InboundSipPeer(call, rtp, answer.sdp, this.d.media), target.source);
  }

  private async owner(user: string | undefined): Promise<PhoneNumberRow | undefined> {
    if (!user) return undefined;
    const e164 = toE164(user);
    return e164 ? this.d.numbers.findByNumber(e164) : undefined;
  }
}

/** The caller as Twilio shows it: an E.164 number when the From user is one, else the From URI. */
function callerOf(call: IncomingCall): string {
  const user = call.fromUser;
  if (user) {
    const e164 = toE164(user);
    if (e164) return e164;
  }
  return call.from?.uri.replace(/^<|>$/g, '') ?? 'anonymous';
}
