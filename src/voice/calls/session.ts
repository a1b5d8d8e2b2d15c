/**
 * One live call: routes its state through the lifecycle (ringing -> in-progress -> a final status), hosts
 * the interpreter (fetching documents, alerts, recordings), and takes live changes from the Calls API
 * (redirect, hang up, cancel). Everything here runs on the node that owns the call's media.
 */
import { ALERTS, type AlertKind } from '../../core/errors.js';
import { LIVE_STATUSES, type CallRow } from '../../store/repositories/calls.js';
import type { HttpMethod, VoiceVerb } from '../../twiml/index.js';
import { parseTwiml } from '../../twiml/index.js';
import { callCookieJar } from '../../webhooks/cookies.js';
import type { WebhookDispatcher, WebhookResult } from '../../webhooks/dispatcher.js';
import type { WebhookLog } from '../../webhooks/log.js';
import { interpret, type DocumentSource, type Ending, type InterpreterHost, type LoadedDocument } from '../interpreter.js';
import type { VerbRecorder } from '../events.js';
import type { CallControl, Outcome, SavedRecording } from '../verbs/index.js';
import { CallRecordings } from '../recordings/call-recording.js';
import type { RecordingsService } from '../recordings/service.js';
import type { CallLifecycle } from './lifecycle.js';
import { callParams, unansweredTimes } from './params.js';
import type { CallPeer, Connector } from './peer.js';
import type { LiveCall } from './live.js';
import type { DialHost } from '../dial/run.js';
import type { DialResult, UnansweredStatus } from '../dial/types.js';
import type { EnqueueHost, EnqueueResult } from '../queues/types.js';
import type { CallStreams } from '../streams/call-streams.js';
import type { MediaSession } from '../media/media-session.js';
import { sleep } from '../../core/sleep.js';
import type { SpeechRecognizer } from '../speech/index.js';
import { detectAnsweredBy, type AmdSettings } from '../amd/run.js';
import type { CallLeg } from '../legs/types.js';
import type { TranscriptionsService } from '../recordings/transcriptions.js';

export interface SessionDeps {
  lifecycle: CallLifecycle;
  webhooks: WebhookDispatcher;
  log: WebhookLog;
  recordings: RecordingsService;
  onEnded: (sid: string) => void;
  /** Stores one verb the call ran (see voice/events.ts). */
  recorder?: (callSid: string, accountSid: string) => VerbRecorder;
  /** Runs a <Dial> (voice/dial/run.ts); without it <Dial> raises 12200 and ends the call. */
  dial?: (host: DialHost) => Promise<DialResult>;
  /** Runs an <Enqueue> (voice/queues/runtime.ts); without it <Enqueue> raises 12200 and ends the call. */
  enqueue?: (host: EnqueueHost) => Promise<EnqueueResult>;
  /** Media Streams (voice/streams/); without it <Connect>/<Start> raise 12200. */
  streams?: (call: { accountSid: string; callSid: string }, media: MediaSession) => CallStreams;
  /** Transcriptions of <Record transcribe> recordings; without it `transcribe` is ignored. */
  transcriptions?: TranscriptionsService;
  /** Speech recognition for <Gather input="speech">; without it a speech Gather raises an alert. */
  speech?: SpeechRecognizer;
}

const ALERT_FOR_CODE: Record<number, AlertKind> = {
  [ALERTS.documentParseFailure.code]: 'documentParseFailure',
  [ALERTS.unsupportedVerb.code]: 'unsupportedVerb',
  [ALERTS.responseTooLarge.code]: 'responseTooLarge',
};

