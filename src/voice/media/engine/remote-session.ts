/**
 * A call's media as the main thread sees it when the RTP runs on an engine thread: the MediaSession API
 * of an in-thread RtpSession, turned into ToEngine commands, with replies and events coming back. Audio
 * to play is put in shared memory once per buffer (a cached prompt played again is not copied again).
 */
import { Emitter } from '../../../core/emitter.js';
import type { DtmfSendOptions } from '../dtmf.js';
import type { G711Codec } from '../g711.js';
import type { MediaSession, MediaSessionEvents, MixSettings, RecordingSlot } from '../media-session.js';
import type { AudioInput, PlayOptions, PlayResult } from '../playback.js';
import type { EngineAudio, FromEngine, ToEngine } from './protocol.js';
import type { StreamSpec } from '../stream-tap.js';

export interface EngineLink {
  send(msg: ToEngine): void;
  /** The session is closed (or failed): stop routing its events. */
  forget(): void;
}

const FRAME = 160;

/** One shared-memory copy per distinct buffer, kept as long as the original is alive (TTS and audio caches). */
const SHARED = new WeakMap<object, EngineAudio>();

function toShared(input: AudioInput): EngineAudio {
  const data = input instanceof Int16Array ? input : input.data;
  if (data.buffer instanceof SharedArrayBuffer) return input;
  const known = SHARED.get(data);
  if (known) return known;
  let out: EngineAudio;
  if (input instanceof Int16Array) {
    const copy = new Int16Array(new SharedArrayBuffer(input.byteLength));
    copy.set(input);
    out = copy;
  } else {
    const copy = new Uint8Array(new SharedArrayBuffer(input.data.byteLength));
    copy.set(input.data);
    out = { encoding: input.encoding, data: copy };
  }
  SHARED.set(data, out);
  return out;
}

type Pending = { kind: 'done'; resolve: (r: PlayResult | null) => void } | { kind: 'recorded'; resolve: (pcm: Int16Array | null) => void };

export class RemoteRtpSession extends Emitter<MediaSessionEvents> implements MediaSession {
  port = 0;
  readonly ready: Promise<RemoteRtpSession>;
  private settle: { resolve: (s: RemoteRtpSession) => void; reject: (e: Error) => void } | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextReq = 1;
  private closed = false;
  private failed: string | null = null;
  private audioHook: ((frame: Int16Array, samples: number) => void) | null = null;

