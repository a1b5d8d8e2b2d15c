/**
 * Collects received audio as 8 kHz PCM16 in one-second chunks (one allocation per second of audio, none
 * per packet). Gaps in the RTP timestamps (lost packets, silence suppression) are filled with silence
 * so the recording keeps real time; late or reordered packets are dropped (a session puts its packets in
 * order first, in its jitter buffer), and timestamps that fall far back start a new timeline.
 */
const CHUNK = 8000;
const MAX_GAP_SAMPLES = 8000 * 5;
const RESTART_SAMPLES = 8000;

export class Recorder {
  private chunks: Int16Array[] = [];
  private current: Int16Array = new Int16Array(CHUNK);
  private used = 0;
  private total = 0;
  private nextTs: number | null = null;

  constructor(private readonly maxSamples = 8000 * 60 * 60) {}

  get samples(): number {
    return this.total;
  }

  get durationMs(): number {
    return (this.total * 1000) / 8000;
  }

  get full(): boolean {
    return this.total >= this.maxSamples;
  }

  /** Appends `count` samples from `frame`, placed by RTP timestamp when one is given. */
  push(frame: Int16Array, count: number, timestamp?: number): void {
    if (timestamp !== undefined) {
      if (this.nextTs !== null) {
        const delta = (timestamp - this.nextTs) | 0; // wraps at 2^32
        // Behind: a late packet is dropped; far behind, the sender restarted its timeline: go on from there.
        if (delta < 0 && delta > -RESTART_SAMPLES) return;
        if (delta > 0 && delta <= MAX_GAP_SAMPLES) this.pad(delta);
      }
      this.nextTs = (timestamp + count) >>> 0;
    }
    for (let i = 0; i < count && this.total < this.maxSamples; i++) {
      if (this.used === CHUNK) this.roll();
      this.current[this.used++] = frame[i] ?? 0;
      this.total++;
    }
  }

  /** Pads with silence up to `total` samples (a channel kept in step with a clock). */
  padTo(total: number): void {
    if (total > this.total) this.pad(total - this.total);
  }

  private pad(samples: number): void {
    for (let i = 0; i < samples && this.total < this.maxSamples; i++) {
      if (this.used === CHUNK) this.roll();
      this.current[this.used++] = 0;
      this.total++;
    }
  }

  private roll(): void {
    this.chunks.push(this.current);
    this.current = new Int16Array(CHUNK);
    this.used = 0;
  }

  /** Everything recorded so far, as one array. */
  toPcm(): Int16Array {
    const out = new Int16Array(this.total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    out.set(this.current.subarray(0, this.used), at);
    return out;
  }
}
