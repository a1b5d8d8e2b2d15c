/**
 * Is a 20 ms frame one pure tone, and at what frequency? A sine obeys x[n] + x[n-2] = 2cos(w) x[n-1]; the
 * least-squares k = 2cos(w) of that relation gives the frequency, and what the relation leaves unexplained
 * (relative to the frame's energy) tells a tone (under 1 %) from speech (espeak-ng voices: 2 % at the least in
 * the 300-2,600 Hz band). A handful of
 * multiplications per sample, no allocation: cheap enough for every frame of every detecting call.
 */
export interface ToneReading {
  /** Share of the frame's energy a single sinusoid does not explain (0 for a pure tone). */
  residual: number;
  /** The sinusoid's frequency in Hz (meaningful when residual is small). */
  hz: number;
}

export function readTone(frame: Int16Array, samples = frame.length, rate = 8000): ToneReading {
  let num = 0;
  let den = 0;
  let energy = 0;
  for (let n = 2; n < samples; n++) {
    const a = frame[n] ?? 0;
    const b = frame[n - 1] ?? 0;
    const c = frame[n - 2] ?? 0;
    num += (a + c) * b;
    den += b * b;
    energy += a * a;
  }
  if (den === 0 || energy === 0) return { residual: 1, hz: 0 };
  const k = num / den;
  let err = 0;
  for (let n = 2; n < samples; n++) {
    const e = (frame[n] ?? 0) + (frame[n - 2] ?? 0) - k * (frame[n - 1] ?? 0);
    err += e * e;
  }
  const cos = Math.max(-1, Math.min(1, k / 2));
  return { residual: err / energy, hz: (Math.acos(cos) * rate) / (2 * Math.PI) };
}