  /** `engine`: the thread this session lives on (an opaque token): only sessions of one thread bridge. */
  constructor(
    readonly id: number,
    private readonly link: EngineLink,
    readonly engine: object = link,
  ) {
    super();
    this.ready = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  get onAudio(): ((frame: Int16Array, samples: number) => void) | null {
    return this.audioHook;
  }

  /** Setting a hook asks the engine to send received audio (batched, 10 messages a second); null stops it. */
  set onAudio(fn: ((frame: Int16Array, samples: number) => void) | null) {
    const was = this.audioHook !== null;
    this.audioHook = fn;
    if (was !== (fn !== null) && !this.closed) this.link.send({ t: 'tap', id: this.id, on: fn !== null });
  }

  setRemote(host: string, port: number, signalHost: string | null = null): void {
    this.link.send({ t: 'remote', id: this.id, host, port, signalHost });
  }

  setCodec(codec: G711Codec, dtmfPayloadType: number | null = 101): void {
    this.link.send({ t: 'codec', id: this.id, codec, dtmf: dtmfPayloadType });
  }

  play(input: AudioInput, options: PlayOptions = {}): Promise<PlayResult> {
    if (this.closed) return Promise.resolve('stopped');
    const audio = toShared(input);
    return this.request<PlayResult | null>('done', (req) => ({
      t: 'play',
      id: this.id,
      req,
      audio,
      loop: options.loop ?? 1,
      interrupt: options.interruptOnDigit ?? false,
    })).then((r) => r ?? 'stopped');
  }

  stopPlayback(): void {
    if (!this.closed) this.link.send({ t: 'stop-playback', id: this.id });
  }

  async sendDigits(digits: string, options?: DtmfSendOptions): Promise<void> {
    if (this.closed) return;
    await this.request('done', (req) => ({ t: 'digits', id: this.id, req, digits, options: options ?? null }));
  }

  startRecording(maxSeconds = 3600, which: RecordingSlot = 'verb'): void {
    if (!this.closed) this.link.send({ t: 'record-start', id: this.id, maxSeconds, which });
  }

  /** The engine hands the recording over by transfer (no copy). */
  takeRecording(which: RecordingSlot = 'verb'): Promise<Int16Array | null> {
    if (this.closed) return Promise.resolve(null);
    return this.request<Int16Array | null>('recorded', (req) => ({ t: 'record-stop', id: this.id, req, which }));
  }

  bridge(other: MediaSession | null): boolean {
    if (this.closed) return false;
    if (other === null) {
      this.link.send({ t: 'bridge', id: this.id, peer: null });
      return true;
    }
    if (!(other instanceof RemoteRtpSession) || other.engine !== this.engine || other.closed || other === this) return false;
    this.link.send({ t: 'bridge', id: this.id, peer: other.id });
    return true;
  }

  mix(home: MediaSession | null, settings?: MixSettings): boolean {
    if (this.closed) return false;
    const hold = settings?.hold ?? false;
    const muted = settings?.muted ?? false;
    const coach = settings?.coach ?? null;
    if (home === null) {
      this.link.send({ t: 'mix', id: this.id, home: null, muted, hold, coach: null });
      return true;
    }
    const here = (s: MediaSession): s is RemoteRtpSession => s instanceof RemoteRtpSession && s.engine === this.engine && !s.closed;
    if (!here(home) || (coach !== null && !here(coach))) return false;
    this.link.send({ t: 'mix', id: this.id, home: home.id, muted, hold, coach: coach === null ? null : coach.id });
    return true;
  }

  startStream(spec: StreamSpec): void {
    if (this.closed) return void queueMicrotask(() => this.emit('stream', spec.sid, { kind: 'stopped', by: 'us' }));
    this.link.send({ t: 'stream-start', id: this.id, spec });
  }

  stopStream(sid: string): void {
    if (!this.closed) this.link.send({ t: 'stream-stop', id: this.id, sid });
  }

  /**
   * Resolves once the engine has the command, not when its socket is closed: a call's end (and the call
   * slot it frees) must not wait for a round trip to a thread that may be busy.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.audioHook = null;
    this.closed = true;
    this.link.send({ t: 'close', id: this.id, req: 0 });
    // A recording asked for just before closing (a <Dial> whose caller hung up) still comes back: the engine
    // answers it before it closes the session. Everything else in flight is settled now.
    for (const [req, p] of this.pending) {
      if (p.kind === 'recorded') continue;
      p.resolve(null);
      this.pending.delete(req);
    }
    if (this.pending.size === 0) this.link.forget();
    return Promise.resolve();
  }

  private request<T>(kind: Pending['kind'], make: (req: number) => ToEngine): Promise<T> {
    if (this.failed !== null) return Promise.resolve(null as T);
    const req = this.nextReq++;
    return new Promise<T>((resolve) => {
      this.pending.set(req, { kind, resolve: resolve as (v: never) => void } as Pending);
      this.link.send(make(req));
    });
  }

  /** An event or a reply from the engine thread. */
  receive(msg: FromEngine): void {
    switch (msg.t) {
      case 'opened':
        this.port = msg.port;
        this.settle?.resolve(this);
        this.settle = null;
        return;
      case 'open-failed':
        this.closed = true;
        this.link.forget();
        this.settle?.reject(new Error(msg.message));
        this.settle = null;
        return;
      case 'done':
      case 'recorded': {
        const p = this.pending.get(msg.req);
        this.pending.delete(msg.req);
        if (p?.kind === 'done' && msg.t === 'done') p.resolve(msg.result);
        else if (p?.kind === 'recorded' && msg.t === 'recorded') p.resolve(msg.pcm);
        if (this.closed && this.pending.size === 0 && this.failed === null) this.link.forget();
        return;
      }
      case 'digit':
        if (this.closed) return;
        this.emit('digit', msg.digit, msg.ms);
        return;
      case 'digit-start':
        if (this.closed) return;
        this.emit('digitStart', msg.digit);
        return;
      case 'latched':
        this.emit('latched', { host: msg.host, port: msg.port });
        return;
      case 'audio': {
        const pcm = msg.pcm;
        for (let at = 0; at < pcm.length && this.audioHook; at += FRAME) {
          const n = Math.min(FRAME, pcm.length - at);
          this.audioHook(pcm.subarray(at, at + n), n);
        }
        return;
      }
      case 'stream':
        this.emit('stream', msg.sid, msg.report);
        return;
      case 'speaking':
        if (!this.closed) this.emit('speaking', msg.on);
        return;
      case 'ticks':
        return;
    }
  }

  /** The engine thread died: settle everything in flight and tell the call layer. */
  fail(detail: string): void {
    if (this.failed !== null) return;
    this.failed = detail;
    const wasClosed = this.closed;
    this.closed = true;
    this.settle?.reject(new Error(detail));
    this.settle = null;
    for (const p of this.pending.values()) {
      if (p.kind === 'done') p.resolve('stopped');
      else p.resolve(null);
    }
    this.pending.clear();
    if (!wasClosed) this.emit('failed', detail);
  }
}
