/**
 * The conference's notification beeps, synthesized once (8 kHz PCM16): two short rising tones when someone
 * joins, two falling ones when someone leaves, so a listener can tell them apart.
 */
import { concatPcm, generateBeep, silence } from '../media/index.js';

let enter: Int16Array | null = null;
let exit: Int16Array | null = null;

/** Frequencies of the two tones, in the order played on entering (reversed on leaving). */
export const BEEP_HZ = [660, 880] as const;

export function conferenceBeep(when: 'enter' | 'exit'): Int16Array {
  if (when === 'enter') {
    enter ??= concatPcm([tone(BEEP_HZ[0]), silence(40), tone(BEEP_HZ[1])]);
    return enter;
  }
  exit ??= concatPcm([tone(BEEP_HZ[1]), silence(40), tone(BEEP_HZ[0])]);
  return exit;
}

function tone(hz: number): Int16Array {
  return generateBeep({ frequency: hz, durationMs: 120, amplitude: 6000 });
}
