/**
 * How a virtual phone answers calls, set per account and phone through
 * /switchboard/v1/VirtualPhones/{phone}/CallBehavior. The default answers at once and presses nothing.
 */
export type VirtualAnswer = 'answer' | 'busy' | 'no-answer' | 'fail';

export interface VirtualBehavior {
  answer: VirtualAnswer;
  /** Seconds of ringing before the phone answers (or gives its busy/fail answer). */
  ringSeconds: number;
  /** Keys pressed, one entry per <Gather> or <Record> that listens, in order (w = wait 0.5 s). */
  digits: string[];
  /** The phone hangs up this many seconds after answering; null: it waits for the app to hang up. */
  hangupAfterSeconds: number | null;
}

export const DEFAULT_BEHAVIOR: VirtualBehavior = { answer: 'answer', ringSeconds: 0, digits: [], hangupAfterSeconds: null };

const ANSWERS: readonly VirtualAnswer[] = ['answer', 'busy', 'no-answer', 'fail'];

/** Reads a stored behavior, tolerating rows written by older versions. */
export function readBehavior(json: string | undefined): VirtualBehavior {
  if (!json) return { ...DEFAULT_BEHAVIOR };
  try {
    const raw = JSON.parse(json) as Partial<VirtualBehavior>;
    return {
      answer: ANSWERS.includes(raw.answer as VirtualAnswer) ? (raw.answer as VirtualAnswer) : 'answer',
      ringSeconds: typeof raw.ringSeconds === 'number' ? raw.ringSeconds : 0,
      digits: Array.isArray(raw.digits) ? raw.digits.filter((d): d is string => typeof d === 'string') : [],
      hangupAfterSeconds: typeof raw.hangupAfterSeconds === 'number' ? raw.hangupAfterSeconds : null,
    };
  } catch {
    return { ...DEFAULT_BEHAVIOR };
  }
}

export function isVirtualAnswer(v: string): v is VirtualAnswer {
  return (ANSWERS as readonly string[]).includes(v);
}
