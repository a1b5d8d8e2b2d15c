/**
 * A conference's audio mixer: once per 20 ms tick it takes one frame from each participant, sums the
 * frames of those who may be heard, and gives each participant the sum minus its own frame (nobody hears
 * themselves). Sums are saturated to 16 bits (hard clipping, never wrap-around). A muted participant is
 * not heard but hears; one on hold is neither heard nor hears the conference (its session plays hold music
 * instead); a coach is heard only by the participant it coaches and hears everyone. Speaker detection
 * follows each participant's frame energy with a short attack and a longer release, so a word's pauses do
 * not flap the `speaker` events.
 *
 * It knows no sockets: participants push decoded PCM as packets arrive (kept in a small FIFO, which also
 * absorbs a packet arriving just after a tick) and their session reads `out` when it sends. No allocation
 * per tick.
 */
import { encodeTable, type G711Codec } from './g711.js';

export const FRAME = 160; // 20 ms at 8 kHz
/** A participant's FIFO; at most MAX_BACKLOG samples (120 ms) wait in it, older audio is dropped. */
const FIFO = FRAME * 8;
const MAX_BACKLOG = FRAME * 6;
/** A backlog above this many frames after a tick is cut to one frame (latency does not creep up). */
const TRIM_TO = FRAME;
/** Positions are brought back by this much (a multiple of FIFO) once they reach it. */
const WRAP = FIFO * 1024;

export interface MixFlags<K> {
  /** Not heard by anyone (still hears the conference). */
  muted: boolean;
  /** Neither heard nor hearing: out of the mix. */
  hold: boolean;
  /** The participant this one coaches: heard by that one alone. null: an ordinary participant. */
  coach: K | null;
}

export interface SpeakerOptions {
  /** RMS level (PCM16 units) above which a frame is speech: 600 is about -35 dBFS. */
  threshold: number;
  /** Frames in a row above the threshold before `speaking` (default 3: 60 ms). */
  attack: number;
  /** Frames in a row below it before not `speaking` (default 25: 500 ms). */
  release: number;
}

export const DEFAULT_SPEAKER: SpeakerOptions = { threshold: 600, attack: 3, release: 25 };

export class MixPort<K> {
  /** What this participant hears on the current tick (PCM16). */
  readonly out = new Int16Array(FRAME);
  /** This tick's frame from this participant. */
  readonly cur = new Int16Array(FRAME);
  flags: MixFlags<K> = { muted: false, hold: false, coach: null };
  speaking = false;
  private readonly fifo = new Int16Array(FIFO);
  private readPos = 0;
  private writePos = 0;
  private above = 0;
  private below = 0;
  /** Coaches' frames for this participant this tick (made when first coached). */
  coachSum: Int32Array | null = null;
  coached = false;

  constructor(readonly key: K) {}

  get buffered(): number {
    return this.writePos - this.readPos;
  }

  /** Received audio (decoded PCM16), at any time between ticks. */
  push(pcm: Int16Array, n: number): void {
    const fifo = this.fifo;
    const at = this.writePos;
    for (let i = 0; i < n; i++) fifo[(at + i) % FIFO] = pcm[i] ?? 0;
    const written = at + n;
    this.writePos = written;
    // Written without a branch, like take(): see "Stable hot code" there.
    const oldest = written - MAX_BACKLOG;
    const read = this.readPos;
    this.readPos = read < oldest ? oldest : read;
  }

  /**
   * Moves the next frame into `cur` (silence for what is missing); returns the frame's energy (sum of squares).
   *
   * Stable hot code: silence and audio run the same operations here and in push() and detect() (no store,
   * call or arithmetic only audio reaches). V8 optimizes the mixer while a conference is still silent; an
   * operation it never saw run has no type feedback, and the first audio to reach one throws the optimized
   * code away, in every conference at once when their media starts together (issue 16).
   */
  take(): number {
    const fifo = this.fifo;
    const cur = this.cur;
    const read = this.readPos;
    const write = this.writePos;
    const have = Math.min(FRAME, write - read);
    let energy = 0;
    for (let i = 0; i < FRAME; i++) {
      const sample = fifo[(read + i) % FIFO] ?? 0;
      const v = i < have ? sample : 0;
      cur[i] = v;
      energy += v * v;
    }
    // A burst left more than two frames waiting: drop to one, so this participant is not heard ever later.
    const next = read + have;
    const trimmed = write - TRIM_TO;
    const kept = write - next > FRAME * 2 ? trimmed : next;
    // Keep positions small (they index a ring modulo FIFO).
    const wrap = kept >= WRAP ? WRAP : 0;
    this.readPos = kept - wrap;
    this.writePos = write - wrap;
    return energy;
  }

  /** Speaker detection on this tick's energy; true when `speaking` changed. Branch-free stores, as in take(). */
  detect(energy: number, o: SpeakerOptions): boolean {
    const attack = o.attack;
    const release = o.release;
    const loud = energy > o.threshold * o.threshold * FRAME;
    const was = this.speaking;
    // `above` counts loud frames while not speaking, `below` quiet frames while speaking.
    const above = this.above + 1;
    const below = this.below + 1;
    this.above = loud ? (was ? this.above : above) : 0;
    this.below = loud ? 0 : was ? below : this.below;
    const now = was ? loud || below < release : loud && above >= attack;
    this.speaking = now;
    return now !== was;
  }

