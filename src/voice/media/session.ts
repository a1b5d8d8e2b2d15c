/**
 * One call's RTP stream: a UDP socket, the outgoing SSRC/sequence/timestamp, symmetric RTP (send to where
 * the peer's packets come from, RFC 4961 style latching), strict RTP (packets from anyone but the peer are
 * dropped, see source-filter.ts), playback driven by the shared media clock, DTMF in both directions and
 * optional recording. The packet paths reuse preallocated buffers.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIP, isIPv6 } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupOneOptions } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { ALAW_TO_ULAW, PAYLOAD_TYPE, ULAW_TO_ALAW } from './g711.js';
import type { G711Codec } from './g711.js';
import { createRtpHeader, parseRtp, RTP_HEADER_BYTES, writeRtpHeader } from './rtp.js';
import type { RtpHeader } from './rtp.js';
import { DtmfReceiver, DtmfSender } from './dtmf.js';
import type { DtmfSendOptions } from './dtmf.js';
import { PlaybackQueue } from './playback.js';
import type { AudioInput, PlayOptions, PlayResult } from './playback.js';
import { Recorder } from './recorder.js';
import { DialRecorder } from './dial-recorder.js';
import { FRAME_SAMPLES, JitterBuffer, MISSING, NONE } from './jitter-buffer.js';
import type { FrameStatus } from './jitter-buffer.js';
import { sharedMediaClock } from './clock.js';
import type { ClockClient, MediaClock } from './clock.js';
import { Emitter } from '../../core/emitter.js';
import { ACCEPT, DROP, SourceFilter } from './source-filter.js';
import type { RtpDropCounters } from './source-filter.js';
import type { MediaSession, MediaSessionEvents, MixSettings, RecordingSlot } from './media-session.js';
import { Mixer, type MixPort } from './mixer.js';
import type { FrameTap } from './frame-tap.js';
import type { StreamSpec, StreamTap, StreamTapFactory } from './stream-tap.js';

export interface RtpSessionOptions {
  /** Bind address; default 0.0.0.0. */
  host?: string;
  /** 0 (default) lets the OS choose; ignored when portRange is set. */
  port?: number;
  /** Pick a random even port in this range (production: open firewall range). */
  portRange?: { min: number; max: number };
  codec?: G711Codec;
  /** Payload type of telephone-event, null to disable; default 101. */
  dtmfPayloadType?: number | null;
  remote?: { host: string; port: number };
  /** Send to the source of received packets (default true). */
  symmetric?: boolean;
  clock?: MediaClock;
  /**
   * Strict RTP (default on): accept packets only from the SDP's address or a source learned after
   * `probation` sequential packets (see source-filter.ts). Off: latch onto the first packet from anyone.
   */
  strict?: boolean;
  /** Packets in a row, one SSRC, sequential, before a source other than the SDP's is learned; default 4. */
  probation?: number;
  /** Shared drop counters (a node's metrics); default: a private one. */
  drops?: RtpDropCounters;
  /** Runs Media Streams (voice/streams/); without it a stream fails at once. */
  streamTaps?: StreamTapFactory;
}

export type RtpSessionEvents = MediaSessionEvents;

export interface RtpStats {
  packetsSent: number;
  packetsReceived: number;
  /** performance.now() of the last packet received, 0 if none. */
  lastReceivedAt: number;
  sendErrors: number;
  /** Packets dropped by strict RTP (unknown source or unproven SSRC). */
  packetsDropped: number;
  /** Packets relayed from a bridged session and sent by this one. */
  packetsRelayed: number;
}

const SAMPLES = 160; // 20 ms at 8 kHz
const RING = 8; // dgram may still hold a buffer briefly after send(): rotate instead of reusing one
/** Largest relayed payload: 60 ms of G.711 covers every ptime peers use in practice. */
const RELAY_PAYLOAD = 480;

/**
 * dgram resolves the destination of every send through dns.lookup, which for an IP literal still defers
 * to the next tick: 50 times a second per call. Literals (what SDP carries) are answered at once; a
 * hostname still goes to DNS.
 */
function literalLookup(
  host: string,
  options: LookupOneOptions | number,
  cb: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(host);
  if (family !== 0) return cb(null, host, family);
  dnsLookup(host, typeof options === 'number' ? { family: options } : options, cb);
}

