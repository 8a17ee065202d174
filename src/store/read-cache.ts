/**
 * A bounded map of rows read from the store, least recently used out first.
 *
 * The race every read cache has: a reader queries, a write commits and its invalidation arrives,
 * then the reader's (old) row comes back and would be stored after the invalidation. So every
 * invalidation bumps `generation`; a reader takes a ticket (the generation) before its query and
 * its row is stored only if the generation is still that ticket. One counter for all keys: a
 * write to one key also drops concurrent fills of others, which costs a later miss, never a stale hit.
 *
 * The cache is off until `setLive(true)`: while the change feed that invalidates it is not
 * listening, writes by other replicas would go unseen, so nothing is served or stored.
 */
export class ReadCache<V> {
  private readonly entries = new Map<string, V>();
  private generation = 0;
  private isLive = false;

  constructor(readonly capacity: number) {}

  get live(): boolean {
    return this.isLive;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value, or undefined (missing, or the cache is off). */
  get(key: string): V | undefined {
    if (!this.isLive) return undefined;
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Most recently used last: Map keeps insertion order, so re-inserting is the LRU bump.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Taken before the query whose result may be stored with `fill`; undefined while the cache is off. */
  ticket(): number | undefined {
    return this.isLive ? this.generation : undefined;
  }

  /** Stores `value` unless anything was invalidated (or the cache went off) since `ticket` was taken. */
  fill(ticket: number | undefined, key: string, value: V): boolean {
    if (ticket === undefined || ticket !== this.generation || !this.isLive || this.capacity <= 0) return false;
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return true;
  }

  /** The cached value, or `load()`'s result, stored when no invalidation happened while loading. */
  async read(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const ticket = this.ticket();
    const value = await load();
    if (value !== undefined) this.fill(ticket, key, value);
    return value;
  }

  invalidate(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  invalidateWhere(matches: (value: V) => boolean): void {
    this.generation++;
    for (const [key, value] of this.entries) if (matches(value)) this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** On or off; either way everything cached so far is dropped (changes may have been missed). */
  setLive(live: boolean): void {
    this.clear();
    this.isLive = live && this.capacity > 0;
  }
}
