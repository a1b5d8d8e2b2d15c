/**
 * A simulated phone at the far end: no audio flows, but everything it would have heard is noted (spoken
 * text, played URLs, digits, pauses, beeps) and it presses the keys its behavior lists when a <Gather> or
 * <Record> listens. Time is real: speech lasts about as long as espeak-ng would take to say it, so call
 * durations and timeouts behave as on a real call.
 */
import type { AudioCache } from '../audio/fetch.js';
import { LOOP_FOREVER } from '../../twiml/index.js';
import type { CallLeg, LegPlayOptions, PlayOutcome } from './types.js';

export type NoteFn = (kind: string, detail: Record<string, unknown>) => void;

/** About espeak-ng's pace at 160 words a minute, plus a little lead-in. */
export function speechMs(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return 300 + words * 375;
}

export class VirtualLeg implements CallLeg {
  readonly kind = 'virtual' as const;
  private readonly listeners = new Set<(digit: string) => void>();
  private current: { resolve: (o: PlayOutcome) => void; interruptible: boolean } | null = null;
  private recordingSince: number | null = null;
  private recordTimer: NodeJS.Timeout | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly note: NoteFn, private readonly audio: AudioCache, private readonly keys: string[]) {}

  say(text: string, voice: string, language: string, o: LegPlayOptions): Promise<PlayOutcome> {
    this.note('say', { text, voice, language, loop: o.loop === LOOP_FOREVER ? 0 : o.loop });
    return this.hold(speechMs(text), o);
  }

  async play(url: string, o: LegPlayOptions): Promise<PlayOutcome> {
    const pcm = await this.audio.get(url);
    this.note('play', { url, seconds: Math.round(pcm.length / 800) / 10, loop: o.loop === LOOP_FOREVER ? 0 : o.loop });
    return this.hold(pcm.length / 8, o);
  }

  silence(ms: number, interruptible: boolean): Promise<PlayOutcome> {
    this.note('pause', { seconds: ms / 1000 });
    return this.hold(ms, { loop: 1, interruptible });
  }

  async beep(): Promise<void> {
    this.note('beep', {});
    await this.hold(250, { loop: 1, interruptible: false });
  }

  async sendDigits(digits: string): Promise<void> {
    this.note('digits', { digits });
    await this.hold(digits.length * 200, { loop: 1, interruptible: false });
  }

  onDigit(listener: (digit: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Presses the next entry of the behavior's digits, a key every 150 ms, starting shortly after. */
  listening(): void {
    const keys = this.keys.shift();
    if (!keys) return;
    this.note('pressed', { digits: keys.replace(/[wW]/g, '') });
    let at = 200;
    for (const key of keys) {
      if (key === 'w' || key === 'W') {
        at += key === 'w' ? 500 : 1000;
        continue;
      }
      this.later(at, () => this.press(key));
      at += 150;
    }
  }

  startRecording(_maxSeconds: number, onFrame: (frame: Int16Array, samples: number) => void): void {
    // The phone says nothing: feed silence so <Record>'s silence timeout runs as on a quiet line.
    this.recordingSince = Date.now();
    const frame = new Int16Array(800);
    this.recordTimer = setInterval(() => onFrame(frame, frame.length), 100);
  }

  stopRecording(): Int16Array {
    if (this.recordTimer) clearInterval(this.recordTimer);
    this.recordTimer = null;
    const since = this.recordingSince;
    this.recordingSince = null;
    return since === null ? new Int16Array(0) : new Int16Array(Math.min(8000 * 3600, Math.round((Date.now() - since) * 8)));
  }

  recordCall(): () => Int16Array {
    const since = Date.now();
    return () => new Int16Array(Math.min(8000 * 3600, Math.round((Date.now() - since) * 8)));
  }

  stopAudio(): void {
    this.finishCurrent('stopped');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.finishCurrent('stopped');
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.recordTimer) clearInterval(this.recordTimer);
    this.listeners.clear();
  }

  private press(key: string): void {
    if (this.current?.interruptible) this.finishCurrent('interrupted');
    for (const l of [...this.listeners]) l(key);
  }

  /** Holds the line for `ms` per loop (LOOP_FOREVER: until stopped), like audio that is playing. */
  private hold(ms: number, o: LegPlayOptions): Promise<PlayOutcome> {
    if (this.closed) return Promise.resolve('stopped');
    this.finishCurrent('stopped');
    return new Promise((resolve) => {
      const total = o.loop >= LOOP_FOREVER ? null : ms * Math.max(1, o.loop);
      const timer = total === null ? null : this.later(total, () => this.finishCurrent('finished'));
      this.current = {
        interruptible: o.interruptible,
        resolve: (outcome) => {
          if (timer) {
            clearTimeout(timer);
            this.timers.delete(timer);
          }
          resolve(outcome);
        },
      };
    });
  }

  private finishCurrent(outcome: PlayOutcome): void {
    const c = this.current;
    this.current = null;
    c?.resolve(outcome);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }
}
