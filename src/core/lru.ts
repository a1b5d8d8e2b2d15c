interface Entry<V> {
  value: V;
  weight: number;
}

/**
 * A map bounded by total weight (an entry weighs 1, or more when it holds a list), least recently used
 * out first. A Map keeps insertion order, so re-inserting on a hit makes its first key the oldest.
 */
export class Lru<V> {
  private readonly map = new Map<string, Entry<V>>();
  private total = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  get weight(): number {
    return this.total;
  }

  /** The entry (so a cached `undefined` differs from a miss), now the most recently used. */
  get(key: string): Entry<V> | undefined {
    const entry = this.map.get(key);
    if (entry) {
      this.map.delete(key);
      this.map.set(key, entry);
    }
    return entry;
  }

  set(key: string, value: V, weight = 1): void {
    this.delete(key);
    // An entry heavier than the whole cache would only push everything else out, then itself.
    if (weight > this.capacity) return;
    this.map.set(key, { value, weight });
    this.total += weight;
    while (this.total > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.map.get(key);
    if (!entry) return;
    this.map.delete(key);
    this.total -= entry.weight;
  }

  /** Removes every entry whose value matches (a write known by another key than this cache's). */
  deleteWhere(match: (value: V) => boolean): void {
    for (const [key, entry] of this.map) if (match(entry.value)) this.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}
