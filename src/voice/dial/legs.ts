/**
 * <Number> and <Sip>: each becomes a child call placed through the Dialer (a phone number goes to our
 * own SIP endpoint when an account owns it, else to the trunk or a virtual phone; a SIP URI is dialled
 * directly), with its media opened on the caller's media thread so the bridge relays without a hop.
 */
import { newSid } from '../../core/sid.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { NumberNoun, SipNoun } from '../../twiml/index.js';
import type { AmdSettings } from '../amd/run.js';
import type { Dialer } from '../calls/dialer.js';
import { toE164 } from '../../core/phone/e164.js';
import type { CallLifecycle } from '../calls/lifecycle.js';
import { ChildCall, type ChildDeps } from './child.js';
import type { Whisper } from './whisper.js';
import type { DialAttempt, DialContext, LegCallbacks, NounDialer } from './types.js';

/** What every dialled noun carries: its whisper URL and its status callbacks. */
type LegCallbackAttributes = Pick<NumberNoun, 'url' | 'method' | 'statusCallback' | 'statusCallbackMethod' | 'statusCallbackEvent'>;

export interface LegDialerDeps extends ChildDeps {
  dialer: Dialer;
  lifecycle: CallLifecycle;
  nodeId: string;
  leaseMs: number;
  /** The child call is live: the Calls API can fetch and update it. */
  register: (child: ChildCall) => void;
}

interface Leg {
  to: string;
  sendDigits: string | null;
  callbacks: LegCallbacks;
  whisper: Whisper | null;
  /** The noun's machineDetection, run on this leg once it answers. */
  amd?: AmdSettings | null;
  auth?: { username: string; password: string };
  headers?: Array<{ name: string; value: string }>;
  params?: Array<{ name: string; value: string }>;
}

function failed(): DialAttempt {
  return { sid: null, result: Promise.resolve({ status: 'failed', sid: null }), cancel: () => undefined };
}

export class LegDialer {
  constructor(private readonly d: LegDialerDeps) {}

  /** Places one child call; a destination that cannot be routed is a failed attempt with an alert. */
  async place(ctx: DialContext, leg: Leg): Promise<DialAttempt> {
    let route: Awaited<ReturnType<Dialer['route']>>;
    try {
      route = await this.d.dialer.route(leg.to);
    } catch (err) {
      await ctx.alert('voiceCallFailed', `<Dial> could not call ${leg.to}: ${(err as Error).message}`);
      return failed();
    }
    const now = this.d.lifecycle.now();
    const p = ctx.parent;
    const row: CallRow = {
      sid: newSid('CA'),
      account_sid: p.account_sid,
      parent_call_sid: p.sid,
      direction: 'outbound-dial',
      from_number: ctx.callerId,
      to_number: leg.to,
      phone_number_sid: null,
      status: 'queued',
      endpoint: route.endpoint,
      start_time: null,
      end_time: null,
      duration: null,
      forwarded_from: null,
      caller_name: null,
      url: leg.whisper?.url ?? null,
      method: leg.whisper?.method ?? 'POST',
      fallback_url: null,
      fallback_method: 'POST',
      twiml: null,
      application_sid: null,
      status_callback: leg.callbacks.url,
      status_callback_method: leg.callbacks.method,
      status_callback_events: JSON.stringify(leg.callbacks.events.length ? leg.callbacks.events : ['completed']),
      callback_seq: -1,
      answered_by: null,
      timeout: ctx.verb.timeout,
      time_limit: ctx.verb.timeLimit,
      send_digits: leg.sendDigits,
      record: 0,
      node_id: this.d.nodeId,
      lease_until: now + this.d.leaseMs,
      date_created: now,
      date_updated: now,
    };
    const child = new ChildCall(this.d, await this.d.lifecycle.create(row), leg.sendDigits, leg.whisper, leg.amd ?? null);
    this.d.register(child);
    const connector = await route.connector({
      sid: row.sid,
      accountSid: row.account_sid,
      from: ctx.callerId,
      to: leg.to,
      timeoutSeconds: ctx.verb.timeout,
      ...(ctx.callerLeg.media ? { near: ctx.callerLeg.media } : {}),
      ...(leg.auth ? { auth: leg.auth } : {}),
      ...(leg.headers ? { headers: leg.headers } : {}),
      ...(leg.params ? { params: leg.params } : {}),
    });
    return child.ring(connector);
  }
}