  /** Writes `out` as G.711 into `buf` at `offset` (what the session sends this tick). */
  fill(codec: G711Codec, buf: Uint8Array, offset: number, samples: number): void {
    const table = encodeTable(codec);
    const out = this.out;
    for (let i = 0; i < samples; i++) buf[offset + i] = table[(out[i] ?? 0) & 0xffff] ?? 0;
  }
}

export interface MixerOptions<K> {
  speaker?: Partial<SpeakerOptions>;
  /** A participant started or stopped speaking. */
  onSpeaker?: (key: K, speaking: boolean) => void;
}

export class Mixer<K> {
  private readonly ports: Array<MixPort<K>> = [];
  private readonly byKey = new Map<K, MixPort<K>>();
  private readonly total = new Int32Array(FRAME);
  private readonly speaker: SpeakerOptions;
  private readonly onSpeaker: ((key: K, speaking: boolean) => void) | null;
  private recording: Int16Array | null = null;
  private recorded = 0;

  constructor(options: MixerOptions<K> = {}) {
    this.speaker = { ...DEFAULT_SPEAKER, ...options.speaker };
    this.onSpeaker = options.onSpeaker ?? null;
  }

  get size(): number {
    return this.ports.length;
  }

  participants(): K[] {
    return this.ports.map((p) => p.key);
  }

  port(key: K): MixPort<K> | undefined {
    return this.byKey.get(key);
  }

  /** Adds a participant, or updates its flags. */
  join(key: K, flags?: Partial<MixFlags<K>>): MixPort<K> {
    let p = this.byKey.get(key);
    if (!p) {
      p = new MixPort(key);
      this.ports.push(p);
      this.byKey.set(key, p);
    }
    if (flags) p.flags = { ...p.flags, ...flags };
    return p;
  }

  leave(key: K): void {
    const p = this.byKey.get(key);
    if (!p) return;
    this.byKey.delete(key);
    this.ports.splice(this.ports.indexOf(p), 1);
    if (p.speaking) {
      p.speaking = false;
      this.onSpeaker?.(key, false);
    }
  }

  /** Keeps the conference's sound (everyone heard, coaches excepted) from now on, up to `maxSamples`. */
  startRecording(maxSamples: number): void {
    this.recording = new Int16Array(Math.max(FRAME, maxSamples));
    this.recorded = 0;
  }

  /** Stops recording and hands over what was kept, or null when nothing was recording. */
  takeRecording(): Int16Array | null {
    const r = this.recording;
    this.recording = null;
    return r ? r.slice(0, this.recorded) : null;
  }

  /** One 20 ms tick: every participant's `out` is what it hears now. */
  mix(): void {
    const total = this.total;
    total.fill(0);
    const ports = this.ports;
    for (let k = 0; k < ports.length; k++) {
      const p = ports[k] as MixPort<K>;
      const energy = p.take();
      const f = p.flags;
      const silent = f.muted || f.hold;
      if (p.detect(silent ? 0 : energy, this.speaker)) this.onSpeaker?.(p.key, p.speaking);
      if (silent) continue;
      const cur = p.cur;
      if (f.coach !== null) {
        const target = this.byKey.get(f.coach);
        if (!target || target === p) continue;
        if (target.coachSum === null) target.coachSum = new Int32Array(FRAME);
        const sum = target.coachSum;
        if (!target.coached) {
          sum.fill(0);
          target.coached = true;
        }
        for (let i = 0; i < FRAME; i++) sum[i] = (sum[i] ?? 0) + (cur[i] ?? 0);
        continue;
      }
      for (let i = 0; i < FRAME; i++) total[i] = (total[i] ?? 0) + (cur[i] ?? 0);
    }
    for (let k = 0; k < ports.length; k++) {
      const p = ports[k] as MixPort<K>;
      const f = p.flags;
      const out = p.out;
      if (f.hold) {
        out.fill(0);
        p.coached = false;
        continue;
      }
      // Heard by others = in `total`: subtract one's own frame. A coach is not in `total`.
      const own = !f.muted && f.coach === null ? p.cur : null;
      const coach = p.coached ? p.coachSum : null;
      for (let i = 0; i < FRAME; i++) {
        let v = (total[i] ?? 0) - (own ? (own[i] ?? 0) : 0) + (coach ? (coach[i] ?? 0) : 0);
        if (v > 32767) v = 32767;
        else if (v < -32768) v = -32768;
        out[i] = v;
      }
      p.coached = false;
    }
    const rec = this.recording;
    if (rec !== null && this.recorded + FRAME <= rec.length) {
      for (let i = 0; i < FRAME; i++) {
        const v = total[i] ?? 0;
        rec[this.recorded + i] = Math.min(32767, Math.max(-32768, v));
      }
      this.recorded += FRAME;
    }
  }
}
