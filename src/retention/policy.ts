/**
 * How long each kind of record is kept before the pruner (pruner.ts) removes it. Durations are written as
 * an integer and a unit (`30m`, `12h`, `7d`); `off` (or `0`) keeps that kind for ever.
 */
export const RETENTION_KINDS = ['webhookLog', 'alerts', 'messageBodies', 'media', 'recordings'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Milliseconds each kind is kept; null: kept for ever. */
export type RetentionPolicy = Record<RetentionKind, number | null>;

export class RetentionError extends Error {}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d` -> 604800000; `off`, `0` or an empty string -> null. */
export function parseRetention(value: string): number | null {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'off' || v === '0') return null;
  const m = /^(\d+)([smhd])$/.exec(v);
  const unit = m?.[2] === undefined ? undefined : UNITS[m[2]];
  if (!m || unit === undefined) throw new RetentionError(`expected a duration such as 7d, 12h or 30m, or "off", got "${value}"`);
  const ms = Number(m[1]) * unit;
  // Under a minute is certainly a mistake for records an operator may want to inspect.
  if (ms < 60_000) throw new RetentionError(`must be at least 1m (or "off"), got "${value}"`);
  return ms;
}