export class CallSession implements InterpreterHost, LiveCall {
  ended = false;
  /** Settles once the final status is stored. */
  readonly done: Promise<void>;
  private resolveDone: () => void = () => undefined;
  private peer: CallPeer | null = null;
  private answeredAt: number | null = null;
  /** When the call was dialed (outbound) or arrived (inbound): an unanswered call's start_time. */
  private dialedAt: number | null = null;
  private docAbort = new AbortController();
  private pending: DocumentSource | null = null;
  private cancelRing: (() => void) | null = null;
  private limitTimer: NodeJS.Timeout | null = null;
  private stopCallRecording: (() => Int16Array | Promise<Int16Array>) | null = null;
  private finishing: Promise<void> | null = null;
  private moves: Promise<void> = Promise.resolve();
  private recordVerb: VerbRecorder | null = null;
  private streams: CallStreams | null = null;
  private apiRecordings: CallRecordings | null = null;

  constructor(
    private readonly d: SessionDeps,
    private row: CallRow,
    readonly onGatherInput: string | null = null,
    /** MachineDetection of calls.create: runs once the call is answered. */
    private readonly amd: AmdSettings | null = null,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get sid(): string {
    return this.row.sid;
  }

  get current(): CallRow {
    return this.row;
  }

  get answered(): boolean {
    return this.answeredAt !== null;
  }

  // ----- live changes from the API -----

  /** Runs `source` at once (the current verb stops), or when the call is answered if it is still ringing. */
  redirect(source: DocumentSource): void {
    if (this.ended) return;
    this.pending = source;
    if (this.answered) {
      this.docAbort.abort('redirect');
      this.peer?.leg.stopAudio();
    }
  }

  /** Status=completed hangs up any live call; Status=canceled only one that is not answered yet. */
  async end(status: 'completed' | 'canceled'): Promise<void> {
    if (this.ended) return this.done;
    if (!this.answered) {
      this.cancelRing?.();
      if (this.peer) void this.finish({ kind: 'reject', reason: 'rejected' }, 'canceled');
    } else if (status === 'completed') {
      this.stopInterpreting('hangup');
      void this.finish({ kind: 'hangup' });
    }
    return this.done;
  }

  /** The call's Media Streams, made on first use; null before the answer, after the end, or without media. */
  mediaStreams(): CallStreams | null {
    if (this.streams) return this.ended ? null : this.streams;
    const media = this.peer?.leg.media;
    if (!this.d.streams || !media || this.ended || !this.answered) return null;
    this.streams = this.d.streams({ accountSid: this.row.account_sid, callSid: this.row.sid }, media);
    return this.streams;
  }

  /** The call's API recordings (Calls/{Sid}/Recordings), made on first use; null when it cannot record. */
  callRecordings(): CallRecordings | null {
    if (this.apiRecordings) return this.ended ? null : this.apiRecordings;
    const media = this.peer?.leg.media;
    if (!media || this.ended || !this.answered) return null;
    this.apiRecordings = new CallRecordings(
      this.d.recordings,
      () => this.row,
      media,
      () => this.d.lifecycle.now(),
    );
    return this.apiRecordings;
  }

  // ----- running -----

  async runInbound(peer: CallPeer, first: DocumentSource): Promise<void> {
    this.dialedAt = this.row.date_created;
    this.attach(peer);
    await this.interpretFrom(first);
  }

  async runOutbound(connector: Connector, first: DocumentSource): Promise<void> {
    this.dialedAt = this.d.lifecycle.now();
    const placement = connector.connect(() => void this.move(['queued'], { status: 'ringing' }));
    this.cancelRing = () => placement.cancel();
    const r = await placement.result;
    this.cancelRing = null;
    if ('status' in r) {
      if (r.detail && r.status === 'failed') await this.alert('voiceCallFailed', r.detail);
      return this.finishUnanswered(r.status);
    }
    this.attach(r.answered);
    if (this.ended) return this.finish({ kind: 'hangup' });
    await this.answer();
    if (this.row.send_digits && !this.ended) await r.answered.leg.sendDigits(this.row.send_digits);
    let start = this.pending ?? first;
    if (this.amd && !this.ended) {
      const detection = this.detectMachine(r.answered.leg, this.amd);
      if (this.amd.async) void detection.catch(() => undefined);
      else {
        const duration = await detection;
        if (this.ended) return;
        // The first request carries the verdict (AnsweredBy comes from the row) and how long it took.
        start = this.pending ?? first;
        if (start.kind === 'url') start = { ...start, params: { ...start.params, MachineDetectionDuration: String(duration) } };
      }
    }
    await this.interpretFrom(start);
  }

  /** Runs the detector, stores answered_by, and posts the verdict to its status callback if any; resolves with the duration (ms). */
  private async detectMachine(leg: CallLeg, amd: AmdSettings): Promise<number> {
    const r = await detectAnsweredBy(leg, amd);
    if (this.ended) return r.durationMs;
    this.row = await this.d.lifecycle.setAnsweredBy(this.row, r.answeredBy);
    if (amd.statusCallback) {
      // Not awaited: a participant joins its conference as soon as the verdict is known.
      void this.d.webhooks
        .request({
          accountSid: this.row.account_sid,
          resourceSid: this.row.sid,
          purpose: 'amd-status',
          primary: amd.statusCallback,
          params: { CallSid: this.row.sid, AccountSid: this.row.account_sid, AnsweredBy: r.answeredBy, MachineDetectionDuration: String(r.durationMs) },
        })
        .catch(() => undefined); // a failed callback is logged by the dispatcher; the call goes on
    }
    return r.durationMs;
  }

  private attach(peer: CallPeer): void {
    this.peer = peer;
    peer.onHangup(() => {
      if (this.ended) return;
      this.stopInterpreting('hangup');
      void this.finish({ kind: 'hangup' }, undefined, true);
    });
    // The media engine thread carrying this call died: hang up (BYE) with the usual callbacks, and say why.
    peer.leg.onFailure?.((detail) => {
      if (this.ended) return;
      void this.alert('voiceMediaFailed', detail).catch(() => undefined);
      if (!this.answered) {
        this.cancelRing?.();
        void this.finish({ kind: 'hangup' });
        return;
      }
      this.stopInterpreting('hangup');
      void this.finish({ kind: 'hangup' });
    });
  }

  private async interpretFrom(first: DocumentSource): Promise<void> {
    let ending: Ending;
    try {
      ending = await interpret(this, first);
    } catch (err) {
      await this.alert('voiceVerbUnsupported', `the call failed: ${(err as Error).message}`).catch(() => undefined);
      ending = { kind: 'hangup' };
    }
    await this.finish(ending);
  }

  /** Answers once: inbound calls are answered by their first verb other than Reject. */
  async answer(): Promise<void> {
    if (this.answeredAt !== null || this.ended || !this.peer) return;
    this.answeredAt = this.d.lifecycle.now();
    try {
      await this.peer.answer();
    } catch {
      return; // the caller hung up meanwhile: the hangup handler ends the call
    }
    if (this.ended) return;
    await this.move(['queued', 'ringing'], { status: 'in-progress', start_time: this.answeredAt });
    // The call may have ended while the store wrote (a hangup, or shutdown): its end already cleared the timers.
    if (this.ended) return;
    const limit = this.row.time_limit;
    if (limit > 0) this.limitTimer = setTimeout(() => void this.end('completed'), limit * 1000);
    if (this.row.record) this.stopCallRecording = this.peer.leg.recordCall(Math.min(limit || 14_400, 14_400));
  }

  private stopInterpreting(reason: 'hangup'): void {
    this.ended = true;
    this.docAbort.abort(reason);
    this.peer?.leg.stopAudio();
  }

  private finish(ending: Ending, status?: 'canceled', remote = false): Promise<void> {
    this.finishing ??= this.doFinish(ending, status, remote);
    return this.finishing;
  }

  private async doFinish(ending: Ending, forced: 'canceled' | undefined, remote: boolean): Promise<void> {
    this.ended = true;
    if (this.limitTimer) clearTimeout(this.limitTimer);
    const peer = this.peer;
    let status: string;
    if (this.answered) {
      status = 'completed';
      if (!remote) await peer?.hangup().catch(() => undefined);
    } else if (forced) {
      status = forced;
      peer?.reject('rejected');
    } else if (remote) {
      status = 'no-answer';
    } else if (ending.kind === 'reject') {
      peer?.reject(ending.reason);
      status = ending.reason === 'busy' ? 'busy' : 'no-answer';
    } else {
      // The app gave us nothing to run (fetch or parse failure): the call could not go ahead.
      await peer?.hangup().catch(() => undefined);
      status = 'failed';
    }
    // Streams end before the media closes, so each app gets its `stop` message.
    this.streams?.stopAll();
    await Promise.all([this.apiRecordings?.stopAll().catch(() => undefined), this.saveCallRecording()]);
    const now = this.d.lifecycle.now();
    // Closed before the final status is stored: a virtual phone has noted what it heard by then.
    await peer?.leg.close().catch(() => undefined);
    if (this.answeredAt === null) return this.finishUnanswered(status as UnansweredStatus, true);
    const duration = Math.max(0, Math.round((now - this.answeredAt) / 1000));
    await this.move(LIVE_STATUSES, { status, end_time: now, duration, lease_until: null });
    this.d.onEnded(this.row.sid);
    this.resolveDone();
  }

  /** `inFinish`: called from doFinish, which already holds `finishing`. */
  private async finishUnanswered(status: UnansweredStatus, inFinish = false): Promise<void> {
    const run = async (): Promise<void> => {
      this.ended = true;
      await this.move(LIVE_STATUSES, { status, ...unansweredTimes(this.dialedAt), lease_until: null });
      this.d.onEnded(this.row.sid);
      this.resolveDone();
    };
    if (inFinish) return run();
    this.finishing ??= run();
    return this.finishing;
  }

  private async saveCallRecording(): Promise<void> {
    const stop = this.stopCallRecording;
    this.stopCallRecording = null;
    if (!stop || this.answeredAt === null) return;
    const pcm = await stop();
    if (pcm.length) await this.d.recordings.save(this.row, pcm, this.answeredAt, 'OutboundAPI', null).catch(() => undefined);
  }

  /**
   * State changes run one after another, each from the row the previous one left: a ringing event still
   * being stored when the answer arrives must not hand both the same callback sequence number.
   */
  private move(from: readonly string[], changes: Partial<CallRow>): Promise<void> {
    const run = this.moves.then(async () => {
      const next = await this.d.lifecycle.move(this.row, from, changes);
      if (next) this.row = next;
    });
    this.moves = run.catch(() => undefined);
    return run;
  }

  // ----- InterpreterHost -----

  record(verb: VoiceVerb, outcome: Outcome): void {
    this.recordVerb ??= this.d.recorder?.(this.row.sid, this.row.account_sid) ?? null;
    this.recordVerb?.(verb, outcome);
  }

  takePending(): DocumentSource | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }

