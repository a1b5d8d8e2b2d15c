/**
 * The inside of one media engine thread: its calls' RtpSessions, its own media clock (each thread has its
 * own module instance of clock.ts, so `sharedMediaClock` here is this thread's), and the replies. It takes
 * a `post` function instead of a port, so tests drive it on the main thread without a worker.
 */
import { sharedMediaClock } from '../clock.js';
import type { MediaClock } from '../clock.js';
import { RtpSession } from '../session.js';
import type { RtpSessionOptions } from '../session.js';
import type { RtpDropCounters } from '../source-filter.js';
import type { StreamTapFactory } from '../stream-tap.js';
import type { FromEngine, ToEngine } from './protocol.js';

/** Tapped audio goes to the main thread in batches of this many samples (100 ms): 10 messages a second. */
const TAP_SAMPLES = 800;
const TICKS_PER_REPORT = 50;

interface Hosted {
  session: RtpSession;
  tap: Int16Array | null;
  tapUsed: number;
}

export class EngineHost {
  private readonly sessions = new Map<number, Hosted>();
  private readonly clock: MediaClock;
  private lateness = new Float64Array(TICKS_PER_REPORT);
  private latenessCount = 0;
  private seenSkipped = 0;

  constructor(
    private readonly post: (msg: FromEngine, transfer?: ArrayBuffer[]) => void,
    private readonly drops: RtpDropCounters,
    clock?: MediaClock,
    /** Runs the Media Streams of this engine's sessions (given by the thread's entry, see serve.ts). */
    private readonly streamTaps?: StreamTapFactory,
  ) {
    this.clock = clock ?? sharedMediaClock;
    this.clock.onTick = (ms, clients) => {
      if (clients === 0) return;
      this.lateness[this.latenessCount++] = ms;
      if (this.latenessCount === TICKS_PER_REPORT) this.report(clients);
    };
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Handles one command; a failing command is answered, never thrown (one call must not stop the engine). */
  handle(msg: ToEngine): void {
    if (msg.t === 'crash') throw new Error('media engine crash requested');
    if (msg.t === 'open') return void this.open(msg.id, msg.options);
    const h = this.sessions.get(msg.id);
    switch (msg.t) {
      case 'remote':
        return h?.session.setRemote(msg.host, msg.port, msg.signalHost);
      case 'codec':
        return h?.session.setCodec(msg.codec, msg.dtmf);
      case 'play': {
        if (!h) return this.post({ t: 'done', id: msg.id, req: msg.req, result: 'stopped' });
        void h.session
          .play(msg.audio, { loop: msg.loop, interruptOnDigit: msg.interrupt })
          .then((result) => this.post({ t: 'done', id: msg.id, req: msg.req, result }));
        return;
      }
      case 'stop-playback':
        return h?.session.stopPlayback();
      case 'digits': {
        if (!h) return this.post({ t: 'done', id: msg.id, req: msg.req, result: null });
        void h.session.sendDigits(msg.digits, msg.options ?? undefined).then(() => this.post({ t: 'done', id: msg.id, req: msg.req, result: null }));
        return;
      }
      case 'record-start':
        return h?.session.startRecording(msg.maxSeconds, msg.which);
      case 'record-stop': {
        if (!h) return this.post({ t: 'recorded', id: msg.id, req: msg.req, pcm: null });
        void h.session
          .takeRecording(msg.which)
          .then((pcm) => this.post({ t: 'recorded', id: msg.id, req: msg.req, pcm }, pcm ? [pcm.buffer as ArrayBuffer] : []));
        return;
      }
      case 'tap':
        return h ? this.setTap(msg.id, h, msg.on) : undefined;
      case 'bridge': {
        const other = msg.peer === null ? null : this.sessions.get(msg.peer)?.session;
        if (other === undefined) return;
        h?.session.bridge(other);
        return;
      }
      case 'mix': {
        const home = msg.home === null ? null : this.sessions.get(msg.home)?.session;
        const coach = msg.coach === null ? null : (this.sessions.get(msg.coach)?.session ?? null);
        if (home !== undefined) h?.session.mix(home, { muted: msg.muted, hold: msg.hold, coach });
        return;
      }
      case 'stream-start':
        if (!h) return this.post({ t: 'stream', id: msg.id, sid: msg.spec.sid, report: { kind: 'stopped', by: 'us' } });
        return h.session.startStream(msg.spec);
      case 'stream-stop':
        return h?.session.stopStream(msg.sid);
      case 'close': {
        if (!h) return this.post({ t: 'done', id: msg.id, req: msg.req, result: null });
        this.sessions.delete(msg.id);
        if (h.tap) this.flush(msg.id, h);
        void h.session.close().then(() => this.post({ t: 'done', id: msg.id, req: msg.req, result: null }));
        return;
      }
    }
  }

  private open(id: number, o: Extract<ToEngine, { t: 'open' }>['options']): void {
    const options: RtpSessionOptions = { host: o.host, strict: o.strict !== false, drops: this.drops, clock: this.clock };
    if (this.streamTaps) options.streamTaps = this.streamTaps;
    if (o.strict) options.probation = o.strict.probation;
    if (o.port !== undefined) options.port = o.port;
    if (o.portRange) options.portRange = o.portRange;
    RtpSession.open(options).then(
      (session) => {
        const h: Hosted = { session, tap: null, tapUsed: 0 };
        this.sessions.set(id, h);
        session.on('digit', (digit, ms) => this.post({ t: 'digit', id, digit, ms }));
        session.on('digitStart', (digit) => this.post({ t: 'digit-start', id, digit }));
        session.on('latched', (r) => this.post({ t: 'latched', id, host: r.host, port: r.port }));
        session.on('stream', (sid, report) => this.post({ t: 'stream', id, sid, report }));
        session.on('speaking', (on) => this.post({ t: 'speaking', id, on }));
        this.post({ t: 'opened', id, port: session.port });
      },
      (err: unknown) => this.post({ t: 'open-failed', id, message: (err as Error).message }),
    );
  }

  private setTap(id: number, h: Hosted, on: boolean): void {
    if (!on) {
      if (h.tap) this.flush(id, h);
      h.tap = null;
      h.session.onAudio = null;
      return;
    }
    if (h.session.onAudio) return;
    h.tap = new Int16Array(TAP_SAMPLES);
    h.tapUsed = 0;
    // Copies each frame into the batch; a new batch buffer every 100 ms (it is transferred away), none per packet.
    h.session.onAudio = (frame, samples) => {
      let from = 0;
      while (from < samples && h.tap) {
        const n = Math.min(samples - from, TAP_SAMPLES - h.tapUsed);
        h.tap.set(frame.subarray(from, from + n), h.tapUsed);
        h.tapUsed += n;
        from += n;
        if (h.tapUsed === TAP_SAMPLES) this.flush(id, h);
      }
    };
  }

  private flush(id: number, h: Hosted): void {
    const full = h.tap;
    if (!full || h.tapUsed === 0) return;
    const pcm = h.tapUsed === full.length ? full : full.slice(0, h.tapUsed);
    h.tap = new Int16Array(TAP_SAMPLES);
    h.tapUsed = 0;
    this.post({ t: 'audio', id, pcm }, [pcm.buffer as ArrayBuffer]);
  }

  private report(sessions: number): void {
    const lateness = this.lateness;
    const skipped = this.clock.skippedTicks - this.seenSkipped;
    this.seenSkipped = this.clock.skippedTicks;
    this.post({ t: 'ticks', lateness, count: this.latenessCount, skipped, sessions }, [lateness.buffer as ArrayBuffer]);
    this.lateness = new Float64Array(TICKS_PER_REPORT);
    this.latenessCount = 0;
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((h) => h.session.close()));
    this.clock.onTick = null;
  }
}
