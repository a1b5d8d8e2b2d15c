/**
 * One call's Media Streams, as the call (main thread) keeps them: SIDs and names, the 4-fork limit, the
 * URL check and the upgrade's signature, then the stream runs where the call's media runs
 * (MediaSession.startStream) and its reports come back here to become status callbacks (durable jobs:
 * stream-started, stream-stopped, stream-error) and alerts.
 */
import { errors, type AlertKind } from '../../core/errors.js';
import type { OutboundPolicy } from '../../core/net/outbound-policy.js';
import { newSid, type StreamSid } from '../../core/sid.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { HttpMethod, Parameter, StreamTrack } from '../../twiml/index.js';
import type { WebhookDispatcher } from '../../webhooks/dispatcher.js';
import type { WebhookLog } from '../../webhooks/log.js';
import { computeSignature } from '../../webhooks/signature.js';
import type { MediaSession } from '../media/media-session.js';
import { resolveTarget } from './target.js';
import { STREAM_CODES, type StreamReport, type StreamTrackName } from './types.js';

/** Twilio allows four forked (one-way) streams on a call; the <Connect><Stream> is apart from them. */
export const MAX_FORKS = 4;

export interface StreamsDeps {
  webhooks: WebhookDispatcher;
  jobs: JobQueue;
  log: WebhookLog;
  authTokenOf: (accountSid: string) => Promise<string | undefined>;
  policy: () => OutboundPolicy;
  now: () => number;
  /** Audio an app may queue ahead of playback, in seconds (8,000 bytes each). */
  maxQueuedSeconds: number;
  connectTimeoutMs: number;
}

export interface StreamRequest {
  url: string;
  name: string | null;
  track: StreamTrack;
  /** Absolute (the verb resolves it against its document). */
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  parameters: Parameter[];
  bidirectional: boolean;
}

export interface StreamInfo {
  sid: StreamSid;
  accountSid: string;
  callSid: string;
  name: string | null;
  status: 'in-progress' | 'stopped';
  dateUpdated: number;
}

export type StreamEnd = { kind: 'stopped' } | { kind: 'error'; code: number };

export interface StreamHandle {
  info: StreamInfo;
  /** Settles when the stream is over, however it ends. */
  done: Promise<StreamEnd>;
}

interface Entry {
  info: StreamInfo;
  req: StreamRequest;
  settle: (end: StreamEnd) => void;
}

const ALERT_OF: Record<number, AlertKind> = {
  [STREAM_CODES.connectTimeout]: 'streamConnectTimeout',
  [STREAM_CODES.brokenPipe]: 'streamBrokenPipe',
  [STREAM_CODES.tls]: 'streamTls',
  [STREAM_CODES.handshake]: 'streamHandshake',
  [STREAM_CODES.closed]: 'streamClosed',
  [STREAM_CODES.scheme]: 'streamScheme',
  [STREAM_CODES.bufferOverflow]: 'streamBufferOverflow',
  [STREAM_CODES.invalidMessage]: 'streamInvalidMessage',
};

const TRACKS: Record<StreamTrack, StreamTrackName[]> = {
  inbound_track: ['inbound'],
  outbound_track: ['outbound'],
  both_tracks: ['inbound', 'outbound'],
};

export class CallStreams {
  private readonly live = new Map<string, Entry>();
  private ended = false;

  constructor(
    private readonly d: StreamsDeps,
    private readonly call: { accountSid: string; callSid: string },
    private readonly media: MediaSession,
  ) {
    media.on('stream', this.onReport);
  }

  /** The streams running now (tests, the console). */
  list(): StreamInfo[] {
    return [...this.live.values()].map((e) => ({ ...e.info }));
  }

  /**
   * Starts a stream. Throws an ApiError for what the API refuses (the call is over, the fork limit, a name
   * in use); a stream that cannot connect is reported like Twilio does (alert, stream-error), not thrown.
   */
  async start(req: StreamRequest): Promise<StreamHandle> {
    if (this.ended) throw errors.streamCallNotInProgress();
    const entries = [...this.live.values()];
    if (!req.bidirectional && entries.filter((e) => !e.req.bidirectional).length >= MAX_FORKS) throw errors.streamLimit();
    if (req.name !== null && entries.some((e) => e.info.name === req.name)) throw errors.streamNameTaken(req.name);
    const info: StreamInfo = {
      sid: newSid('MZ'),
      accountSid: this.call.accountSid,
      callSid: this.call.callSid,
      name: req.name,
      status: 'in-progress',
      dateUpdated: this.d.now(),
    };
    let settle: (end: StreamEnd) => void = () => undefined;
    const done = new Promise<StreamEnd>((resolve) => (settle = resolve));
    const entry: Entry = { info, req, settle };
    this.live.set(info.sid, entry);
    void this.open(entry);
    return { info: { ...info }, done };
  }

