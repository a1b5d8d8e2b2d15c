/**
 * How a virtual phone answers calls, set per account and phone through
 * /switchboard/v1/VirtualPhones/{phone}/CallBehavior. The default answers at once, says nothing and
 * presses nothing.
 */
export type VirtualAnswer = 'answer' | 'busy' | 'no-answer' | 'fail';

/** What the phone sends once the call is answered, in order (docs/voice.md, "Virtual phones"). */
export type AudioStep =
  | { kind: 'say'; text: string }
  | { kind: 'play'; url: string }
  /** A sine tone; seconds null: until the call ends. */
  | { kind: 'tone'; hz: number; seconds: number | null }
  | { kind: 'pause'; seconds: number };

/** Keys pressed at a time after answering, whatever is playing (a caller who barges in). */
export interface TimedDigits {
  atSeconds: number;
  digits: string;
}

export interface VirtualBehavior {
  answer: VirtualAnswer;
  /** Seconds of ringing before the phone answers (or gives its busy/fail answer). */
  ringSeconds: number;
  /** Keys pressed, one entry per <Gather> or <Record> that listens, in order (w = wait 0.5 s). */
  digits: string[];
  /** The phone hangs up this many seconds after answering; null: it waits for the app to hang up. */
  hangupAfterSeconds: number | null;
  /** What the phone says or plays after answering. */
  audio: AudioStep[];
  digitsAt: TimedDigits[];
}

export const DEFAULT_BEHAVIOR: VirtualBehavior = { answer: 'answer', ringSeconds: 0, digits: [], hangupAfterSeconds: null, audio: [], digitsAt: [] };

const ANSWERS: readonly VirtualAnswer[] = ['answer', 'busy', 'no-answer', 'fail'];
const KEYS = /^[0-9A-D*#wW]{1,64}$/;

/** `say:TEXT`, `play:URL`, `tone:HZ[:SECONDS]`, `pause:SECONDS`; null when malformed. */
export function parseAudioStep(raw: string): AudioStep | null {
  const at = raw.indexOf(':');
  if (at < 0) return null;
  const kind = raw.slice(0, at).trim().toLowerCase();
  const rest = raw.slice(at + 1);
  if (kind === 'say') return rest.trim() && rest.length <= 4096 ? { kind, text: rest.trim() } : null;
  if (kind === 'play') return /^https?:\/\/\S+$/.test(rest.trim()) ? { kind, url: rest.trim() } : null;
  if (kind === 'pause') {
    const seconds = Number(rest);
    return rest.trim() !== '' && seconds >= 0 && seconds <= 3600 ? { kind, seconds } : null;
  }
  if (kind === 'tone') {
    const [hzText = '', secondsText] = rest.split(':');
    const hz = Number(hzText);
    const seconds = secondsText === undefined || secondsText.trim() === '' ? null : Number(secondsText);
    if (!(hz >= 50 && hz <= 3900) || (seconds !== null && !(seconds > 0 && seconds <= 3600))) return null;
    return { kind, hz, seconds };
  }
  return null;
}

/** `SECONDS:KEYS`, e.g. `1.5:123#`; null when malformed. */
export function parseTimedDigits(raw: string): TimedDigits | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\S+)\s*$/.exec(raw);
  if (!m || !KEYS.test(m[2]!) || Number(m[1]) > 86_400) return null;
  return { atSeconds: Number(m[1]), digits: m[2]! };
}

export function formatAudioStep(s: AudioStep): string {
  switch (s.kind) {
    case 'say':
      return `say:${s.text}`;
    case 'play':
      return `play:${s.url}`;
    case 'tone':
      return `tone:${s.hz}${s.seconds === null ? '' : `:${s.seconds}`}`;
    case 'pause':
      return `pause:${s.seconds}`;
  }
}

/** Reads a stored behavior, tolerating rows written by older versions. */
export function readBehavior(json: string | undefined): VirtualBehavior {
  if (!json) return { ...DEFAULT_BEHAVIOR };
  try {
    const raw = JSON.parse(json) as Partial<Record<keyof VirtualBehavior, unknown>>;
    const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : []);
    return {
      answer: ANSWERS.includes(raw.answer as VirtualAnswer) ? (raw.answer as VirtualAnswer) : 'answer',
      ringSeconds: typeof raw.ringSeconds === 'number' ? raw.ringSeconds : 0,
      digits: strings(raw.digits),
      hangupAfterSeconds: typeof raw.hangupAfterSeconds === 'number' ? raw.hangupAfterSeconds : null,
      // Stored in their text form, so a row stays readable as the step types grow.
      audio: strings(raw.audio)
        .map(parseAudioStep)
        .filter((s): s is AudioStep => s !== null),
      digitsAt: strings(raw.digitsAt)
        .map(parseTimedDigits)
        .filter((s): s is TimedDigits => s !== null),
    };
  } catch {
    return { ...DEFAULT_BEHAVIOR };
  }
}

/** The stored form of a behavior (see readBehavior). */
export function writeBehavior(b: VirtualBehavior): string {
  return JSON.stringify({ ...b, audio: b.audio.map(formatAudioStep), digitsAt: b.digitsAt.map((d) => `${d.atSeconds}:${d.digits}`) });
}

export function isVirtualAnswer(v: string): v is VirtualAnswer {
  return (ANSWERS as readonly string[]).includes(v);
}
