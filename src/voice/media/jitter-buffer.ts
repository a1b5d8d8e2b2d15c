/**
 * A jitter buffer for one received G.711 RTP stream whose audio is consumed on a clock: packets go in as
 * they arrive (any order, any ptime), 20 ms frames come out in timestamp order. Used by what consumes a
 * call's received audio (recordings, the audio tap, Media Streams' inbound track; the conference mixer),
 * never by a <Dial> bridge, whose relay stays packet for packet (pass-through, as SBCs do).
 *
 * - **Reorder**: packets are placed by RTP timestamp into a ring of frames, so a packet that overtook
 *   another comes out after it.
 * - **Loss**: a frame still missing when its time is up is concealed, for up to `concealFrames` frames, by
 *   repeating the last good frame at falling gain (a simple form of G.711 Appendix I); after that it is
 *   reported as missing (a gap: a mixer adds nothing, a recorder pads silence by timestamp).
 * - **Late packets** (their frame already went out) are dropped and counted.
 * - **Depth**: how long a missing frame is waited for, in frames. Fixed, or adaptive: one more frame after a
 *   late packet (up to `maxDepth`), one less after `adaptWindow` frames without one (down to `minDepth`).
 * - **Bounded memory**: a fixed ring of `maxDepth + 8` frames, allocated once. A packet too far ahead to fit,
 *   far behind, from a new SSRC, or after a run of late packets restarts the buffer at it (a resync).
 *
 * Two ways to consume, for two kinds of consumer:
 * - `pull()`, once per 20 ms tick: **paced playout** for a consumer that needs exactly one frame per tick (the
 *   conference mixer). The buffer starts `depth` frames behind the first packet and plays at the tick's pace;
 *   in adaptive mode it inserts a frame to grow and drops a quiet one to shrink (and to follow a sender whose
 *   clock runs fast).
 * - `take()` whenever packets arrive, plus `tick()` once per tick: **as soon as in order**, for consumers
 *   that need order but not pace (recordings, taps, streams): a frame goes out as soon as every frame before
 *   it did, so in-order packets are not delayed at all; a missing frame is waited for `depth` ticks after a
 *   later packet arrived, then concealed or skipped.
 * Nothing here allocates after construction.
 */
import { SILENCE_BYTE, decodeInto, encodeInto } from './g711.js';
import type { G711Codec } from './g711.js';
import { createRtpHeader, parseRtp } from './rtp.js';
import type { RtpHeader } from './rtp.js';

/** Samples in one frame: 20 ms at 8 kHz. */
export const FRAME_SAMPLES = 160;
/** A frame is tracked in 8 blocks of 20 samples (2.5 ms), so packets of any ptime in 2.5 ms steps fit. */
const BLOCK = 20;
const FULL = 0xff;

/** What `take()` produced (the frame is in `pcm`, and as G.711 in `data` at `offset`). */
export const NONE = 0;
/** Received audio (a partly received frame has silence where packets are missing). */
export const AUDIO = 1;
/** A lost frame, concealed from the last good one. */
export const CONCEALED = 2;
/** A lost frame past concealment: nothing to play (a gap). `pcm` is silence. */
export const MISSING = 3;
export type FrameStatus = typeof NONE | typeof AUDIO | typeof CONCEALED | typeof MISSING;

/** What the mixer needs of a participant's received audio: packets in, one 20 ms frame out per tick. */
export interface FrameSource {
  /** Takes one received RTP packet (a Buffer from the socket, or any bytes of one). */
  push(packet: Uint8Array, header?: RtpHeader): number;
  /** The next 20 ms of 8 kHz PCM (a reused buffer: copy what you keep), or null when there is none. */
  pull(): Int16Array | null;
}

/** push() results. */
export const ACCEPTED = 0;
export const LATE = 1;
export const DUPLICATE = 2;
/** Not G.711 audio (telephone-event, comfort noise, malformed): not for this buffer. */
export const IGNORED = 3;

