import { EventEmitter } from 'node:events';

/**
 * What the service tells whoever watches it (metrics, readiness), by name. Any layer but domain/
 * may emit; nothing here knows Prometheus. This is graphile-worker's answer to "a new metric means
 * threading a registry through every …Deps": the emitter is imported, not passed around, and an
 * emit with no listener (metrics off) costs a map lookup.
 *
 * Payloads carry only bounded values (kinds, outcomes, durations), never ids: a listener that
 * turned them into labels could not grow a series per job.
 */
export interface SignalPayloads {
  /** The reconciler finished a pass (each tick, and each wake). */
  'engine.pass': { durationMs: number };
  /** The trigger scheduler finished a catalog poll or a cron check that took ticks. */
  'trigger.sweep': { kind: 'poll' | 'cron'; durationMs: number; evaluated: number; jobsStarted: number };
  /** The freshness watcher looked at every watched version: how many, and how many are past their deadline. */
  'freshness.check': { durationMs: number; watched: number; missed: number };
  /** A runtime's reachability check answered (readiness probes run them); `runtime` is a catalog binding's name, bounded by the catalog. */
  'runtime.reachability': { runtime: string; reachable: boolean; durationMs: number };
  /** An operation ended (the engine settled it): its request type, how, and how long since it was accepted. */
  'operation.ended': { requestType: string; outcome: 'succeeded' | 'failed'; durationMs: number };
  /** A job's runtime shows it running: how long since the engine created it (decided to run it). `runtime`: a catalog binding's name. */
  'job.running': { runtime: string; launchLatencyMs: number };
  /** A job ended, and how long it lived. */
  'job.ended': { state: 'completed' | 'failed' | 'canceled'; runtime: string; durationMs: number };
  /** A stream job was started again after a failure. */
  'job.restarted': { runtime: string };
  /** A stopped job's snapshot was kept: why, and how long keeping it took. */
  'snapshot.taken': { reason: 'pause' | 'upgrade'; durationMs: number };
  /** A statement ran (Kysely's log hook): its kind, its main table, how long, whether it failed. */
  'store.query': { statement: string; table: string; durationMs: number; failed: boolean };
  /** A read through the read cache: served from memory, read from the database, or the cache was off. */
  'cache.read': { kind: CacheKind; result: 'hit' | 'miss' | 'off' };
  /** Events were written to the event log (in a transaction that committed or not: counted at write). */
  'events.appended': { types: readonly string[]; deliveries: number };
  /** One webhook delivery attempt ended. */
  'webhook.attempt': { outcome: 'delivered' | 'failed' | 'dead'; durationMs: number };
}

export type CacheKind = 'versions' | 'pipelines' | 'templates' | 'keys' | 'version-lists';
export type SignalName = keyof SignalPayloads;

export class Signals {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Metrics, readiness and tests each listen; the default cap of 10 would only warn.
    this.emitter.setMaxListeners(50);
  }

  on<K extends SignalName>(name: K, listener: (payload: SignalPayloads[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  emit<K extends SignalName>(name: K, payload: SignalPayloads[K]): void {
    this.emitter.emit(name, payload);
  }

  /** Whether anyone listens: callers skip building a payload nobody reads. */
  heard(name: SignalName): boolean {
    return this.emitter.listenerCount(name) > 0;
  }
}

/** The process's one emitter. */
export const signals = new Signals();
