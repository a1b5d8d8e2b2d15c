import type { Clock } from '../clock.js';

/** A clock that stands still until a test moves it: expiry, pacing and schedules without waiting. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