export interface JitterBufferOptions {
  /**
   * 'paced' (default): consumed with pull(), one frame per tick, `depth` frames behind the first packet.
   * 'asap': consumed with take() and tick(), each frame as soon as it is in order.
   */
  playout?: 'paced' | 'asap';
  /** Frames of depth to start with (the paced playout delay, or how long a missing frame is waited for); default 1. */
  depth?: number;
  /** Lower and upper bounds of an adaptive depth; defaults 1 and 10 (200 ms). */
  minDepth?: number;
  maxDepth?: number;
  /** Adapt the depth to late packets (default), or keep it fixed. */
  adaptive?: boolean;
  /** Frames without a late packet before the depth shrinks by one; default 500 (10 s). */
  adaptWindow?: number;
  /** Lost frames concealed in a row before they are reported missing; default 3 (60 ms). */
  concealFrames?: number;
}

export interface JitterStats {
  /** Packets stored. */
  received: number;
  /** Packets dropped because their frame had already gone out. */
  late: number;
  duplicates: number;
  /** Frames concealed, and frames given out as missing. */
  concealed: number;
  missing: number;
  /** Restarts at a packet (timestamp jump, new SSRC, run of late packets). */
  resyncs: number;
  /** Paced playout only: frames inserted (depth grew) and dropped (depth shrank, or the sender's clock ran fast). */
  inserted: number;
  dropped: number;
}

/** A packet this many samples behind the playout point is a restart, not a late packet (1 s). */
const FAR_BEHIND = 8000;
/** Late packets in a row that mean the sender's timeline moved (a restart). */
const LATE_RUN = 10;

export class JitterBuffer implements FrameSource {
  /** The frame produced by the last pull()/take(), as PCM (reused). */
  readonly pcm = new Int16Array(FRAME_SAMPLES);
  /** The same frame as G.711 in `law`: `data[offset..offset+160)` (the ring itself, or a scratch buffer). */
  data: Buffer;
  offset = 0;
  law: G711Codec = 'PCMU';
  /** RTP timestamp of that frame. */
  timestamp = 0;
  status: FrameStatus = NONE;
  /** Current depth, in frames. */
  depth: number;
  readonly stats: JitterStats = { received: 0, late: 0, duplicates: 0, concealed: 0, missing: 0, resyncs: 0, inserted: 0, dropped: 0 };

  private readonly capacity: number;
  private readonly ring: Buffer;
  private readonly masks: Uint8Array;
  private readonly laws: Uint8Array;
  /** Tick count at which each slot last received a packet (take() mode: how long a gap has been waited on). */
  private readonly arrived: Float64Array;
  private readonly scratch = Buffer.alloc(FRAME_SAMPLES);
  private readonly last = new Int16Array(FRAME_SAMPLES);
  private readonly header = createRtpHeader();
  private readonly minDepth: number;
  private readonly maxDepth: number;
  private readonly adaptive: boolean;
  private readonly adaptWindow: number;
  private readonly concealFrames: number;
  private readonly paced: boolean;
  private started = false;
  /** Audio came out since the last restart (before that, an empty frame is the initial depth, not a loss). */
  private playing = false;
  private ssrc = 0;
  /** Timestamp of the next frame out, and its slot. */
  private playTs = 0;
  private head = 0;
  /** End (timestamp) of the newest audio stored. */
  private highTs = 0;
  private lastLaw = 0;
  private concealRun = 0;
  private haveLast = false;
  private lateRun = 0;
  private ticks = 0;
  private windowTicks = 0;
  private windowLate = 0;
  /** Smallest lead of a packet over the playout point in this window (samples), for paced shrinking. */
  private windowLead = Number.POSITIVE_INFINITY;
  private grewAt = -1;
  private pendingInsert = 0;
  private pendingDrop = 0;
  private dropWait = 0;

