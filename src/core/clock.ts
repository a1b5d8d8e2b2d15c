/** One source of time for the whole process, so tests can fix it and the scheduler can be driven. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
