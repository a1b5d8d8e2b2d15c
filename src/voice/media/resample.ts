/**
 * Sample-rate conversion to the 8 kHz telephone rate by linear interpolation. When shrinking by more
 * than 1.5x a short moving-average filter runs first: not a proper anti-alias filter, but it takes the
 * worst of the hiss out of 16-48 kHz sources (speech synthesis, music on hold) at almost no cost.
 */
export function resampleLinear(input: ArrayLike<number>, fromRate: number, toRate = 8000): Float32Array {
  if (fromRate <= 0 || toRate <= 0) throw new RangeError('sample rates must be positive');
  const src = fromRate / toRate > 1.5 ? boxFilter(input, Math.round(fromRate / toRate)) : input;
  if (fromRate === toRate) return Float32Array.from(src);
  const outLength = Math.floor((src.length * toRate) / fromRate);
  const out = new Float32Array(outLength);
  const step = fromRate / toRate;
  for (let i = 0; i < outLength; i++) {
    const pos = i * step;
    const j = Math.floor(pos);
    const frac = pos - j;
    const a = src[j] ?? 0;
    const b = src[j + 1] ?? a;
    out[i] = a + (b - a) * frac;
  }
  return out;
}

function boxFilter(input: ArrayLike<number>, width: number): Float32Array {
  const out = new Float32Array(input.length);
  if (width <= 1) {
    for (let i = 0; i < input.length; i++) out[i] = input[i] ?? 0;
    return out;
  }
  const half = Math.floor(width / 2);
  let sum = 0;
  let count = 0;
  // Sliding window sum centred on i: [i - half, i - half + width)
  for (let k = 0; k < width - half && k < input.length; k++) {
    sum += input[k] ?? 0;
    count++;
  }
  for (let i = 0; i < input.length; i++) {
    out[i] = sum / count;
    const add = i - half + width;
    const drop = i - half;
    if (add < input.length) {
      sum += input[add] ?? 0;
      count++;
    }
    if (drop >= 0) {
      sum -= input[drop] ?? 0;
      count--;
    }
  }
  return out;
}

/** Float samples in [-1, 1] or in int16 units (set `scale` to 1) to clamped PCM16. */
export function toInt16(samples: ArrayLike<number>, scale = 32767): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round((samples[i] ?? 0) * scale);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** Resamples PCM16 at any rate to 8 kHz PCM16. */
export function resampleTo8k(pcm: Int16Array, fromRate: number): Int16Array {
  if (fromRate === 8000) return pcm;
  return toInt16(resampleLinear(pcm, fromRate, 8000), 1);
}
