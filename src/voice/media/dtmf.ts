/**
 * RFC 4733 telephone-events. Sending: one event spans several packets with the same timestamp, growing
 * duration, the marker bit on the first, and the end bit on the last, which is sent three times.
 * Receiving: an event is reported once, keyed by its RTP timestamp, whichever of its packets arrive.
 */
export const DTMF_DIGITS = '0123456789*#ABCD';

export function digitToEvent(digit: string): number {
  return DTMF_DIGITS.indexOf(digit.toUpperCase());
}

export function eventToDigit(event: number): string | undefined {
  return event >= 0 && event < 16 ? DTMF_DIGITS[event] : undefined;
}

export function writeEventPayload(buf: Uint8Array, offset: number, event: number, end: boolean, volume: number, duration: number): void {
  buf[offset] = event & 0xff;
  buf[offset + 1] = (end ? 0x80 : 0) | (volume & 0x3f);
  buf[offset + 2] = (duration >> 8) & 0xff;
  buf[offset + 3] = duration & 0xff;
}

export type DigitListener = (digit: string, durationMs: number) => void;

/** Events this much older than the current one (10 s at 8 kHz) are a restarted timeline, not stragglers. */
const STRAGGLER_SAMPLES = 80000;

/** Reports each event once: on its first end packet, or when a new event starts before we saw the end. */
export class DtmfReceiver {
  private currentTs = -1;
  private currentEvent = -1;
  private currentDuration = 0;
  private reported = true;
  /** Called at the first packet of an event (lets playback stop before the key is released). */
  onStart: ((digit: string) => void) | null = null;

  constructor(
    private readonly onDigit: DigitListener,
    private readonly clockRate = 8000,
  ) {}

  push(timestamp: number, payload: Uint8Array, offset: number, length: number): void {
    if (length < 4) return;
    const event = payload[offset] ?? 0;
    const b1 = payload[offset + 1] ?? 0;
    const end = (b1 & 0x80) !== 0;
    const duration = ((payload[offset + 2] ?? 0) << 8) | (payload[offset + 3] ?? 0);
    if (timestamp !== this.currentTs) {
      // A straggler of an earlier event (reordered, or a late copy of its end packet) must not end the
      // current one or be reported again; far older than that is a sender whose timeline restarted.
      if (this.currentTs !== -1) {
        const age = (this.currentTs - timestamp) | 0;
        if (age > 0 && age < STRAGGLER_SAMPLES) return;
      }
      if (!this.reported) this.report(); // previous event lost its end packets
      this.currentTs = timestamp;
      this.currentEvent = event;
      this.currentDuration = duration;
      this.reported = false;
      const digit = eventToDigit(event);
      if (digit && this.onStart) this.onStart(digit);
    } else if (duration > this.currentDuration) this.currentDuration = duration;
    if (end && !this.reported) this.report();
  }

  private report(): void {
    this.reported = true;
    const digit = eventToDigit(this.currentEvent);
    if (digit) this.onDigit(digit, Math.round((this.currentDuration * 1000) / this.clockRate));
  }
}

export interface DtmfSendOptions {
  /** Tone length per digit; default 100 ms (rounded up to whole packets). */
  durationMs?: number;
  /** Silence between digits; default 100 ms. */
  gapMs?: number;
  /** dBm0 below zero, 0-63; default 10. */
  volume?: number;
}

type Step = { kind: 'event'; event: number; packets: number } | { kind: 'pause'; ticks: number };

/**
 * Drives outgoing events one 20 ms tick at a time. `w` pauses 0.5 s and `W` 1 s, as in Twilio SendDigits.
 * The session asks `next()` each tick; it writes a payload and says whether to send it.
 */
export class DtmfSender {
  private steps: Step[] = [];
  private stepPacket = 0;
  private eventTs = 0;
  private waiters: Array<{ remaining: number; resolve: () => void }> = [];
  private volume = 10;

  get active(): boolean {
    return this.steps.length > 0;
  }

  enqueue(digits: string, options: DtmfSendOptions = {}, tickMs = 20): Promise<void> {
    const packets = Math.max(1, Math.ceil((options.durationMs ?? 100) / tickMs));
    const gap = Math.max(0, Math.ceil((options.gapMs ?? 100) / tickMs));
    this.volume = options.volume ?? 10;
    let added = 0;
    for (const ch of digits) {
      if (ch === 'w' || ch === 'W') {
        this.steps.push({ kind: 'pause', ticks: ch === 'w' ? 500 / tickMs : 1000 / tickMs });
        added++;
        continue;
      }
      const event = digitToEvent(ch);
      if (event < 0) continue;
      this.steps.push({ kind: 'event', event, packets });
      if (gap) this.steps.push({ kind: 'pause', ticks: gap });
      added += gap ? 2 : 1;
    }
    if (!added) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ remaining: this.steps.length, resolve }));
  }

  clear(): void {
    this.steps = [];
    this.stepPacket = 0;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  /**
   * Fills `buf[offset..offset+4]` for this tick. Returns 0 for nothing to send (pause or idle),
   * 1 for an event packet, 2 for the first packet of an event (marker bit).
   * `timestamp` is the audio timestamp of this tick; an event keeps the timestamp of its first tick.
   */
  next(buf: Uint8Array, offset: number, timestamp: number, samplesPerTick: number): 0 | 1 | 2 {
    const step = this.steps[0];
    if (!step) return 0;
    if (step.kind === 'pause') {
      if (++this.stepPacket >= step.ticks) this.advance();
      return 0;
    }
    const n = this.stepPacket++;
    if (n === 0) this.eventTs = timestamp;
    // Packets 0..packets-1 carry the tone; then the end packet goes out three times (RFC 4733 2.5.1.4).
    const toneTicks = step.packets;
    const duration = Math.min(0xffff, Math.min(n + 1, toneTicks) * samplesPerTick);
    const end = n >= toneTicks - 1;
    writeEventPayload(buf, offset, step.event, end, this.volume, duration);
    if (n >= toneTicks + 1) this.advance();
    return n === 0 ? 2 : 1;
  }

  /** The RTP timestamp the current event packets must carry. */
  get timestamp(): number {
    return this.eventTs;
  }

  private advance(): void {
    this.steps.shift();
    this.stepPacket = 0;
    for (const w of this.waiters) w.remaining--;
    const done = this.waiters.filter((w) => w.remaining <= 0);
    if (done.length) {
      this.waiters = this.waiters.filter((w) => w.remaining > 0);
      for (const w of done) w.resolve();
    }
  }
}
