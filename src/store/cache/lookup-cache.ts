import { Lru } from '../../core/lru.js';

/** A repository's public methods: what a caching decorator implements (the class type also has its private fields). */
export type RepositoryApi<T> = { [K in keyof T]: T[K] };

/**
 * What is cached, one region each: account rows by SID, phone-number rows (or "nobody owns it") by number,
 * Messaging Service rows and their sender pools by SID, and opt-outs per (account, sender).
 */
export const REGIONS = ['accounts', 'numbers', 'services', 'senders', 'optOutSets', 'optOuts'] as const;
export type Region = (typeof REGIONS)[number];

/**
 * Bounds, in entries; `senders` and `optOutSets` weigh an entry by the numbers or recipients it holds.
 * A phone-number row is the largest entry (about 1 kB with its URLs), so all of it stays near 50 MB.
 */
const CAPACITY: Record<Region, number> = {
  accounts: 10_000,
  numbers: 20_000,
  services: 5_000,
  senders: 20_000,
  optOutSets: 100_000,
  optOuts: 50_000,
};

export interface LookupCacheStats {
  hits: number;
  misses: number;
  invalidations: number;
  /** Times caching stopped because invalidations could no longer be trusted to arrive (see suspend). */
  suspensions: number;
}

/**
 * The shared cache of the lookups every message makes (its account, its numbers, opt-outs), read through the
 * caching repositories (`cached-*.ts`). Correctness rests on two rules:
 * - Every write invalidates after it commits: locally the caching repository that wrote, from other
 *   processes the PostgreSQL listener (pg-listener.ts).
 * - A read that was in flight when any invalidation happened does not fill the cache: it may have read
 *   the row before that write committed. An epoch counted up by every invalidation tells.
 * While invalidations cannot arrive (the listener's connection is down), the cache is suspended: empty, and
 * every read goes to the database.
 */
export class LookupCache {
  private readonly regions: Record<Region, Lru<unknown>>;
  private epoch = 0;
  private live: boolean;
  readonly stats: LookupCacheStats = { hits: 0, misses: 0, invalidations: 0, suspensions: 0 };

  constructor(o: { live?: boolean; capacity?: Partial<Record<Region, number>> } = {}) {
    const cap = { ...CAPACITY, ...o.capacity };
    this.regions = {
      accounts: new Lru(cap.accounts),
      numbers: new Lru(cap.numbers),
      services: new Lru(cap.services),
      senders: new Lru(cap.senders),
      optOutSets: new Lru(cap.optOutSets),
      optOuts: new Lru(cap.optOuts),
    };
    this.live = o.live ?? true;
  }

  /** Whether reads are cached now (false while suspended). */
  get caching(): boolean {
    return this.live;
  }

  /** Entries held in a region (tests, metrics). */
  size(region: Region): number {
    return this.regions[region].size;
  }

  /**
   * The cached value, or `load()`'s, kept unless an invalidation happened meanwhile; `weigh` may say 0 for
   * a value not worth keeping. Values are frozen: every caller shares them, so one that changed a row would
   * change it for all.
   */
  async read<V>(region: Region, key: string, load: () => Promise<V>, weigh?: (value: V) => number): Promise<V> {
    if (!this.live) return load();
    const lru = this.regions[region] as Lru<V>;
    const hit = lru.get(key);
    if (hit) {
      this.stats.hits++;
      return hit.value;
    }
    this.stats.misses++;
    const epoch = this.epoch;
    const value = await load();
    const weight = weigh ? weigh(value) : 1;
    if (weight > 0 && this.live && epoch === this.epoch) lru.set(key, freeze(value), weight);
    return value;
  }

  invalidate(region: Region, key: string): void {
    this.regions[region].delete(key);
    this.bump();
  }

  /** For writes that name a row by another key than the region's (a number by its SID). */
  invalidateWhere<V>(region: Region, match: (value: V) => boolean): void {
    (this.regions[region] as Lru<V>).deleteWhere(match);
    this.bump();
  }

  clear(region: Region): void {
    this.regions[region].clear();
    this.bump();
  }

  /** Empties the cache and reads through until resume(): invalidations from other nodes may be lost. */
  suspend(): void {
    if (this.live) this.stats.suspensions++;
    this.live = false;
    this.clearAll();
  }

  /** Caches again, from empty: whatever was missed while suspended is not in it. */
  resume(): void {
    this.clearAll();
    this.live = true;
  }

  /** Everything out (a notification this process cannot read names nothing it could keep). */
  clearAll(): void {
    for (const lru of Object.values(this.regions)) lru.clear();
    this.bump();
  }

  private bump(): void {
    this.epoch++;
    this.stats.invalidations++;
  }
}

function freeze<V>(value: V): V {
  if (Array.isArray(value)) {
    for (const item of value) Object.freeze(item);
  }
  return typeof value === 'object' && value !== null ? Object.freeze(value) : value;
}
