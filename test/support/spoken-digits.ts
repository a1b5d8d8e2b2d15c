/**
 * Recognises digits that espeak-ng said on a call, by matching: each spoken segment is compared with
 * espeak-ng's own rendering of every digit word (made here, with the voice and rate Switchboard uses) by
 * dynamic time warping over log band energies, and the closest digit wins. The call's audio went through
 * G.711 and a softphone, so it is never identical to the reference; but ten references of one speaker are
 * far apart, and a segment of another word, another language or a tone is far from all of them (`distance`
 * says how far, so a test can also refuse a segment that matches nothing). Pocketsphinx was tried first:
 * its 16 kHz model hears 8 kHz espeak-ng digits too poorly to check a code (docs/benchmarks.md, speech).
 */
import { spawnSync } from 'node:child_process';
import { readWav, resampleTo8k, rms } from '../../src/voice/media/index.js';

const RATE = 8000;
const FRAME = 200; // 25 ms
const HOP = 80; // 10 ms
const BINS = 256;
/** Band edges (Hz): roughly mel-spaced over the telephone band. */
const EDGES = [200, 300, 400, 510, 630, 770, 920, 1080, 1270, 1480, 1720, 2000, 2320, 2700, 3150, 3700];

const WINDOW = Float64Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FRAME - 1)));
const COS = Float64Array.from({ length: BINS * (BINS / 2) }, (_, k) => Math.cos((2 * Math.PI * (k % BINS) * Math.floor(k / BINS)) / BINS));
const SIN = Float64Array.from({ length: BINS * (BINS / 2) }, (_, k) => Math.sin((2 * Math.PI * (k % BINS) * Math.floor(k / BINS)) / BINS));

/** Log energy per band per 10 ms frame, each band's mean over the segment removed (loudness and channel). */
export function bandFeatures(pcm: Int16Array): Float64Array[] {
  const frames: Float64Array[] = [];
  const x = new Float64Array(BINS);
  for (let start = 0; start + FRAME <= pcm.length; start += HOP) {
    x.fill(0);
    for (let i = 0; i < FRAME; i++) x[i] = ((pcm[start + i] ?? 0) / 32768) * (WINDOW[i] ?? 0);
    const bands = new Float64Array(EDGES.length - 1);
    for (let bin = 1; bin < BINS / 2; bin++) {
      const hz = (bin * RATE) / BINS;
      const band = EDGES.findIndex((edge, b) => b < EDGES.length - 1 && hz >= edge && hz < (EDGES[b + 1] ?? 0));
      if (band < 0) continue;
      let re = 0;
      let im = 0;
      const row = bin * BINS;
      for (let i = 0; i < FRAME; i++) {
        re += (x[i] ?? 0) * (COS[row + i] ?? 0);
        im -= (x[i] ?? 0) * (SIN[row + i] ?? 0);
      }
      bands[band] = (bands[band] ?? 0) + re * re + im * im;
    }
    frames.push(bands.map((e) => Math.log(e + 1e-9)));
  }
  const dims = EDGES.length - 1;
  for (let d = 0; d < dims; d++) {
    const mean = frames.reduce((a, f) => a + (f[d] ?? 0), 0) / Math.max(1, frames.length);
    for (const f of frames) f[d] = (f[d] ?? 0) - mean;
  }
  return frames;
}

/** Dynamic time warping distance between two feature sequences, per step of the path. */
export function dtwDistance(a: Float64Array[], b: Float64Array[]): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return Number.POSITIVE_INFINITY;
  const cost = new Float64Array((n + 1) * (m + 1)).fill(Number.POSITIVE_INFINITY);
  const steps = new Float64Array((n + 1) * (m + 1));
  cost[0] = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const fa = a[i - 1] as Float64Array;
      const fb = b[j - 1] as Float64Array;
      let d = 0;
      for (let k = 0; k < fa.length; k++) d += ((fa[k] ?? 0) - (fb[k] ?? 0)) ** 2;
      d = Math.sqrt(d);
      const options: Array<[number, number]> = [
        [(i - 1) * (m + 1) + (j - 1), 1],
        [(i - 1) * (m + 1) + j, 1],
        [i * (m + 1) + (j - 1), 1],
      ];
      let best = Number.POSITIVE_INFINITY;
      let bestSteps = 0;
      for (const [at] of options) {
        if ((cost[at] ?? Number.POSITIVE_INFINITY) < best) {
          best = cost[at] ?? Number.POSITIVE_INFINITY;
          bestSteps = steps[at] ?? 0;
        }
      }
      cost[i * (m + 1) + j] = best + d;
      steps[i * (m + 1) + j] = bestSteps + 1;
    }
  }
  return (cost[n * (m + 1) + m] ?? Number.POSITIVE_INFINITY) / Math.max(1, steps[n * (m + 1) + m] ?? 1);
}

/** espeak-ng saying `text` with `voice` at Switchboard's rate, as 8 kHz PCM. */
export function espeak(text: string, voice: string): Int16Array {
  const out = spawnSync('espeak-ng', ['-v', voice, '-s', '160', '--stdout', '--stdin'], { input: text, maxBuffer: 16 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`espeak-ng failed: ${String(out.stderr)}`);
  const wav = readWav(out.stdout);
  return resampleTo8k(wav.pcm, wav.info.sampleRate);
}

export interface DigitMatch {
  digit: string;
  /** DTW distance to the chosen digit's reference. */
  distance: number;
  /** How much closer than the runner-up (its distance divided by this one's). */
  margin: number;
}

/** The ten digit references of one voice, ready to match segments against. */
export function digitMatcher(voice: string): (segment: Int16Array) => DigitMatch {
  const refs = Array.from({ length: 10 }, (_, d) => ({ digit: String(d), features: bandFeatures(speechOnly(espeak(String(d), voice))) }));
  return (segment) => {
    const f = bandFeatures(segment);
    const ranked = refs.map((r) => ({ digit: r.digit, distance: dtwDistance(f, r.features) })).sort((x, y) => x.distance - y.distance);
    const [first, second] = ranked as [{ digit: string; distance: number }, { digit: string; distance: number }];
    return { digit: first.digit, distance: first.distance, margin: second.distance / first.distance };
  };
}

/** [start, end) sample ranges of speech: 20 ms frames over a tenth of the loudest, gaps under 60 ms bridged. */
export function spokenSegments(pcm: Int16Array): Array<[number, number]> {
  const frame = 160;
  const levels: number[] = [];
  for (let i = 0; i + frame <= pcm.length; i += frame) levels.push(rms(pcm.subarray(i, i + frame)));
  const threshold = Math.max(200, Math.max(0, ...levels) / 10);
  const out: Array<[number, number]> = [];
  for (const [i, level] of levels.entries()) {
    if (level < threshold) continue;
    const last = out[out.length - 1];
    if (last && i * frame - last[1] <= 3 * frame) last[1] = (i + 1) * frame;
    else out.push([i * frame, (i + 1) * frame]);
  }
  return out.filter(([a, b]) => b - a >= 4 * frame); // under 80 ms: a click, not a word
}

/** The audio between the first and last speech of `pcm` (a reference without its silent edges). */
function speechOnly(pcm: Int16Array): Int16Array {
  const segments = spokenSegments(pcm);
  const first = segments[0];
  const last = segments[segments.length - 1];
  return first && last ? pcm.subarray(first[0], last[1]) : pcm;
}