  async load(source: DocumentSource): Promise<LoadedDocument | null> {
    if (source.kind === 'twiml') {
      const verbs = await this.parse(source.xml, null);
      return verbs ? { verbs, url: null } : null;
    }
    const call = (primary: { url: string; method: HttpMethod }, fallback: { url: string; method: HttpMethod } | null) =>
      this.d.webhooks.request({
        accountSid: this.row.account_sid,
        resourceSid: this.row.sid,
        purpose: 'voice',
        primary,
        fallback,
        params: { ...callParams(this.row), ...source.params },
        cookieJar: callCookieJar(this.row.sid),
      });
    let result = await call({ url: source.url, method: source.method }, source.fallback);
    if (!result.ok) return null;
    let verbs = await this.document(result);
    // A document that does not parse gets the fallback URL too, as an HTTP failure does.
    if (!verbs && source.fallback && result.target.url !== source.fallback.url && !this.ended) {
      result = await call(source.fallback, null);
      if (!result.ok) return null;
      verbs = await this.document(result);
    }
    return verbs ? { verbs, url: result.target.url } : null;
  }

  /** Twilio reads text/plain aloud and plays audio responses; anything else must be TwiML. */
  private async document(result: WebhookResult): Promise<VoiceVerb[] | null> {
    const type = (result.contentType ?? '').toLowerCase();
    if (type.startsWith('audio/')) return [{ verb: 'Play', url: result.target.url, loop: 1, digits: null }];
    if (type.startsWith('text/plain') && !result.body.trimStart().startsWith('<')) {
      return [{ verb: 'Say', text: result.body.trim(), voice: 'man', language: 'en-US', loop: 1, ssml: null }];
    }
    if (type && !/xml|html|text\/plain/.test(type)) {
      await this.alert('invalidContentType', `${result.contentType} is not TwiML`, result.target.url);
      return null;
    }
    return this.parse(result.body, result.target.url);
  }