  private async open(entry: Entry): Promise<void> {
    const { req, info } = entry;
    const target = await resolveTarget(req.url, this.d.policy());
    if (!target.ok) return this.failed(entry, target.code, target.detail);
    const token = (await this.d.authTokenOf(info.accountSid)) ?? '';
    if (!this.live.has(info.sid)) return; // stopped meanwhile
    const customParameters: Record<string, string> = {};
    for (const p of req.parameters) customParameters[p.name] = p.value;
    this.media.startStream({
      sid: info.sid,
      accountSid: info.accountSid,
      callSid: info.callSid,
      url: req.url,
      address: target.address,
      // The upgrade is a GET of the URL itself: signed as Twilio signs a request with no parameters.
      signature: computeSignature(token, req.url, {}),
      // A bidirectional stream carries the caller only (Twilio: <Connect><Stream> supports inbound_track).
      tracks: req.bidirectional ? ['inbound'] : TRACKS[req.track],
      bidirectional: req.bidirectional,
      customParameters,
      connectTimeoutMs: this.d.connectTimeoutMs,
      maxQueuedBytes: this.d.maxQueuedSeconds * 8000,
      maxBufferedBytes: 512 * 1024,
    });
  }

  /** Stops a stream by SID, name or URL (<Stop><Stream> names it by either); null when none matches. */
  stop(key: string): StreamInfo | null {
    const entry = this.live.get(key) ?? [...this.live.values()].find((e) => e.info.name === key || e.req.url === key);
    if (!entry) return null;
    this.media.stopStream(entry.info.sid);
    this.finish(entry, { kind: 'stopped' });
    return { ...entry.info };
  }

  /** The call is over: every stream stops (their `stop` messages go out before the media closes). */
  stopAll(): void {
    this.ended = true;
    for (const entry of [...this.live.values()]) {
      this.media.stopStream(entry.info.sid);
      this.finish(entry, { kind: 'stopped' });
    }
    this.media.off('stream', this.onReport);
  }

  private readonly onReport = (sid: string, r: StreamReport): void => {
    const entry = this.live.get(sid);
    if (!entry) return;
    if (r.kind === 'started') return void this.callback(entry, 'stream-started');
    if (r.kind === 'stopped') return this.finish(entry, { kind: 'stopped' });
    if (r.kind === 'error') return this.failed(entry, r.code, r.detail);
    void this.alert(r.code, r.detail, entry);
  };

  private failed(entry: Entry, code: number, detail: string): void {
    void this.alert(code, detail, entry);
    this.finish(entry, { kind: 'error', code }, detail);
  }

  private finish(entry: Entry, end: StreamEnd, error?: string): void {
    if (!this.live.delete(entry.info.sid)) return;
    entry.info.status = 'stopped';
    entry.info.dateUpdated = this.d.now();
    void this.callback(entry, end.kind === 'error' ? 'stream-error' : 'stream-stopped', error);
    entry.settle(end);
  }

  private async alert(code: number, detail: string, entry: Entry): Promise<void> {
    const kind = ALERT_OF[code];
    if (!kind) return;
    await this.d.log
      .raise({
        accountSid: this.call.accountSid,
        kind,
        detail: `stream ${entry.info.sid}: ${detail}`,
        resourceSid: this.call.callSid,
        requestUrl: entry.req.url,
      })
      .catch(() => undefined);
  }

  private async callback(entry: Entry, event: 'stream-started' | 'stream-stopped' | 'stream-error', error?: string): Promise<void> {
    const url = entry.req.statusCallback;
    if (url === null) return;
    const params: Record<string, string> = {
      AccountSid: this.call.accountSid,
      CallSid: this.call.callSid,
      StreamSid: entry.info.sid,
      StreamName: entry.info.name ?? entry.info.sid,
      StreamEvent: event,
      Timestamp: new Date(this.d.now()).toISOString(),
    };
    if (error !== undefined) params.StreamError = error;
    await this.d.webhooks
      .enqueue(this.d.jobs, [
        {
          accountSid: this.call.accountSid,
          resourceSid: this.call.callSid,
          purpose: 'stream-status',
          primary: { url, method: entry.req.statusCallbackMethod },
          params,
        },
      ])
      .catch(() => undefined);
  }
}
