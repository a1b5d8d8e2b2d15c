/**
 * Small audio helpers: energy and silence detection (for Record's timeout and trimming), a beep
 * generator (Record's beep), and silence.
 */

/** Root-mean-square level of `count` samples, in int16 units. */
export function rms(samples: Int16Array, count = samples.length, from = 0): number {
  if (count <= 0) return 0;
  let sum = 0;
  for (let i = from; i < from + count; i++) {
    const s = samples[i] ?? 0;
    sum += s * s;
  }
  return Math.sqrt(sum / count);
}

/** Level in dBFS (0 = full scale; -Infinity for digital silence). */
export function dbfs(samples: Int16Array, count = samples.length): number {
  const r = rms(samples, count);
  return r === 0 ? -Infinity : 20 * Math.log10(r / 32768);
}

export interface SilenceDetectorOptions {
  /** RMS below this (int16 units) counts as silence; default 500 (about -36 dBFS). */
  threshold?: number;
  /** Continuous silence after speech that triggers `onSilence`; default 5000 ms (Twilio Record timeout). */
  silenceMs?: number;
  /** Require some speech first before silence counts (default false: silence from the start counts). */
  requireSpeech?: boolean;
  sampleRate?: number;
}

/**
 * Feed it received frames; it calls `onSilence` once when the stream has been quiet for `silenceMs`.
 * No allocation per frame.
 */
export class SilenceDetector {
  private readonly threshold: number;
  private readonly silenceSamples: number;
  private readonly requireSpeech: boolean;
  private quietSamples = 0;
  private heardSpeech = false;
  private fired = false;

  constructor(
    private readonly onSilence: () => void,
    options: SilenceDetectorOptions = {},
  ) {
    this.threshold = options.threshold ?? 500;
    this.silenceSamples = ((options.silenceMs ?? 5000) * (options.sampleRate ?? 8000)) / 1000;
    this.requireSpeech = options.requireSpeech ?? false;
  }

  get speechDetected(): boolean {
    return this.heardSpeech;
  }

  push(frame: Int16Array, count = frame.length): void {
    if (this.fired) return;
    if (rms(frame, count) >= this.threshold) {
      this.heardSpeech = true;
      this.quietSamples = 0;
      return;
    }
    if (this.requireSpeech && !this.heardSpeech) return;
    this.quietSamples += count;
    if (this.quietSamples >= this.silenceSamples) {
      this.fired = true;
      this.onSilence();
    }
  }

  reset(): void {
    this.quietSamples = 0;
    this.heardSpeech = false;
    this.fired = false;
  }
}

/** Whether a whole buffer is silence (RMS under the threshold). */
export function isSilent(samples: Int16Array, threshold = 500): boolean {
  return rms(samples) < threshold;
}

/** Removes trailing silence (Record trim="trim-silence"), keeping `keepMs` of it. */
export function trimTrailingSilence(samples: Int16Array, threshold = 500, keepMs = 200, sampleRate = 8000): Int16Array {
  const win = sampleRate / 50;
  let end = samples.length;
  while (end > 0 && rms(samples, Math.min(win, end), Math.max(0, end - win)) < threshold) end -= Math.min(win, end);
  return samples.subarray(0, Math.min(samples.length, end + (keepMs * sampleRate) / 1000));
}

export interface BeepOptions {
  frequency?: number;
  durationMs?: number;
  /** Peak amplitude in int16 units; default 8000 (about -12 dBFS). */
  amplitude?: number;
  sampleRate?: number;
}

/** A sine beep with 10 ms raised-cosine edges so it does not click. Default 1000 Hz for 250 ms. */
export function generateBeep(options: BeepOptions = {}): Int16Array {
  const rate = options.sampleRate ?? 8000;
  const n = Math.round(((options.durationMs ?? 250) * rate) / 1000);
  const f = options.frequency ?? 1000;
  const amp = options.amplitude ?? 8000;
  const ramp = Math.min(Math.round(rate / 100), Math.floor(n / 2));
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    let g = 1;
    if (i < ramp) g = 0.5 - 0.5 * Math.cos((Math.PI * i) / ramp);
    else if (i >= n - ramp) g = 0.5 - 0.5 * Math.cos((Math.PI * (n - 1 - i)) / ramp);
    out[i] = Math.round(amp * g * Math.sin((2 * Math.PI * f * i) / rate));
  }
  return out;
}

export function silence(ms: number, sampleRate = 8000): Int16Array {
  return new Int16Array(Math.round((ms * sampleRate) / 1000));
}

/** Joins PCM buffers end to end. */
export function concatPcm(parts: Int16Array[]): Int16Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Int16Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
