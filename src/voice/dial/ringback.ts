/**
 * The ringing tone a caller hears while <Dial> rings (ringTone, default us), generated once per country
 * pattern: frequencies and on/off cadence as the national tone plans give them (ITU-T E.180 supplement).
 * Countries without an entry here hear the common 425 Hz, 1 s on, 4 s off.
 */
import type { RingTone } from '../../twiml/index.js';

interface Pattern {
  hz: readonly number[];
  /** Alternating on/off milliseconds, starting with on. */
  cadence: readonly number[];
}

const PATTERNS: Partial<Record<RingTone, Pattern>> = {
  us: { hz: [440, 480], cadence: [2000, 4000] },
  'us-old': { hz: [440, 480], cadence: [2000, 4000] },
  uk: { hz: [400, 450], cadence: [400, 200, 400, 2000] },
  au: { hz: [400, 450], cadence: [400, 200, 400, 2000] },
  nz: { hz: [400, 450], cadence: [400, 200, 400, 2000] },
  fr: { hz: [440], cadence: [1500, 3500] },
  jp: { hz: [400], cadence: [1000, 2000] },
  it: { hz: [425], cadence: [1000, 4000] },
  de: { hz: [425], cadence: [1000, 4000] },
};
const DEFAULT: Pattern = { hz: [425], cadence: [1000, 4000] };
const cache = new Map<string, Int16Array>();

/** One full cycle of the country's ringback (8 kHz PCM16), to be looped. */
export function ringback(country: RingTone | null): Int16Array {
  const key = country ?? 'us';
  const known = cache.get(key);
  if (known) return known;
  const p = PATTERNS[key] ?? DEFAULT;
  const total = p.cadence.reduce((a, b) => a + b, 0) * 8;
  const out = new Int16Array(total);
  let at = 0;
  p.cadence.forEach((ms, i) => {
    const n = ms * 8;
    if (i % 2 === 0) {
      for (let k = 0; k < n; k++) {
        let v = 0;
        for (const hz of p.hz) v += Math.sin((2 * Math.PI * hz * k) / 8000);
        out[at + k] = Math.round((6000 / p.hz.length) * v);
      }
    }
    at += n;
  });
  cache.set(key, out);
  return out;
}
