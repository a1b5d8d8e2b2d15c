/**
 * One Media Stream's WebSocket to the app, on the thread that runs the call's media: it sends the call's
 * frames as `media` messages as they happen (no batching: an agent hears the caller within a packet), and,
 * for a bidirectional stream, queues what the app sends for the media clock to play (playout.ts). A slow or
 * silent app never holds up the clock: sends over `maxBufferedBytes` unsent are dropped (31930), audio over
 * `maxQueuedBytes` queued is refused (31930), and nothing here waits.
 */
import WebSocket from 'ws';
import type { LookupFunction } from 'node:net';
import { ALAW_TO_ULAW } from '../../media/g711.js';
import type { G711Codec } from '../../media/g711.js';
import { STREAM_CODES, type StreamReport, type StreamSpec, type StreamTrackName } from '../types.js';
import { CONNECTED, dtmfMessage, markMessage, mediaMessage, parseAppMessage, sidTail, startMessage, stopMessage } from './messages.js';
import { Playout } from './playout.js';

/** Twilio sends 20 ms chunks; longer packets (ptime 30, 40) are cut into chunks of this many bytes. */
const CHUNK_BYTES = 160;
/** The largest message an app may send (a media message of about 75 s of audio). */
const MAX_APP_MESSAGE = 800 * 1024;
const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|UNABLE_TO_|SELF_SIGNED|ERR_OSSL)/;

interface TrackClock {
  chunk: number;
  /** Milliseconds since the stream started at its first frame, and that frame's RTP timestamp. */
  baseMs: number;
  rtp0: number;
}

export class StreamConnection {
  readonly playout: Playout | null;
  private readonly ws: WebSocket;
  private readonly tail: string;
  private readonly startedAt = performance.now();
  private seq = 0;
  private live = false;
  private ended = false;
  private readonly warned = new Set<number>();
  private readonly clocks: Record<StreamTrackName, TrackClock> = {
    inbound: { chunk: 0, baseMs: -1, rtp0: 0 },
    outbound: { chunk: 0, baseMs: -1, rtp0: 0 },
  };
  private readonly sends: Record<StreamTrackName, boolean>;
  /** A PCMA frame turned into mu-law, reused. */
  private readonly scratch = Buffer.alloc(CHUNK_BYTES);
  /** Frames dropped because the app's socket was over its bound. */
  dropped = 0;

  constructor(
    readonly spec: StreamSpec,
    private readonly report: (r: StreamReport) => void,
  ) {
    this.tail = sidTail(spec.sid);
    this.sends = { inbound: spec.tracks.includes('inbound'), outbound: spec.tracks.includes('outbound') };
    this.playout = spec.bidirectional ? new Playout(spec.maxQueuedBytes) : null;
    const options: WebSocket.ClientOptions = {
      headers: { 'X-Twilio-Signature': spec.signature },
      handshakeTimeout: spec.connectTimeoutMs,
      perMessageDeflate: false,
      followRedirects: false,
      maxPayload: MAX_APP_MESSAGE,
    };
    const address = spec.address;
    if (address) {
      // Connect to the address that was checked against the outbound policy, not a fresh lookup.
      const lookup: LookupFunction = (_host, opts, cb) => {
        if (opts.all) cb(null, [{ address: address.ip, family: address.family }]);
        else cb(null, address.ip, address.family);
      };
      (options as { lookup?: LookupFunction }).lookup = lookup;
    }
    this.ws = new WebSocket(spec.url, options);
    this.ws.on('open', this.onOpen);
    this.ws.on('unexpected-response', (_req, res) => {
      this.fail(STREAM_CODES.handshake, `the WebSocket server answered the upgrade with HTTP ${res.statusCode ?? '?'}, not 101`);
      this.ws.terminate();
    });
    this.ws.on('error', this.onError);
    this.ws.on('close', this.onClose);
    this.ws.on('message', this.onMessage);
  }

  get isLive(): boolean {
    return this.live && !this.ended;
  }

  wants(track: StreamTrackName): boolean {
    return this.sends[track] && this.live && !this.ended;
  }