  constructor(options: JitterBufferOptions = {}) {
    this.paced = (options.playout ?? 'paced') === 'paced';
    this.minDepth = Math.max(0, Math.floor(options.minDepth ?? 1));
    this.maxDepth = Math.max(this.minDepth, Math.floor(options.maxDepth ?? 10));
    this.depth = Math.min(this.maxDepth, Math.max(this.minDepth, Math.floor(options.depth ?? 1)));
    this.adaptive = options.adaptive ?? true;
    this.adaptWindow = Math.max(1, Math.floor(options.adaptWindow ?? 500));
    this.concealFrames = Math.max(0, Math.floor(options.concealFrames ?? 3));
    this.capacity = this.maxDepth + 8;
    this.ring = Buffer.alloc(this.capacity * FRAME_SAMPLES);
    this.masks = new Uint8Array(this.capacity);
    this.laws = new Uint8Array(this.capacity);
    this.arrived = new Float64Array(this.capacity);
    this.data = this.scratch;
  }

  /** Frames held from the playout point up to the newest audio (what a paced consumer has in hand). */
  get buffered(): number {
    if (!this.started) return 0;
    const ahead = (this.highTs - this.playTs) | 0;
    return ahead <= 0 ? 0 : Math.ceil(ahead / FRAME_SAMPLES);
  }

  /** Forgets everything (a consumer that stopped and may start again later). */
  reset(): void {
    this.started = false;
    this.masks.fill(0);
    this.haveLast = false;
    this.playing = false;
    this.pendingInsert = 0;
    this.pendingDrop = 0;
    this.lateRun = 0;
  }

  /** Stores one RTP packet; `header` when the caller has parsed it already. ACCEPTED, LATE, DUPLICATE or IGNORED. */
  push(packet: Uint8Array, header?: RtpHeader): number {
    const h = header ?? this.header;
    if (!header && !parseRtp(packet, packet.length, h)) return IGNORED;
    const pt = h.payloadType;
    const n = h.payloadLength;
    if ((pt !== 0 && pt !== 8) || n === 0) return IGNORED;
    const ts = h.timestamp;
    if (!this.started || h.ssrc !== this.ssrc) this.restart(ts, h.ssrc, this.started);
    let ahead = (ts - this.playTs) | 0;
    if (ahead + n <= 0) {
      // Its frame already went out: late. Far behind, or a run of them: the sender's timeline moved.
      if (ahead < -FAR_BEHIND || ++this.lateRun >= LATE_RUN) {
        this.restart(ts, h.ssrc, true);
        ahead = (ts - this.playTs) | 0;
      } else {
        this.stats.late++;
        this.windowLate++;
        this.grow();
        return LATE;
      }
    } else if (ahead + n > this.capacity * FRAME_SAMPLES) {
      // Too far ahead to hold: a jump forward (a long pause without timestamps, a new talk spurt).
      this.restart(ts, h.ssrc, true);
      ahead = (ts - this.playTs) | 0;
    }
    this.lateRun = 0;
    if (ahead < this.windowLead) this.windowLead = ahead;
    const from = h.payloadOffset;
    // Already have every block this packet covers? A duplicate.
    let fresh = false;
    for (let pos = Math.max(0, ahead); pos < ahead + n && !fresh; pos += BLOCK) {
      // `| 0`, not Math.floor (pos >= 0): V8 then divides as integers and never deoptimizes on a fraction.
      const slot = (this.head + ((pos / FRAME_SAMPLES) | 0)) % this.capacity;
      if (((this.masks[slot] ?? 0) & (1 << (((pos % FRAME_SAMPLES) / BLOCK) | 0))) === 0) fresh = true;
    }
    if (!fresh) {
      this.stats.duplicates++;
      return DUPLICATE;
    }
    const ring = this.ring;
    for (let i = Math.max(0, -ahead); i < n; ) {
      const pos = ahead + i;
      const frame = (pos / FRAME_SAMPLES) | 0;
      const within = pos - frame * FRAME_SAMPLES;
      const count = Math.min(n - i, FRAME_SAMPLES - within);
      const slot = (this.head + frame) % this.capacity;
      const base = slot * FRAME_SAMPLES + within;
      const src = from + i;
      for (let k = 0; k < count; k++) ring[base + k] = packet[src + k] ?? 0;
      let mask = this.masks[slot] ?? 0;
      for (let b = (within / BLOCK) | 0, last = ((within + count - 1) / BLOCK) | 0; b <= last; b++) mask |= 1 << b;
      this.masks[slot] = mask;
      this.laws[slot] = pt;
      this.arrived[slot] = this.ticks;
      i += count;
    }
    const end = (ts + n) >>> 0;
    if (((end - this.highTs) | 0) > 0) this.highTs = end;
    this.stats.received++;
    return ACCEPTED;
  }

