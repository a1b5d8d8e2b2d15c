import type { LookupCache, Region } from './lookup-cache.js';

/** The PostgreSQL channel the cached tables' triggers notify on (migration 0018). */
export const CACHE_CHANNEL = 'switchboard_cache';

// One separator for composite keys: PostgreSQL text cannot hold NUL, so no part can contain it.
const SEP = '\u0000';

export const keys = {
  service: (accountSid: string, sid: string): string => accountSid + SEP + sid,
  optOutSet: (accountSid: string, sender: string): string => accountSid + SEP + sender,
  optOut: (accountSid: string, sender: string, recipient: string): string => accountSid + SEP + sender + SEP + recipient,
};

/**
 * What a committed change to a row of a cached table makes stale, by the row's key columns. The caching
 * repositories call these after their own writes; the listener calls them for every node's writes.
 */
export const changed = {
  account(cache: LookupCache, sid: string): void {
    cache.invalidate('accounts', sid);
  },
  /** A number's row (its owner, URLs, service) and the sender pool it left or joined. */
  number(cache: LookupCache, phoneNumber: string, serviceSid: string | null): void {
    cache.invalidate('numbers', phoneNumber);
    if (serviceSid) cache.invalidate('senders', serviceSid);
  },
  service(cache: LookupCache, accountSid: string, sid: string): void {
    cache.invalidate('services', keys.service(accountSid, sid));
  },
  optOut(cache: LookupCache, accountSid: string, sender: string, recipient: string): void {
    cache.invalidate('optOutSets', keys.optOutSet(accountSid, sender));
    cache.invalidate('optOuts', keys.optOut(accountSid, sender, recipient));
  },
};

/**
 * Applies one notification: `[table, ...key columns]` as JSON, sent by the tables' triggers for the old
 * and the new row (migration 0018 names the columns, in this order), or `[table]` after a TRUNCATE.
 * Anything else empties the cache: better a miss than a stale row.
 */
export function applyNotification(cache: LookupCache, payload: string | undefined): void {
  const parts = parse(payload);
  if (!parts) return cache.clearAll();
  const [table, a, b, c] = parts;
  if (parts.length === 1) {
    const regions = TABLE_REGIONS[table ?? ''];
    if (regions) for (const r of regions) cache.clear(r);
    else cache.clearAll();
  } else if (table === 'accounts' && a) changed.account(cache, a);
  else if (table === 'phone_numbers' && a) changed.number(cache, a, b ?? null);
  else if (table === 'messaging_services' && a && b) changed.service(cache, a, b);
  else if (table === 'opt_outs' && a && b && c) changed.optOut(cache, a, b, c);
  else cache.clearAll();
}

const TABLE_REGIONS: Record<string, Region[]> = {
  accounts: ['accounts'],
  phone_numbers: ['numbers', 'senders'],
  messaging_services: ['services'],
  opt_outs: ['optOutSets', 'optOuts'],
};

function parse(payload: string | undefined): (string | null)[] | undefined {
  try {
    const parts: unknown = JSON.parse(payload ?? '');
    if (Array.isArray(parts) && parts.length > 0 && parts.every((p) => p === null || typeof p === 'string')) return parts as (string | null)[];
  } catch {
    // not JSON: handled as unreadable
  }
  return undefined;
}