/** The noun's whisper, resolved against the running document (an unusable URL: no whisper). */
export function whisperOf(noun: LegCallbackAttributes, ctx: DialContext): Whisper | null {
  const url = noun.url === null ? null : ctx.resolve(noun.url);
  return url === null ? null : { url, method: noun.method };
}

export function callbacks(noun: LegCallbackAttributes, ctx: DialContext): LegCallbacks {
  return { url: noun.statusCallback === null ? null : ctx.resolve(noun.statusCallback), method: noun.statusCallbackMethod, events: noun.statusCallbackEvent };
}

/**
 * The noun's machineDetection attributes as detector settings, or null without machineDetection. With
 * amdStatusCallback the detection is asynchronous (the leg goes on at once, the verdict is posted there);
 * without, the leg waits for the verdict before its whisper and the bridge.
 */
export function amdOf(
  noun: Pick<
    NumberNoun,
    | 'machineDetection'
    | 'machineDetectionTimeout'
    | 'machineDetectionSpeechThreshold'
    | 'machineDetectionSpeechEndThreshold'
    | 'machineDetectionSilenceTimeout'
    | 'amdStatusCallback'
    | 'amdStatusCallbackMethod'
  >,
  ctx: DialContext,
): AmdSettings | null {
  if (noun.machineDetection === null) return null;
  const callback = noun.amdStatusCallback === null ? null : ctx.resolve(noun.amdStatusCallback);
  return {
    mode: noun.machineDetection,
    timeoutMs: noun.machineDetectionTimeout * 1000,
    speechThresholdMs: noun.machineDetectionSpeechThreshold,
    speechEndThresholdMs: noun.machineDetectionSpeechEndThreshold,
    silenceTimeoutMs: noun.machineDetectionSilenceTimeout,
    async: callback !== null,
    statusCallback: callback === null ? null : { url: callback, method: noun.amdStatusCallbackMethod },
  };
}

export function numberDialer(legs: LegDialer): NounDialer<NumberNoun> {
  return {
    async start(noun, ctx) {
      const to = toE164(noun.number);
      if (to === null) {
        await ctx.alert('dialInvalidNumber', `<Number>${noun.number}</Number> is not a phone number`);
        return [failed()];
      }
      return [
        await legs.place(ctx, { to, sendDigits: noun.sendDigits, callbacks: callbacks(noun, ctx), whisper: whisperOf(noun, ctx), amd: amdOf(noun, ctx) }),
      ];
    },
  };
}

/** Several <Uri> are tried one after another on Twilio; Switchboard dials the first (docs/voice.md). */
export function sipDialer(legs: LegDialer): NounDialer<SipNoun> {
  return {
    async start(noun, ctx) {
      const target = noun.uris[0]!;
      const username = target.username ?? noun.username;
      const password = target.password ?? noun.password;
      return [
        await legs.place(ctx, {
          to: target.uri,
          sendDigits: null,
          callbacks: callbacks(noun, ctx),
          whisper: whisperOf(noun, ctx),
          amd: amdOf(noun, ctx),
          ...(username !== null && password !== null ? { auth: { username, password } } : {}),
          ...(noun.headers.length ? { headers: noun.headers.map((h) => ({ name: h.name.startsWith('X-') ? h.name : `X-${h.name}`, value: h.value })) } : {}),
        }),
      ];
    },
  };
}