  /**
   * Paced playout: the next 20 ms, once per tick. Null while there is nothing to play (before the first
   * packet, during the initial depth, and for lost frames past concealment).
   */
  pull(): Int16Array | null {
    if (!this.started) {
      this.status = NONE;
      return null;
    }
    this.ticks++;
    this.adapt();
    if (this.pendingInsert > 0) {
      // Grow: hold the playout point for one tick.
      this.pendingInsert--;
      this.stats.inserted++;
      return this.lose(false) === CONCEALED ? this.pcm : null;
    }
    if (this.pendingDrop > 0 && this.buffered > this.depth && (this.quiet(this.head) || ++this.dropWait > 50)) {
      // Shrink (or follow a fast sender): drop a quiet frame, or any after a second of loud ones.
      this.pendingDrop--;
      this.dropWait = 0;
      this.stats.dropped++;
      this.advance();
    }
    const s = this.emit();
    return s === AUDIO || s === CONCEALED ? this.pcm : null;
  }

  /**
   * As soon as in order: the next frame if it can go out now (received, or lost and waited for long
   * enough), else NONE. Call until it returns NONE after each push(), and once per tick after tick().
   */
  take(): FrameStatus {
    if (!this.started) return NONE;
    const mask = this.masks[this.head] ?? 0;
    if (mask === FULL) return this.emit();
    // Incomplete: wait while nothing later has arrived (the stream may just be paused, or the rest of this
    // frame is on its way), or until a later packet has been here more than `depth` ticks. Later means a
    // block after a hole in this frame, or any block in a later frame.
    let evidence = mask !== 0 && (mask & (mask + 1)) !== 0 ? this.head : -1;
    for (let k = 1; evidence < 0 && k < this.capacity; k++) {
      const slot = (this.head + k) % this.capacity;
      if ((this.masks[slot] ?? 0) !== 0) evidence = slot;
    }
    if (evidence < 0 || this.ticks - (this.arrived[evidence] ?? 0) <= this.depth) return NONE;
    return this.emit();
  }

  /** take() mode: one 20 ms tick passed (missing frames are waited for in ticks). */
  tick(): void {
    if (!this.started) return;
    this.ticks++;
    this.adapt();
  }

  /** take() mode: gives out everything held now, gaps included (a recording that stops). */
  flush(each: (status: FrameStatus) => void): void {
    while (this.started && this.buffered > 0) each(this.emit());
  }

  /** Outputs the head frame (received, partly received, concealed or missing) and moves on. */
  private emit(): FrameStatus {
    const slot = this.head;
    const mask = this.masks[slot] ?? 0;
    if (mask === 0) return this.lose(true);
    const at = slot * FRAME_SAMPLES;
    const law: G711Codec = this.laws[slot] === 8 ? 'PCMA' : 'PCMU';
    if (mask !== FULL) {
      const silence = SILENCE_BYTE[law];
      for (let b = 0; b < 8; b++) if ((mask & (1 << b)) === 0) this.ring.fill(silence, at + b * BLOCK, at + (b + 1) * BLOCK);
    }
    decodeInto(law, this.ring, at, FRAME_SAMPLES, this.pcm, 0);
    this.last.set(this.pcm);
    this.haveLast = true;
    this.concealRun = 0;
    this.playing = true;
    this.lastLaw = this.laws[slot] ?? 0;
    this.law = law;
    this.data = this.ring;
    this.offset = at;
    this.timestamp = this.playTs;
    this.status = AUDIO;
    this.advance();
    return AUDIO;
  }

