/**
 * The hold music callers hear in a queue when <Enqueue> names no waitUrl: a gentle tune synthesized here
 * at start-up (8 kHz PCM16), so Switchboard ships no audio file and fetches nothing. A soft drone of two
 * tones under a pentatonic melody of plucked notes; the loop is 9.6 s and every tone completes whole
 * cycles in it, so looping has no click. Written for this project under its licence.
 */
const RATE = 8000;
const BEAT = 0.6; // seconds: 100 beats a minute
/** Drone tones chosen to complete whole cycles in one loop (loop seconds x hz is an integer). */
export const HOLD_MUSIC_DRONE_HZ = [262.5, 393.75] as const;
// C major pentatonic around C5-C6, one note a beat (Hz).
const MELODY = [659.25, 783.99, 880, 783.99, 659.25, 587.33, 523.25, 587.33, 659.25, 783.99, 1046.5, 880, 783.99, 659.25, 587.33, 523.25];

let cached: Int16Array | null = null;

export function holdMusic(): Int16Array {
  if (cached) return cached;
  const beatSamples = Math.round(BEAT * RATE);
  const total = beatSamples * MELODY.length;
  const out = new Int16Array(total);
  for (let i = 0; i < total; i++) {
    const t = i / RATE;
    let v = 0;
    for (const hz of HOLD_MUSIC_DRONE_HZ) v += 1800 * Math.sin(2 * Math.PI * hz * t);
    const beat = Math.floor(i / beatSamples);
    const inBeat = (i - beat * beatSamples) / RATE;
    const hz = MELODY[beat] ?? 0;
    // A plucked note: 15 ms attack, then an exponential decay; a quieter octave above warms it.
    const envelope = Math.min(1, inBeat / 0.015) * Math.exp(-inBeat * 4);
    v += envelope * (3200 * Math.sin(2 * Math.PI * hz * inBeat) + 700 * Math.sin(4 * Math.PI * hz * inBeat));
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  cached = out;
  return out;
}
