/**
 * The Calls resource: create (validate, route, store as queued, then dial in the background), list, fetch,
 * live updates (redirect now, hang up, cancel) and delete. Live calls are the sessions this node runs.
 */
import type { AmdSettings } from '../amd/run.js';
import type { Clock } from '../../core/clock.js';
import { errors } from '../../core/errors.js';
import { E164, toE164 } from '../../core/phone/e164.js';
import { newSid } from '../../core/sid.js';
import type { Page, PageQuery } from '../../store/paging.js';
import type { ApplicationsRepository } from '../../store/repositories/applications.js';
import { LIVE_STATUSES, type CallFilter, type CallRow, type CallsRepository } from '../../store/repositories/calls.js';
import type { PhoneNumbersRepository } from '../../store/repositories/phone-numbers.js';
import type { DocumentSource } from '../interpreter.js';
import { isSipUri, type Dialer } from './dialer.js';
import type { CallLifecycle } from './lifecycle.js';
import type { CallLimits } from './limits.js';
import { CALL_EVENTS } from './params.js';
import type { LiveCall } from './live.js';
import type { VoiceCluster } from '../nodes/index.js';

type Method = 'GET' | 'POST';

export interface CreateCallInput {
  to?: string | undefined;
  from?: string | undefined;
  url?: string | null | undefined;
  method?: Method | undefined;
  fallbackUrl?: string | null | undefined;
  fallbackMethod?: Method | undefined;
  twiml?: string | undefined;
  applicationSid?: string | undefined;
  statusCallback?: string | null | undefined;
  statusCallbackMethod?: Method | undefined;
  statusCallbackEvents?: string[] | undefined;
  timeout?: number | undefined;
  sendDigits?: string | undefined;
  timeLimit?: number | undefined;
  record?: boolean | undefined;
  /** Switchboard's own calls (Verify): inline TwiML run when a <Gather> without action gets input. */
  onGatherInput?: string | undefined;
  /** MachineDetection and its settings (voice/amd/); absent: no detection. */
  machineDetection?: AmdSettings | undefined;
}

export interface UpdateCallInput {
  url?: string | null | undefined;
  method?: Method | undefined;
  twiml?: string | undefined;
  status?: 'canceled' | 'completed' | undefined;
  fallbackUrl?: string | null | undefined;
  fallbackMethod?: Method | undefined;
  statusCallback?: string | null | undefined;
  statusCallbackMethod?: Method | undefined;
}

export interface CallsServiceDeps {
  calls: CallsRepository;
  numbers: PhoneNumbersRepository;
  applications: ApplicationsRepository;
  lifecycle: CallLifecycle;
  dialer: Dialer;
  clock: Clock;
  nodeId: string;
  leaseMs: number;
  sessions: Map<string, LiveCall>;
  /** Concurrent call caps: a create beyond them fails with 10004 and no call is stored. */
  limits?: CallLimits;
  /** Whether the account verified this number as an outgoing caller id (OutgoingCallerIds): usable as From. */
  isVerifiedCallerId?: (accountSid: string, phoneNumber: string) => Promise<boolean>;
  /** With several voice nodes (PostgreSQL): carries requests for calls other nodes run, spreads new calls. */
  cluster?: VoiceCluster | null;
  /** Builds and starts the session of a new outbound call. */
  dial: (row: CallRow, route: Awaited<ReturnType<Dialer['route']>>, first: DocumentSource, onGatherInput: string | null, amd: AmdSettings | null) => void;
}