  /** A frame with nothing received: concealed from the last good one, or missing. `advance` moves on. */
  private lose(advance: boolean): FrameStatus {
    this.timestamp = this.playTs;
    if (this.haveLast && this.concealRun < this.concealFrames) {
      this.concealRun++;
      const gain = 1 - this.concealRun / (this.concealFrames + 1);
      for (let i = 0; i < FRAME_SAMPLES; i++) this.pcm[i] = Math.round((this.last[i] ?? 0) * gain);
      this.law = this.lastLaw === 8 ? 'PCMA' : 'PCMU';
      encodeInto(this.law, this.pcm, 0, FRAME_SAMPLES, this.scratch, 0);
      this.data = this.scratch;
      this.offset = 0;
      this.stats.concealed++;
      this.status = CONCEALED;
    } else {
      this.pcm.fill(0);
      this.law = this.lastLaw === 8 ? 'PCMA' : 'PCMU';
      this.scratch.fill(SILENCE_BYTE[this.law]);
      this.data = this.scratch;
      this.offset = 0;
      if (this.playing) this.stats.missing++;
      this.status = MISSING;
    }
    if (advance) this.advance();
    return this.status;
  }

  private advance(): void {
    this.masks[this.head] = 0;
    this.head = (this.head + 1) % this.capacity;
    this.playTs = (this.playTs + FRAME_SAMPLES) >>> 0;
  }

  /** True when the frame in `slot` is missing or nearly silent (safe to drop). */
  private quiet(slot: number): boolean {
    if ((this.masks[slot] ?? 0) === 0) return true;
    const table = this.laws[slot] === 8 ? 'PCMA' : 'PCMU';
    decodeInto(table, this.ring, slot * FRAME_SAMPLES, FRAME_SAMPLES, this.pcm, 0);
    let sum = 0;
    for (let i = 0; i < FRAME_SAMPLES; i++) sum += Math.abs(this.pcm[i] ?? 0);
    return sum / FRAME_SAMPLES < 300;
  }

  /** A late packet: wait one frame longer from now on (adaptive), at most once per tick. */
  private grow(): void {
    if (!this.adaptive || this.depth >= this.maxDepth || this.grewAt === this.ticks) return;
    this.grewAt = this.ticks;
    this.depth++;
    if (this.paced) this.pendingInsert++;
  }

  /** At the end of each window: shrink after a window with no late packet; paced, also drop what a fast sender piles up. */
  private adapt(): void {
    if (++this.windowTicks < this.adaptWindow) return;
    const lead = this.windowLead;
    if (this.adaptive && this.windowLate === 0 && this.depth > this.minDepth && (!this.paced || lead >= FRAME_SAMPLES)) {
      this.depth--;
      if (this.paced) this.pendingDrop++;
    } else if (this.paced && this.windowLate === 0 && lead !== Number.POSITIVE_INFINITY && lead >= (this.depth + 1) * FRAME_SAMPLES) {
      this.pendingDrop++;
    }
    this.windowTicks = 0;
    this.windowLate = 0;
    this.windowLead = Number.POSITIVE_INFINITY;
  }

  /** Starts over at a packet with timestamp `ts`: paced playout `depth` frames behind it, take() at once. */
  private restart(ts: number, ssrc: number, counted: boolean): void {
    if (counted) this.stats.resyncs++;
    this.masks.fill(0);
    this.started = true;
    this.ssrc = ssrc;
    this.head = 0;
    this.playTs = this.paced ? (ts - this.depth * FRAME_SAMPLES) >>> 0 : ts;
    this.highTs = ts;
    this.concealRun = this.concealFrames; // nothing to conceal across a restart
    this.playing = false;
    this.dropWait = 0;
    this.lateRun = 0;
    this.pendingInsert = 0;
    this.pendingDrop = 0;
  }
}
