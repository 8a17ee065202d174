import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReadCache } from '../../src/store/read-cache.js';

/** A load the test finishes when it wants: the window in which a write can race a read. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

function liveCache<V>(capacity = 10): ReadCache<V> {
  const cache = new ReadCache<V>(capacity);
  cache.setLive(true);
  return cache;
}

describe('ReadCache', () => {
  it('serves and stores nothing until live', () => {
    const cache = new ReadCache<string>(10);
    assert.equal(cache.ticket(), undefined);
    assert.equal(cache.fill(cache.ticket(), 'a', 'row'), false);
    assert.equal(cache.get('a'), undefined);
    cache.setLive(true);
    assert.equal(cache.fill(cache.ticket(), 'a', 'row'), true);
    assert.equal(cache.get('a'), 'row');
  });

  it('never goes live with capacity 0 (SLUICE_READ_CACHE=0)', () => {
    const cache = new ReadCache<string>(0);
    cache.setLive(true);
    assert.equal(cache.live, false);
    assert.equal(cache.fill(cache.ticket(), 'a', 'row'), false);
  });

  it('loads once, then answers from memory', async () => {
    const cache = liveCache<string>();
    let loads = 0;
    const load = async () => { loads++; return 'row'; };
    assert.equal(await cache.read('a', load), 'row');
    assert.equal(await cache.read('a', load), 'row');
    assert.equal(loads, 1);
  });

  it('does not cache a missing row', async () => {
    const cache = liveCache<string>();
    let loads = 0;
    const load = async () => { loads++; return undefined; };
    await cache.read('a', load);
    await cache.read('a', load);
    assert.equal(loads, 2);
  });

  it('does not store a row read before an invalidation that arrived while it was loading', async () => {
    const cache = liveCache<string>();
    const old = deferred<string>();
    const reading = cache.read('a', () => old.promise);
    // The write commits and its notification arrives while the reader's query is in flight.
    cache.invalidate('a');
    old.resolve('old row');
    assert.equal(await reading, 'old row', 'the reader itself still gets what it read');
    assert.equal(cache.get('a'), undefined, 'but the old row is not cached');
    assert.equal(await cache.read('a', async () => 'new row'), 'new row');
    assert.equal(cache.get('a'), 'new row');
  });

  it('does not store a row read before a clear, an invalidateWhere, or the feed going down and up', async () => {
    const interruptions: [string, (cache: ReadCache<string>) => void][] = [
      ['clear', (cache) => cache.clear()],
      ['invalidateWhere', (cache) => cache.invalidateWhere(() => false)],
      ['down and up', (cache) => { cache.setLive(false); cache.setLive(true); }],
      ['another key', (cache) => cache.invalidate('b')],
    ];
    for (const [what, interrupt] of interruptions) {
      const cache = liveCache<string>();
      const ticket = cache.ticket();
      interrupt(cache);
      assert.equal(cache.fill(ticket, 'a', 'old row'), false, what);
      assert.equal(cache.get('a'), undefined, what);
    }
  });

  it('stores a row read after the invalidation', async () => {
    const cache = liveCache<string>();
    cache.invalidate('a');
    assert.equal(cache.fill(cache.ticket(), 'a', 'new row'), true);
    assert.equal(cache.get('a'), 'new row');
  });

  it('drops everything when it goes off, and serves nothing while off', () => {
    const cache = liveCache<string>();
    cache.fill(cache.ticket(), 'a', 'row');
    cache.setLive(false);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.size, 0);
    cache.setLive(true);
    assert.equal(cache.get('a'), undefined, 'changes missed while off: nothing from before comes back');
  });

  it('invalidates one key, or those matching', () => {
    const cache = liveCache<{ pipeline: string }>();
    for (const [key, pipeline] of [['v1', 'p1'], ['v2', 'p1'], ['v3', 'p2']]) cache.fill(cache.ticket(), key, { pipeline });
    cache.invalidate('v3');
    assert.equal(cache.get('v3'), undefined);
    cache.invalidateWhere((row) => row.pipeline === 'p1');
    assert.equal(cache.size, 0);
  });

  it('keeps at most `capacity` rows, evicting one not used since it was stored (second chance)', () => {
    const cache = liveCache<string>(2);
    cache.fill(cache.ticket(), 'a', 'A');
    cache.fill(cache.ticket(), 'b', 'B');
    assert.equal(cache.get('a'), 'A');
    cache.fill(cache.ticket(), 'c', 'C');
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b'), undefined, 'a was used since it was stored, b was not');
    assert.equal(cache.get('a'), 'A');
    assert.equal(cache.get('c'), 'C');
    // Both used: a had its second chance (and moved behind c), so the oldest is now c's turn.
    cache.fill(cache.ticket(), 'd', 'D');
    assert.equal(cache.size, 2);
    assert.equal(cache.get('d'), 'D');
    assert.equal([cache.get('a'), cache.get('c')].filter((x) => x !== undefined).length, 1);
  });
});
