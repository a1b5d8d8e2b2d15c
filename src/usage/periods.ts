/** UTC calendar arithmetic for usage periods; a day is `days since the epoch`, as the repository groups them. */
export const DAY_MS = 86_400_000;

export interface Period {
  /** First and last day, inclusive. */
  readonly first: number;
  readonly last: number;
}

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** `YYYY-MM-DD` (or any date Twilio's filters take) to a day; undefined for an unparseable one. */
export function parseDay(value: string): number | undefined {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  return Number.isNaN(ms) ? undefined : dayOf(ms);
}

function ymd(day: number): [number, number] {
  const d = new Date(day * DAY_MS);
  return [d.getUTCFullYear(), d.getUTCMonth()];
}
const dayAt = (year: number, month: number, date = 1) => dayOf(Date.UTC(year, month, date));

export function monthOf(day: number): Period {
  const [y, m] = ymd(day);
  return { first: dayAt(y, m), last: dayAt(y, m + 1) - 1 };
}

export function yearOf(day: number): Period {
  const [y] = ymd(day);
  return { first: dayAt(y, 0), last: dayAt(y + 1, 0) - 1 };
}

/** The same date a month earlier (clamped to the month's end), Twilio's default start of a usage range. */
export function monthBefore(day: number): number {
  const d = new Date(day * DAY_MS);
  const target = dayAt(d.getUTCFullYear(), d.getUTCMonth() - 1);
  return Math.min(target + d.getUTCDate() - 1, monthOf(target).last);
}

/** Splits [first, last] into the buckets (days, months or years) that touch it, each clipped to the range. */
export function buckets(range: Period, size: 'day' | 'month' | 'year'): Period[] {
  const out: Period[] = [];
  for (let day = range.first; day <= range.last; ) {
    const whole = size === 'day' ? { first: day, last: day } : size === 'month' ? monthOf(day) : yearOf(day);
    out.push({ first: Math.max(whole.first, range.first), last: Math.min(whole.last, range.last) });
    day = whole.last + 1;
  }
  return out;
}