  /** One audio payload of the call (a packet received, or a frame sent); `law` is its codec. */
  media(track: StreamTrackName, data: Buffer, offset: number, n: number, law: G711Codec, rtpTimestamp: number): void {
    const ws = this.ws;
    if (ws.bufferedAmount > this.spec.maxBufferedBytes) {
      this.dropped++;
      this.warn(STREAM_CODES.bufferOverflow, 'the WebSocket server does not read fast enough: media frames to it were dropped');
      return;
    }
    const clock = this.clocks[track];
    if (clock.baseMs < 0 || (rtpTimestamp - clock.rtp0) >>> 0 > 8000 * 3600) {
      // The first frame (or a jump of the RTP clock: a new stream from the peer) sets the base.
      clock.baseMs = Math.round(performance.now() - this.startedAt);
      clock.rtp0 = rtpTimestamp;
    }
    for (let at = 0; at < n; at += CHUNK_BYTES) {
      const len = Math.min(CHUNK_BYTES, n - at);
      let payload: string;
      if (law === 'PCMU') payload = data.toString('base64', offset + at, offset + at + len);
      else {
        const s = this.scratch;
        for (let i = 0; i < len; i++) s[i] = ALAW_TO_ULAW[data[offset + at + i] ?? 0xd5] ?? 0xff;
        payload = s.toString('base64', 0, len);
      }
      const ms = clock.baseMs + Math.floor(((rtpTimestamp + at - clock.rtp0) >>> 0) / 8);
      ws.send(mediaMessage(++this.seq, track, ++clock.chunk, ms, payload, this.tail));
    }
  }

  /** A digit the caller pressed (bidirectional streams only, as Twilio). */
  dtmf(digit: string): void {
    if (this.isLive && this.spec.bidirectional) this.ws.send(dtmfMessage(++this.seq, this.spec.sid, digit));
  }

  /** Sends a mark back: the audio the app queued before it has been played (or cleared). */
  markDone(name: string): void {
    if (this.isLive) this.ws.send(markMessage(++this.seq, this.spec.sid, name));
  }

  /** Ends the stream from our side: `stop`, then a normal close. */
  stop(): void {
    if (this.ended) return;
    const wasLive = this.live;
    this.end({ kind: 'stopped', by: 'us' });
    if (wasLive && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(stopMessage(++this.seq, this.spec.sid, this.spec.accountSid, this.spec.callSid));
      this.ws.close(1000);
    } else this.ws.terminate();
  }

  private readonly onOpen = (): void => {
    if (this.ended) return;
    this.live = true;
    this.ws.send(CONNECTED);
    const s = this.spec;
    this.ws.send(
      startMessage(++this.seq, { accountSid: s.accountSid, streamSid: s.sid, callSid: s.callSid, tracks: s.tracks, customParameters: s.customParameters }),
    );
    this.report({ kind: 'started' });
  };

  private readonly onError = (err: Error & { code?: string }): void => {
    if (this.ended) return;
    if (this.live) return this.fail(STREAM_CODES.brokenPipe, `the connection to the WebSocket server broke: ${err.message}`);
    const code = err.code ?? '';
    if (TLS_CODES.test(code)) return this.fail(STREAM_CODES.tls, `the TLS handshake with the WebSocket server failed: ${err.message}`);
    if (code === 'ERR_OUTBOUND_DENIED') return this.fail(STREAM_CODES.handshake, err.message);
    this.fail(STREAM_CODES.connectTimeout, `the WebSocket server could not be reached: ${err.message}`);
  };

  private readonly onClose = (code: number): void => {
    if (this.ended) return;
    if (!this.live) return this.fail(STREAM_CODES.connectTimeout, 'the WebSocket server closed the connection during the handshake');
    if (code === 1000 || code === 1005) return this.end({ kind: 'stopped', by: 'app' });
    if (code === 1006) return this.fail(STREAM_CODES.brokenPipe, 'the connection to the WebSocket server was lost without a close frame');
    this.fail(STREAM_CODES.closed, `the WebSocket server closed the stream with code ${code}`);
  };

  private readonly onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (!this.isLive) return;
    const playout = this.playout;
    if (playout === null) return this.warn(STREAM_CODES.invalidMessage, 'a one-way stream (<Start><Stream>) takes no messages from the app; they are ignored');
    if (isBinary) return this.warn(STREAM_CODES.invalidMessage, 'a binary frame was ignored: messages are JSON text');
    const msg = parseAppMessage(data.toString());
    if (typeof msg === 'string') return this.warn(STREAM_CODES.invalidMessage, `${msg}; it was ignored`);
    if (msg.event === 'media') {
      if (!playout.push(msg.payload)) {
        this.warn(STREAM_CODES.bufferOverflow, `the app queued more than ${playout.maxBytes / 8000} s of audio ahead of playback: the excess was dropped`);
      }
    } else if (msg.event === 'mark') {
      if (playout.mark(msg.name)) this.markDone(msg.name);
    } else {
      for (const name of playout.clear()) this.markDone(name);
    }
  };

  private warn(code: number, detail: string): void {
    if (this.warned.has(code)) return;
    this.warned.add(code);
    this.report({ kind: 'warning', code, detail });
  }

  private fail(code: number, detail: string): void {
    if (this.ended) return;
    this.end({ kind: 'error', code, detail });
    this.ws.terminate();
  }

  private end(r: StreamReport): void {
    this.ended = true;
    this.live = false;
    this.playout?.clear();
    this.report(r);
  }
}
