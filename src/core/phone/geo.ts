/**
 * The geographic webhook parameters Twilio sends with inbound messages and calls: {Role}City, {Role}State,
 * {Role}Zip and {Role}Country for each role (From/To for both; Caller/Called too for voice). The country comes
 * from the number itself; city, state and zip need a numbering-plan database we do not ship, so they are
 * present and empty (apps read them without checking for their presence).
 */
import { countryOf } from './e164.js';

const countries = new Map<string, string>();

/** ISO country of an E.164 number ('' for anything else); cached, as the same few numbers recur. */
function country(n: string): string {
  let c = countries.get(n);
  if (c === undefined) {
    c = n.startsWith('+') ? countryOf(n) : '';
    if (countries.size > 10_000) countries.clear();
    countries.set(n, c);
  }
  return c;
}

/** `{ FromCity: '', FromState: '', FromZip: '', FromCountry: 'US', ToCity: ... }` for `{ From: n1, To: n2 }`. */
export function geoParams(roles: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [role, number] of Object.entries(roles)) {
    out[`${role}City`] = '';
    out[`${role}State`] = '';
    out[`${role}Zip`] = '';
    out[`${role}Country`] = country(number);
  }
  return out;
}
