const MINUTE = 60_000;
/** Stored where a series has no reading for a minute (the values kept are counts and seconds, never negative). */
const NONE = -1;

/** One reading of a series at a sample: `width` non-negative integers (a queue: its size and longest wait). */
export type Reading = readonly number[];

/**
 * Per-minute readings of named series over the last `minutes` minutes, in fixed memory: each series owns
 * `minutes * width` integers, slot `minute % minutes`, and each slot remembers which minute it holds, so a
 * slot left over from an hour ago (or from a skipped minute) reads as no reading. A series absent from a
 * sample is dropped at once (a deleted queue, a removed carrier); past `maxSeries` the rest are not kept.
 */
export class MinuteRing {
  private readonly stamps: number[];
  private readonly series = new Map<string, { owner: string; values: Int32Array }>();
  private latest = Number.NEGATIVE_INFINITY;
  private firstMinute: number | null = null;

  constructor(
    readonly minutes: number,
    private readonly width: number,
    private readonly maxSeries: number,
  ) {
    this.stamps = new Array<number>(minutes).fill(Number.NEGATIVE_INFINITY);
  }

  /**
   * Records the readings sampled at `at` (ms) under its minute, replacing an earlier sample of the same
   * minute. `owner` is the account a series belongs to: reads must name it. An older minute is ignored.
   */
  record(at: number, readings: ReadonlyMap<string, { owner: string; reading: Reading }>): void {
    const minute = Math.floor(at / MINUTE);
    if (minute < this.latest) return;
    this.latest = minute;
    this.firstMinute ??= minute;
    const slot = this.slot(minute);
    this.stamps[slot] = minute;
    for (const key of [...this.series.keys()]) if (!readings.has(key)) this.series.delete(key);
    for (const [key, { owner, reading }] of readings) {
      let s = this.series.get(key);
      if (s && s.owner !== owner) {
        this.series.delete(key);
        s = undefined;
      }
      if (!s) {
        if (this.series.size >= this.maxSeries) continue;
        s = { owner, values: new Int32Array(this.minutes * this.width).fill(NONE) };
        this.series.set(key, s);
      }
      for (let i = 0; i < this.width; i++) s.values[slot * this.width + i] = Math.max(0, Math.round(reading[i] ?? 0));
    }
  }

  /**
   * Column `column` of a series for `count` minutes from minute `first` (ms / 60 000), oldest first; null
   * where nothing was sampled, and all null for a series unknown or of another owner.
   */
  values(key: string, owner: string, first: number, count: number, column = 0): Array<number | null> {
    const s = this.series.get(key);
    const out = new Array<number | null>(count).fill(null);
    if (!s || s.owner !== owner) return out;
    for (let i = 0; i < count; i++) {
      const minute = first + i;
      const slot = this.slot(minute);
      if (this.stamps[slot] !== minute) continue;
      const v = s.values[slot * this.width + column]!;
      if (v !== NONE) out[i] = v;
    }
    return out;
  }

  /** How many series are kept (bounded by `maxSeries`). */
  get size(): number {
    return this.series.size;
  }

  /** The first minute sampled since this ring was made (null: none yet). */
  get since(): number | null {
    return this.firstMinute;
  }

  private slot(minute: number): number {
    return ((minute % this.minutes) + this.minutes) % this.minutes;
  }
}
