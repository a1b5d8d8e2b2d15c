import { ParamReader } from '../../params.js';

const DAY = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A `[from, to)` window from two inclusive bounds, as Twilio's StartDate/EndDate read: an end given as a bare
 * date covers that whole day; an end with a time covers that instant.
 */
export function readRange(p: ParamReader, startName: string, endName: string): { from?: number | undefined; to?: number | undefined } {
  const from = p.date(startName);
  const end = p.date(endName);
  const endRaw = p.str(endName)?.trim() ?? '';
  const to = end === undefined ? undefined : end + (DATE_ONLY.test(endRaw) ? DAY : 1);
  return { from, to };
}
