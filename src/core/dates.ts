const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => (n < 10 ? '0' + n : String(n));

/** `Thu, 24 Aug 2023 05:01:45 +0000`: the 2010 API's date format. */
export function rfc2822(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const d = new Date(ms);
  return (
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** `2023-08-24T05:01:45Z`: the v1/v2 products' date format (Twilio drops milliseconds). */
export function iso8601(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Parses the date forms Twilio accepts in filters and parameters: `YYYY-MM-DD`, ISO-8601, RFC 2822.
 * Returns epoch ms or undefined when unparseable.
 */
export function parseDate(value: string): number | undefined {
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return Date.parse(trimmed + 'T00:00:00Z');
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}
