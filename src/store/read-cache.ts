import { signals, type CacheKind } from '../telemetry/signals.js';

/**
 * A bounded map of rows read from the store. Eviction is second-chance (CLOCK), an
 * approximation of least-recently-used: a hit only marks its entry, and when the map is full the
 * oldest entry goes unless it was hit since it was last passed over (then it moves to the back).
 * Reordering the Map on every hit instead was 1 % of a cached GET's CPU.
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
interface Entry<V> {
  value: V;
  used: boolean;
}

export class ReadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private generation = 0;
  private isLive = false;

  /** `kind` names the cache in the read-cache metrics (hits and misses of `read`). */
  constructor(readonly capacity: number, readonly kind?: CacheKind) {}

  get live(): boolean {
    return this.isLive;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value, or undefined (missing, or the cache is off). */
  get(key: string): V | undefined {
    if (!this.isLive) return undefined;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  /** Taken before the query whose result may be stored with `fill`; undefined while the cache is off. */
  ticket(): number | undefined {
    return this.isLive ? this.generation : undefined;
  }

  /** Stores `value` unless anything was invalidated (or the cache went off) since `ticket` was taken. */
  fill(ticket: number | undefined, key: string, value: V): boolean {
    if (ticket === undefined || ticket !== this.generation || !this.isLive || this.capacity <= 0) return false;
    this.entries.delete(key);
    // Room first: the new entry, not yet used, must not be the one evicted.
    while (this.entries.size >= this.capacity) this.evictOne();
    this.entries.set(key, { value, used: false });
    return true;
  }

  /** The cached value, or `load()`'s result, stored when no invalidation happened while loading. */
  async read(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.get(key);
    if (this.kind) signals.emit('cache.read', { kind: this.kind, result: hit !== undefined ? 'hit' : this.isLive ? 'miss' : 'off' });
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
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Map order is insertion order: the first entry is the oldest. */
  private evictOne(): void {
    for (;;) {
      const [key, entry] = this.entries.entries().next().value!;
      this.entries.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.entries.set(key, entry);
    }
  }

  /** On or off; either way everything cached so far is dropped (changes may have been missed). */
  setLive(live: boolean): void {
    this.clear();
    this.isLive = live && this.capacity > 0;
  }
}
