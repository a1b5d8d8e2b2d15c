/**
 * What a stretch of 8 kHz audio contains, by frequency: Goertzel power at one frequency (tests ask "is
 * 700 Hz in there?") and the dominant frequencies of a whole recording (averaged 1024-point spectra), which
 * is what a virtual phone reports it heard. Runs on the main thread at the end of a call, never per packet.
 */
const N = 1024;
const RATE = 8000;

/** Share of the signal's energy at `hz` (0..1), by the Goertzel algorithm over blocks of 20 ms. */
export function toneShare(pcm: Int16Array, hz: number, rate = RATE): number {
  const block = 160;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let tone = 0;
  let total = 0;
  for (let start = 0; start + block <= pcm.length; start += block) {
    let s1 = 0;
    let s2 = 0;
    let energy = 0;
    for (let i = start; i < start + block; i++) {
      const x = (pcm[i] ?? 0) / 32768;
      energy += x * x;
      const s0 = x + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    // |X(k)|^2 of the block; for a pure tone it is energy * block / 2.
    tone += (s1 * s1 + s2 * s2 - coeff * s1 * s2) * (2 / block);
    total += energy;
  }
  return total === 0 ? 0 : Math.min(1, tone / total);
}

export interface Peak {
  hz: number;
  /** Share of the recording's energy within about 20 Hz of it (0..1). */
  share: number;
}

/** In-place radix-2 FFT of `re`/`im` (length N). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] ?? 0, re[i] ?? 0];
      [im[i], im[j]] = [im[j] ?? 0, im[i] ?? 0];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = (re[b] ?? 0) * wr - (im[b] ?? 0) * wi;
        const xi = (re[b] ?? 0) * wi + (im[b] ?? 0) * wr;
        re[b] = (re[a] ?? 0) - xr;
        im[b] = (im[a] ?? 0) - xi;
        re[a] = (re[a] ?? 0) + xr;
        im[a] = (im[a] ?? 0) + xi;
      }
    }
  }
}

/** The averaged power spectrum (N/2 bins of RATE/N Hz) of the non-silent blocks of `pcm`. */
function powerSpectrum(pcm: Int16Array): Float64Array {
  const power = new Float64Array(N / 2);
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  for (let start = 0; start + N <= pcm.length; start += N) {
    for (let i = 0; i < N; i++) {
      const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (N - 1));
      re[i] = ((pcm[start + i] ?? 0) / 32768) * hann;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 1; k < N / 2; k++) power[k] = (power[k] ?? 0) + (re[k] ?? 0) ** 2 + (im[k] ?? 0) ** 2;
  }
  return power;
}

/**
 * Up to `max` frequencies holding the most energy, strongest first, each at least `minShare` of the
 * total; peaks closer than 60 Hz to a stronger one are folded into it.
 */
export function dominantFrequencies(pcm: Int16Array, max = 5, minShare = 0.05): Peak[] {
  const power = powerSpectrum(pcm);
  const binHz = RATE / N;
  // Below 50 Hz is DC and hum (A-law silence decodes to a small constant), not something anyone said.
  const low = Math.ceil(50 / binHz);
  power.fill(0, 0, low);
  let total = 0;
  for (const p of power) total += p;
  if (total === 0) return [];
  const peaks: Peak[] = [];
  const used = new Uint8Array(power.length);
  const near = Math.round(60 / binHz);
  for (let round = 0; round < max; round++) {
    let best = -1;
    for (let k = low; k < power.length; k++) if (!used[k] && (best < 0 || (power[k] ?? 0) > (power[best] ?? 0))) best = k;
    if (best < 0) break;
    let energy = 0;
    for (let k = Math.max(1, best - 3); k <= Math.min(power.length - 1, best + 3); k++) energy += power[k] ?? 0;
    for (let k = Math.max(1, best - near); k <= Math.min(power.length - 1, best + near); k++) used[k] = 1;
    const share = energy / total;
    if (share < minShare) break;
    // Parabolic interpolation between the neighbouring bins refines the estimate below one bin.
    const l = power[best - 1] ?? 0;
    const c = power[best] ?? 0;
    const r = power[best + 1] ?? 0;
    const denom = l - 2 * c + r;
    const delta = denom === 0 ? 0 : (0.5 * (l - r)) / denom;
    peaks.push({ hz: Math.round((best + delta) * binHz), share: Math.round(share * 1000) / 1000 });
  }
  return peaks;
}

/** A sine tone (8 kHz PCM16), for virtual phones and tests. */
export function tone(hz: number, ms: number, amplitude = 8000): Int16Array {
  const n = Math.round((ms * RATE) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));
  return out;
}