const MAX_TWIML = 4000;
const DIGITS = /^[0-9A-D*#wW]{1,32}$/;

export class CallsService {
  constructor(private readonly d: CallsServiceDeps) {}

  /**
   * With several voice nodes the call is placed by the node whose turn it is (docs/architecture.md, "Voice on
   * several nodes"), which validates it as here; `here` places it on this node (a request from another node).
   */
  async create(accountSid: string, input: CreateCallInput, here = false): Promise<CallRow> {
    if (!here && this.d.cluster) {
      const placed = await this.d.cluster.place<CallRow>('calls.create', { accountSid, input });
      if (placed !== null) return placed;
    }
    if (!input.to) throw errors.callToRequired();
    if (!input.from) throw errors.callFromRequired();
    // A SIP URI or a browser client (client:<identity>) is dialled as given, and its caller ID need not be
    // one of the account's numbers (Twilio lets client calls show any caller).
    const sip = isSipUri(input.to) || /^client:\S+$/.test(input.to);
    const to = sip ? input.to : toE164(input.to);
    if (to === null) throw errors.callInvalidTo(input.to);
    let from = input.from;
    let phoneNumberSid: string | null = null;
    if (!sip || E164.test(toE164(from) ?? '')) {
      const e164 = toE164(from);
      if (e164 === null) throw errors.callInvalidFrom(from);
      from = e164;
      const owned = await this.d.numbers.findByNumber(e164);
      if (owned && owned.account_sid === accountSid) phoneNumberSid = owned.sid;
      // Twilio: From is one of the account's numbers or one of its verified caller ids.
      else if (!sip && !(await this.d.isVerifiedCallerId?.(accountSid, e164))) throw errors.callFromNotOwned(e164);
    }
    if (input.twiml !== undefined && input.twiml.length > MAX_TWIML) throw errors.callTwimlTooLarge();
    if (input.sendDigits !== undefined && input.sendDigits !== '' && !DIGITS.test(input.sendDigits)) {
      throw errors.invalidParameter('SendDigits', 'up to 32 of 0-9, A-D, *, #, w and W');
    }
    const events = input.statusCallbackEvents?.length ? input.statusCallbackEvents : ['completed'];
    for (const e of events)
      if (!(CALL_EVENTS as readonly string[]).includes(e)) throw errors.invalidParameter('StatusCallbackEvent', `must be one of ${CALL_EVENTS.join(', ')}`);

    let url = input.url ?? null;
    let method: Method = input.method ?? 'POST';
    let fallbackUrl = input.fallbackUrl ?? null;
    let fallbackMethod: Method = input.fallbackMethod ?? 'POST';
    let statusCallback = input.statusCallback ?? null;
    let statusCallbackMethod: Method = input.statusCallbackMethod ?? 'POST';
    let twiml = url === null ? (input.twiml ?? null) : null; // Url wins over Twiml, as on Twilio
    if (input.applicationSid) {
      const app = await this.d.applications.findOwned(accountSid, input.applicationSid);
      if (!app?.voice_url) throw errors.callInvalidApplication(input.applicationSid);
      // With an application its settings apply and the call's own Url, Method and StatusCallback are ignored.
      url = app.voice_url;
      method = app.voice_method.toUpperCase() === 'GET' ? 'GET' : 'POST';
      fallbackUrl = app.voice_fallback_url;
      fallbackMethod = app.voice_fallback_method.toUpperCase() === 'GET' ? 'GET' : 'POST';
      statusCallback = app.status_callback;
      statusCallbackMethod = app.status_callback_method.toUpperCase() === 'GET' ? 'GET' : 'POST';
      twiml = null;
    }
    if (url === null && twiml === null) throw errors.callInstructionsRequired();

    const route = await this.d.dialer.route(to);
    const now = this.d.clock.now();
    const row: CallRow = {
      sid: newSid('CA'),
      account_sid: accountSid,
      parent_call_sid: null,
      direction: 'outbound-api',
      from_number: from,
      to_number: to,
      phone_number_sid: phoneNumberSid,
      status: 'queued',
      endpoint: route.endpoint,
      start_time: null,
      end_time: null,
      duration: null,
      forwarded_from: null,
      caller_name: null,
      url,
      method,
      fallback_url: fallbackUrl,
      fallback_method: fallbackMethod,
      twiml,
      application_sid: input.applicationSid ?? null,
      status_callback: statusCallback,
      status_callback_method: statusCallbackMethod,
      status_callback_events: JSON.stringify(events),
      callback_seq: -1,
      answered_by: null,
      timeout: input.timeout ?? 60,
      time_limit: input.timeLimit ?? 14_400,
      send_digits: input.sendDigits || null,
      record: input.record ? 1 : 0,
      node_id: this.d.nodeId,
      lease_until: now + this.d.leaseMs,
      date_created: now,
      date_updated: now,
    };
    if (this.d.limits?.acquire(row.sid, accountSid)) throw errors.callConcurrencyLimit();
    let stored: CallRow;
    try {
      stored = await this.d.lifecycle.create(row);
    } catch (err) {
      this.d.limits?.release(row.sid);
      throw err;
    }
    this.d.dial(stored, route, sourceOf(stored), input.onGatherInput ?? null, input.machineDetection ?? null);
    return stored;
  }

  list(accountSid: string, filter: CallFilter, page: PageQuery): Promise<Page<CallRow>> {
    return this.d.calls.list(accountSid, filter, page);
  }

  async find(accountSid: string, sid: string): Promise<CallRow> {
    const live = this.d.sessions.get(sid);
    if (live && live.current.account_sid === accountSid) return live.current;
    const row = await this.d.calls.findOwned(accountSid, sid);
    if (!row) throw errors.notFound('Call', sid);
    return row;
  }

  /**
   * A live call another node runs is updated there (its answer is this request's); `here` is set on a
   * request carried from another node, which is never carried further.
   */
  async update(accountSid: string, sid: string, input: UpdateCallInput, here = false): Promise<CallRow> {
    let row = await this.find(accountSid, sid);
    if (!here && this.d.cluster?.runsElsewhere(row)) {
      const answer = await this.d.cluster.toOwner<CallRow>(row, 'calls.update', { accountSid, sid, input });
      if (answer.kind === 'answered') return answer.value;
      row = answer.row;
    }
    const live = this.d.sessions.get(sid);
    const isLive = (LIVE_STATUSES as readonly string[]).includes(row.status);
    const callbackChanges: Partial<CallRow> = {};
    if (input.statusCallback !== undefined) callbackChanges.status_callback = input.statusCallback;
    if (input.statusCallbackMethod !== undefined) callbackChanges.status_callback_method = input.statusCallbackMethod;
    if (input.status !== undefined) {
      if (isLive && !live) throw errors.callInvalidState('the call is run by another Switchboard node or was interrupted by a restart');
      if (live && (input.status === 'completed' || row.status !== 'in-progress')) await withTimeout(live.end(input.status), 10_000);
    }
    const redirect = input.url ? input.url : input.twiml !== undefined && input.twiml !== '' ? null : undefined;
    if (redirect !== undefined && input.status === undefined) {
      if (!isLive) throw errors.callInvalidState('Call is not in-progress. Cannot redirect.');
      if (!live) throw errors.callInvalidState('the call is run by another Switchboard node or was interrupted by a restart');
      if (input.twiml !== undefined && input.twiml.length > MAX_TWIML) throw errors.callTwimlTooLarge();
      const fallback = input.fallbackUrl ? { url: input.fallbackUrl, method: input.fallbackMethod ?? 'POST' } : null;
      live.redirect(redirect !== null ? { kind: 'url', url: redirect, method: input.method ?? 'POST', fallback } : { kind: 'twiml', xml: input.twiml ?? '' });
    }
    if (Object.keys(callbackChanges).length) {
      await this.d.calls.update(sid, callbackChanges);
      if (live) Object.assign(live.current, callbackChanges);
    }
    return this.d.sessions.get(sid)?.current ?? (await this.d.calls.findOwned(accountSid, sid)) ?? row;
  }

  async delete(accountSid: string, sid: string): Promise<void> {
    const row = await this.find(accountSid, sid);
    if ((LIVE_STATUSES as readonly string[]).includes(row.status)) throw errors.callDeleteLive();
    await this.d.calls.delete(accountSid, sid);
  }
}

/** The first document of an outbound call: its Url (with the fallback), or its inline Twiml. */
export function sourceOf(row: CallRow): DocumentSource {
  if (row.url) {
    const method: Method = row.method === 'GET' ? 'GET' : 'POST';
    const fallback = row.fallback_url ? { url: row.fallback_url, method: (row.fallback_method === 'GET' ? 'GET' : 'POST') as Method } : null;
    return { kind: 'url', url: row.url, method, fallback };
  }
  return { kind: 'twiml', xml: row.twiml ?? '' };
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    void p.finally(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