export class RtpSession extends Emitter<RtpSessionEvents> implements ClockClient, MediaSession {
  readonly ssrc = randomInt(1, 0xffffffff);
  readonly stats: RtpStats = { packetsSent: 0, packetsReceived: 0, lastReceivedAt: 0, sendErrors: 0, packetsDropped: 0, packetsRelayed: 0 };
  remote: { host: string; port: number } | null;
  codec: G711Codec;
  dtmfPayloadType: number | null;
  /** Sees every received audio frame (decoded PCM, reused buffer: copy what you keep). */
  onAudio: ((frame: Int16Array, samples: number) => void) | null = null;
  /** Sees frames as G.711 and may supply what is sent (Media Streams); null when no stream runs. */
  frameTap: FrameTap | null = null;
  private streams: StreamTap | null = null;
  private readonly streamTaps: StreamTapFactory | null;
  private readonly playback = new PlaybackQueue();
  private readonly dtmfOut = new DtmfSender();
  private readonly dtmfIn: DtmfReceiver;
  private readonly header = createRtpHeader();
  /**
   * Received audio on its way to whoever consumes it here (recordings, the audio tap, Media Streams): in
   * order, losses concealed (jitter-buffer.ts). Made when the first consumer appears; a bridge's relay
   * does not go through it.
   */
  private jitter: JitterBuffer | null = null;
  /** The last packet had a consumer: the jitter buffer is in use (it starts over when one appears again). */
  private consuming = false;
  private readonly ring: Buffer[] = [];
  /** The first 16 bytes of each ring buffer (an RFC 4733 packet), made once: dgram slices when given a length. */
  private readonly ringEvent: Buffer[] = [];
  private ringIndex = 0;
  private seq = randomInt(0, 0x10000);
  private timestamp = randomInt(0, 0x7fffffff);
  private marker = true;
  private latched = false;
  private latchedSsrc = 0;
  private recorder: Recorder | null = null;
  /** The whole call's recording (the API's Record=true), alongside a verb's. */
  private callRecorder: Recorder | null = null;
  /** A <Dial> recording: this session is its channel 0, the session bridged to it channel 1. */
  private dialRecorder: DialRecorder | null = null;
  private closed = false;
  private readonly symmetric: boolean;
  private readonly clock: MediaClock;
  private readonly filter: SourceFilter | null;
  /** The session this one's received packets go to (a <Dial> bridge); null when not bridged. */
  private bridgeTo: RtpSession | null = null;
  /** Relay state: the source stream being relayed and its timestamp offset into ours. */
  private relaySsrc = -1;
  private relayOffset = 0;
  private relayMarker = false;
  /** Relay send buffers, made on the first bridge (most calls are never bridged). */
  private relayRing: Buffer[] | null = null;
  private relayFull: Buffer[] = [];
  /** The conference mixer homed on this session (made on first use), and its clock client. */
  private homeMix: { mixer: Mixer<RtpSession>; client: ClockClient; ticking: boolean } | null = null;
  /** This session's place in a conference mix, and that mix's home. */
  private mixPort: MixPort<RtpSession> | null = null;
  private mixHome: RtpSession | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    readonly host: string,
    options: RtpSessionOptions,
  ) {
    super();
    this.codec = options.codec ?? 'PCMU';
    this.dtmfPayloadType = options.dtmfPayloadType === undefined ? 101 : options.dtmfPayloadType;
    this.remote = options.remote ? { ...options.remote } : null;
    this.symmetric = options.symmetric ?? true;
    this.clock = options.clock ?? sharedMediaClock;
    this.streamTaps = options.streamTaps ?? null;
    const strict = options.strict ?? true;
    this.filter = strict ? new SourceFilter(Math.max(1, options.probation ?? 4), options.drops ?? { source: 0, ssrc: 0 }) : null;
    if (this.filter && this.remote) this.filter.expect(this.remote.host, this.remote.port);
    for (let i = 0; i < RING; i++) {
      const b = Buffer.alloc(RTP_HEADER_BYTES + SAMPLES);
      this.ring.push(b);
      this.ringEvent.push(b.subarray(0, RTP_HEADER_BYTES + 4));
    }
    this.dtmfIn = new DtmfReceiver((digit, ms) => {
      this.frameTap?.digit(digit);
      this.emit('digit', digit, ms);
    });
    this.dtmfIn.onStart = (digit) => {
      this.playback.interrupt(digit);
      this.emit('digitStart', digit);
    };
    socket.on('message', this.receivePacket);
    socket.on('error', () => void this.stats.sendErrors++);
    this.clock.add(this);
  }

  static async open(options: RtpSessionOptions = {}): Promise<RtpSession> {
    const host = options.host ?? '0.0.0.0';
    const range = options.portRange;
    const attempts = range ? 50 : 1;
    let lastError: unknown;
    const base = range ? range.min + (range.min & 1) : 0; // RTP on even ports (RFC 3550 11)
    const slots = range ? Math.max(1, Math.floor((range.max - base) / 2) + 1) : 1;
    for (let i = 0; i < attempts; i++) {
      const port = range ? base + 2 * randomInt(0, slots) : (options.port ?? 0);
      const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', lookup: literalLookup });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(port, host, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        return new RtpSession(socket, socket.address().port, host, options);
      } catch (err) {
        lastError = err;
        socket.close();
      }
    }
    throw lastError;
  }

  /**
   * Where to send until packets arrive (from the SDP); resets latching and starts strict RTP learning.
   * `signalHost`: the address the SDP came from, learnable when the SDP's address is private or 0.0.0.0.
   */
  setRemote(host: string, port: number, signalHost: string | null = null): void {
    this.remote = { host, port };
    this.latched = false;
    this.filter?.expect(host, port, signalHost);
  }

  setCodec(codec: G711Codec, dtmfPayloadType: number | null = this.dtmfPayloadType): void {
    this.codec = codec;
    this.dtmfPayloadType = dtmfPayloadType;
  }

  play(input: AudioInput, options?: PlayOptions): Promise<PlayResult> {
    if (this.closed) return Promise.resolve('stopped');
    return this.playback.enqueue(input, options);
  }

  stopPlayback(): void {
    this.playback.stop();
  }

  get playing(): boolean {
    return this.playback.playing;
  }

  /** Sends RFC 4733 digits (`w`/`W` pause 0.5 s/1 s). Resolves when the last one went out. */
  sendDigits(digits: string, options?: DtmfSendOptions): Promise<void> {
    if (this.closed || this.dtmfPayloadType === null) return Promise.resolve();
    return this.dtmfOut.enqueue(digits, options);
  }

  startRecording(maxSeconds = 3600, which: RecordingSlot = 'verb'): void {
    if (which === 'conference') this.homeMixer().startRecording(maxSeconds * 8000);
    else if (which === 'call') this.callRecorder = new Recorder(maxSeconds * 8000);
    else if (which === 'dial') this.dialRecorder = new DialRecorder(maxSeconds);
    else this.recorder = new Recorder(maxSeconds * 8000);
  }

  /** Stops recording and returns the audio (8 kHz PCM16), or null when nothing was recording. */
  stopRecording(): Int16Array | null {
    this.flushJitter();
    const r = this.recorder;
    this.recorder = null;
    return r ? r.toPcm() : null;
  }

  takeRecording(which: RecordingSlot = 'verb'): Promise<Int16Array | null> {
    if (which === 'verb') return Promise.resolve(this.stopRecording());
    if (which === 'conference') return Promise.resolve(this.homeMix?.mixer.takeRecording() ?? null);
    this.flushJitter();
    if (which === 'dial') {
      const d = this.dialRecorder;
      this.dialRecorder = null;
      return Promise.resolve(d ? d.take() : null);
    }
    const r = this.callRecorder;
    this.callRecorder = null;
    return Promise.resolve(r ? r.toPcm() : null);
  }

  get recordingMs(): number {
    return this.recorder?.durationMs ?? 0;
  }

  tick(): void {
    const ts = this.timestamp;
    this.timestamp = (ts + SAMPLES) >>> 0;
    if (this.closed) return;
    this.sendFrame(ts);
    // After the send (which is what the tick is late for): frames the jitter buffer waited on long enough.
    if (this.consuming && this.jitter !== null) {
      this.jitter.tick();
      this.drainJitter();
    }
  }

  private sendFrame(ts: number): void {
    const buf = this.ring[this.ringIndex] as Buffer;
    const event = this.ringEvent[this.ringIndex] as Buffer;
    this.ringIndex = (this.ringIndex + 1) % RING;
    if (this.dtmfPayloadType !== null && this.dtmfOut.active) {
      const kind = this.dtmfOut.next(buf, RTP_HEADER_BYTES, ts, SAMPLES);
      if (kind !== 0) {
        if (!this.remote) return;
        writeRtpHeader(buf, kind === 2, this.dtmfPayloadType, this.seq, this.dtmfOut.timestamp, this.ssrc);
        return this.send(event);
      }
    }
    // Bridged: the other leg's packets are this stream now (relayed as they arrive), not our frames.
    if (this.bridgeTo !== null) return;
    const tap = this.frameTap;
    if (tap === null || !tap.fill(this.codec, buf, RTP_HEADER_BYTES, SAMPLES)) {
      // In a conference: the mix, unless this session plays audio of its own (hold music, an announcement).
      const port = this.mixPort;
      if (port !== null && !this.playback.playing) port.fill(this.codec, buf, RTP_HEADER_BYTES, SAMPLES);
      else this.playback.fill(this.codec, buf, RTP_HEADER_BYTES, SAMPLES);
    }
    if (tap !== null) tap.outbound(buf, RTP_HEADER_BYTES, SAMPLES, this.codec, ts);
    if (!this.remote) return;
    writeRtpHeader(buf, this.marker, PAYLOAD_TYPE[this.codec], this.seq, ts, this.ssrc);
    this.marker = false;
    this.send(buf);
  }

  skip(ticks: number): void {
    this.timestamp = (this.timestamp + ticks * SAMPLES) >>> 0;
  }

  private send(packet: Buffer): void {
    const remote = this.remote;
    if (!remote) return;
    this.seq = (this.seq + 1) & 0xffff;
    this.stats.packetsSent++;
    this.socket.send(packet, remote.port, remote.host);
  }

  /**
   * One received datagram, as the socket hands it over. Public for the engine's warm-up
   * (media/engine/warm-up.ts), which feeds packets here without a socket: a worker thread that is
   * terminated while one of its UDP sockets receives takes the whole process down (Node's AddressToJS fails).
   */
  readonly receivePacket = (msg: Buffer, rinfo: RemoteInfo): void => {
    if (this.closed || !parseRtp(msg, msg.length, this.header)) return;
    const h = this.header;
    const filter = this.filter;
    if (filter) {
      const verdict = filter.check(rinfo.address, rinfo.port, h.ssrc, h.sequence);
      if (verdict === DROP) {
        this.stats.packetsDropped++;
        return;
      }
      if (verdict !== ACCEPT && this.symmetric) this.moveTo(rinfo);
    } else if (this.symmetric) this.latch(rinfo, h.ssrc);
    this.stats.packetsReceived++;
    this.stats.lastReceivedAt = performance.now();
    const peer = this.bridgeTo;
    if (h.payloadType === this.dtmfPayloadType) {
      peer?.relay(msg, h, true);
      this.dtmfIn.push(h.timestamp, msg, h.payloadOffset, h.payloadLength);
      return;
    }
    if (h.payloadType !== 0 && h.payloadType !== 8) return;
    // Bridged: relayed first, as it came (pass-through, no jitter buffer: the far end has its own).
    if (peer !== null) peer.relay(msg, h, false);
    // Consumers: recordings (a <Dial> one may be kept by the bridged session), the audio tap, Media Streams.
    if (
      this.frameTap === null &&
      this.mixPort === null &&
      this.recorder === null &&
      this.callRecorder === null &&
      this.onAudio === null &&
      this.dialRecorder === null &&
      (peer === null || peer.dialRecorder === null)
    ) {
      this.consuming = false;
      return; // nothing here wants it decoded
    }
    let jb = this.jitter;
    if (jb === null) jb = this.jitter = new JitterBuffer({ playout: 'asap' });
    if (!this.consuming) {
      jb.reset();
      this.consuming = true;
    }
    jb.push(msg, h);
    this.drainJitter();
  };

  /** Hands every frame the jitter buffer can give out now to this session's consumers. */
  private drainJitter(): void {
    const jb = this.jitter as JitterBuffer;
    for (let s = jb.take(); s !== NONE; s = jb.take()) this.consume(s);
  }

  /** One frame of received audio (20 ms, in order) to the consumers; a gap (MISSING) is left to the recorders' timestamps. */
  private consume(status: FrameStatus): void {
    if (status === MISSING) return;
    const jb = this.jitter as JitterBuffer;
    const pcm = jb.pcm;
    if (this.frameTap !== null) this.frameTap.inbound(jb.data, jb.offset, FRAME_SAMPLES, jb.law, jb.timestamp);
    if (this.mixPort !== null) this.mixPort.push(pcm, FRAME_SAMPLES);
    const dial = this.dialRecorder ?? this.bridgeTo?.dialRecorder ?? null;
    if (dial) dial.push(dial === this.dialRecorder ? 0 : 1, pcm, FRAME_SAMPLES);
    if (this.recorder) this.recorder.push(pcm, FRAME_SAMPLES, jb.timestamp);
    if (this.callRecorder) this.callRecorder.push(pcm, FRAME_SAMPLES, jb.timestamp);
    if (this.onAudio) this.onAudio(pcm, FRAME_SAMPLES);
  }

  /** A recording is being taken: what the jitter buffer still holds goes to it first. */
  private flushJitter(): void {
    if (this.consuming && this.jitter !== null) this.jitter.flush((s) => this.consume(s));
  }

  /**
   * Bridges this session with `other` both ways (a <Dial>): each one's received audio and RFC 4733 events
   * are sent on by the other as they arrive, under the sender's own SSRC, sequence and timestamps, and
   * transcoded between PCMU and PCMA when the legs differ. Own playback stops meanwhile. null unbridges.
   */
  bridge(other: MediaSession | null): boolean {
    if (other !== null && (!(other instanceof RtpSession) || other === this || other.closed)) return false;
    const was = this.bridgeTo;
    if (was !== null) {
      was.bridgeTo = null;
      was.marker = true;
    }
    this.bridgeTo = other;
    this.marker = true;
    if (other !== null) {
      other.bridgeTo?.bridge(null);
      other.bridgeTo = this;
      this.startRelay();
      other.startRelay();
    }
    return true;
  }

  private startRelay(): void {
    this.playback.stop();
    this.relaySsrc = -1;
    if (this.relayRing) return;
    this.relayRing = [];
    for (let i = 0; i < RING; i++) {
      const b = Buffer.alloc(RTP_HEADER_BYTES + RELAY_PAYLOAD);
      this.relayRing.push(b);
      this.relayFull.push(b.subarray(0, RTP_HEADER_BYTES + SAMPLES));
    }
  }

  /** Sends a packet the bridged session received: rewritten as ours, at once (no wait for a tick). */
  private relay(msg: Buffer, h: RtpHeader, event: boolean): void {
    const ring = this.relayRing;
    const remote = this.remote;
    if (this.closed || ring === null || remote === null) return;
    const n = h.payloadLength;
    if (n > RELAY_PAYLOAD) return;
    let pt: number;
    if (event) {
      if (this.dtmfPayloadType === null) return;
      pt = this.dtmfPayloadType;
    } else {
      pt = PAYLOAD_TYPE[this.codec];
    }
    if (h.ssrc !== this.relaySsrc) {
      // A new stream (the bridge started, or the far end switched streams): continue our own timeline.
      this.relaySsrc = h.ssrc;
      this.relayOffset = (this.timestamp - h.timestamp) >>> 0;
      this.relayMarker = true;
    }
    const ts = (h.timestamp + this.relayOffset) >>> 0;
    const marker = h.marker || this.relayMarker;
    this.relayMarker = false;
    this.stats.packetsRelayed++;
    const inLaw = h.payloadType === 0 ? 0 : 8;
    if ((event || inLaw === pt) && h.payloadOffset === RTP_HEADER_BYTES && msg.length === RTP_HEADER_BYTES + n) {
      // Same codec and a plain header: the received buffer (dgram gives each datagram its own, and nothing
      // reads its header after this) goes out with our header written over the sender's. No copy.
      writeRtpHeader(msg, marker, pt, this.seq, ts, this.ssrc);
      if (!event && this.frameTap !== null) this.frameTap.outbound(msg, RTP_HEADER_BYTES, n, this.codec, ts);
      return this.send(msg);
    }
    // Transcoded (PCMU<->PCMA), or CSRCs, extensions or padding to drop: rebuilt in a send buffer.
    const i = this.ringIndex;
    this.ringIndex = (i + 1) % RING;
    const buf = ring[i] as Buffer;
    const from = h.payloadOffset;
    if (!event && inLaw !== pt) {
      const table = inLaw === 0 ? ULAW_TO_ALAW : ALAW_TO_ULAW;
      for (let k = 0; k < n; k++) buf[RTP_HEADER_BYTES + k] = table[msg[from + k] ?? 0] ?? 0;
    } else {
      msg.copy(buf, RTP_HEADER_BYTES, from, from + n);
    }
    writeRtpHeader(buf, marker, pt, this.seq, ts, this.ssrc);
    if (!event && this.frameTap !== null) this.frameTap.outbound(buf, RTP_HEADER_BYTES, n, this.codec, ts);
    this.send(n === SAMPLES ? (this.relayFull[i] as Buffer) : buf.subarray(0, RTP_HEADER_BYTES + n));
  }

  mix(home: MediaSession | null, settings?: MixSettings): boolean {
    if (home === null) {
      this.leaveMix();
      return true;
    }
    if (!(home instanceof RtpSession) || home.closed || this.closed || home.clock !== this.clock) return false;
    const coach = settings?.coach ?? null;
    if (coach !== null && !(coach instanceof RtpSession)) return false;
    if (this.mixHome !== home) this.leaveMix();
    const mixer = home.homeMixer();
    this.mixPort = mixer.join(this, settings ? { muted: settings.muted, hold: settings.hold, coach } : undefined);
    this.mixHome = home;
    home.tickMixer(true);
    return true;
  }

  private leaveMix(): void {
    const home = this.mixHome;
    if (home === null) return;
    this.mixHome = null;
    this.mixPort = null;
    home.homeMix?.mixer.leave(this);
    home.tickMixer(false);
  }

  /** One function for every mixer (not a closure each): V8's call feedback in the mixer then stays valid. */
  private static announceSpeaking(who: RtpSession, on: boolean): void {
    who.emit('speaking', on);
  }

  private homeMixer(): Mixer<RtpSession> {
    if (this.homeMix === null) {
      const mixer = new Mixer<RtpSession>({ onSpeaker: RtpSession.announceSpeaking });
      this.homeMix = { mixer, client: { tick: () => mixer.mix() }, ticking: false };
    }
    return this.homeMix.mixer;
  }

  /** The mixer ticks on this session's clock while it has participants. */
  private tickMixer(maybe: boolean): void {
    const h = this.homeMix;
    if (h === null) return;
    const want = maybe && h.mixer.size > 0 && !this.closed;
    if (want === h.ticking) return;
    h.ticking = want;
    if (want) this.clock.add(h.client);
    else this.clock.remove(h.client);
  }

  startStream(spec: StreamSpec): void {
    if (this.closed) return void this.emit('stream', spec.sid, { kind: 'stopped', by: 'us' });
    if (this.streams === null) {
      // Only a session opened without the factory (a wiring mistake): the stream fails as one never connected (31901).
      if (this.streamTaps === null) return void this.emit('stream', spec.sid, { kind: 'error', code: 31901, detail: 'media streams are not set up here' });
      const hub = this.streamTaps((sid, r) => {
        this.emit('stream', sid, r);
        if (hub.size === 0 && this.frameTap === hub) this.frameTap = null;
      });
      this.streams = hub;
    }
    this.streams.start(spec);
    this.frameTap = this.streams;
  }

  stopStream(sid: string): void {
    this.streams?.stop(sid);
  }

  /** Strict RTP locked onto a source: send there from now on (allocates only when it moves). */
  private moveTo(rinfo: RemoteInfo): void {
    const r = this.remote;
    if (r !== null && r.port === rinfo.port && r.host === rinfo.address) return;
    this.remote = { host: rinfo.address, port: rinfo.port };
    this.emit('latched', this.remote);
  }

  /** Without strict RTP: latch on the first packet; move only if the same stream (SSRC) shows up from a new address. */
  private latch(rinfo: RemoteInfo, ssrc: number): void {
    const r = this.remote;
    const same = r !== null && r.port === rinfo.port && r.host === rinfo.address;
    if (this.latched && (same || ssrc !== this.latchedSsrc)) return;
    this.latched = true;
    this.latchedSsrc = ssrc;
    if (same) return;
    this.remote = { host: rinfo.address, port: rinfo.port };
    this.emit('latched', this.remote);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.streams?.stopAll();
    this.frameTap = null;
    this.bridge(null);
    this.leaveMix();
    if (this.homeMix !== null) {
      // The mix's home is gone: its participants go back to their own audio.
      for (const p of this.homeMix.mixer.participants()) p.leaveMix();
      this.tickMixer(false);
    }
    this.clock.remove(this);
    this.playback.stop();
    this.dtmfOut.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