  private async parse(xml: string, url: string | null): Promise<VoiceVerb[] | null> {
    if (xml.trim() === '') {
      await this.alert('documentParseFailure', 'the response was empty: a voice webhook must answer with TwiML', url ?? undefined);
      return null;
    }
    const parsed = parseTwiml(xml, { dialect: 'voice' });
    if (parsed.ok) return parsed.verbs;
    await this.alert(ALERT_FOR_CODE[parsed.alert.code] ?? 'documentParseFailure', parsed.alert.message, url ?? undefined);
    return null;
  }

  control(documentUrl: string | null): CallControl {
    // Each document gets a fresh signal after an outside redirect; after a hangup it stays aborted.
    if (!this.ended && this.docAbort.signal.aborted) this.docAbort = new AbortController();
    const signal = this.docAbort.signal;
    const peer = this.peer;
    if (!peer) throw new Error('a call runs TwiML only once it has a far end');
    const control: CallControl = {
      callSid: this.row.sid,
      accountSid: this.row.account_sid,
      leg: peer.leg,
      signal,
      documentUrl,
      answered: this.answered,
      onGatherInput: this.onGatherInput,
      answer: () => this.answer(),
      resolve: (url) => {
        try {
          return new URL(url, documentUrl ?? undefined).toString();
        } catch {
          return null;
        }
      },
      alert: (kind, detail, url) => this.alert(kind, detail, url),
      saveRecording: (pcm, startedAt, callback): Promise<SavedRecording> => this.d.recordings.save(this.row, pcm, startedAt, 'RecordVerb', callback),
      notify: async (url, method, params) => {
        await this.d.webhooks.request({
          accountSid: this.row.account_sid,
          resourceSid: this.row.sid,
          purpose: 'voice-action',
          primary: { url, method },
          params: { ...callParams(this.row), ...params },
          cookieJar: callCookieJar(this.row.sid),
        });
      },
      sleep: (ms) => sleep(ms, signal),
      now: () => this.d.lifecycle.now(),
    };
    if (this.d.speech) control.speech = this.d.speech;
    const transcriptions = this.d.transcriptions;
    if (transcriptions)
      control.transcribe = async (saved, pcm, callback) => {
        await transcriptions.start({ call: this.row, recordingSid: saved.sid, recordingUrl: saved.url, pcm, callback });
      };
    if (this.d.streams && peer.leg.media) {
      control.streams = {
        start: (req) => {
          const streams = this.mediaStreams();
          if (!streams) return Promise.reject(new Error('the call has no media for a stream'));
          return streams.start(req);
        },
        stop: (key) => this.mediaStreams()?.stop(key) ?? null,
      };
    }
    const dial = this.d.dial;
    if (dial) {
      control.dial = (verb) =>
        dial({
          parent: this.row,
          verb,
          leg: peer.leg,
          signal,
          answer: () => this.answer(),
          resolve: control.resolve,
          alert: (kind, detail) => this.alert(kind, detail),
          answered: this.answered,
        });
    }
    const enqueue = this.d.enqueue;
    if (enqueue) control.enqueue = (verb) => enqueue({ call: this.row, verb, ctl: control, load: (source) => this.load(source) });
    return control;
  }

  private async alert(kind: AlertKind, detail: string, url?: string): Promise<void> {
    await this.d.log.raise({ accountSid: this.row.account_sid, kind, detail, resourceSid: this.row.sid, requestUrl: url ?? null });
  }
}
