import type { FastifyBaseLogger } from 'fastify';
import type { CatalogVersionSource } from '../catalogs/source.js';
import { asError } from '../domain/errors.js';
import { durationMs, judgeFreshness } from '../domain/freshness.js';
import type { Db } from '../store/database.js';
import { freshnessCandidates, recordJudgement, startWatch, type FreshnessCandidate } from '../store/freshness-watches.js';
import { signals } from '../telemetry/signals.js';
import type { Clock } from './clock.js';

export interface FreshnessWatcherDeps {
  db: Db;
  source: CatalogVersionSource;
  clock: Clock;
  /** How often every watched version is looked at (the catalog poll interval). */
  intervalMs: number;
  log: FastifyBaseLogger;
}

/**
 * Looks at every scheduled version with a freshness deadline: asks the catalog source for its
 * output catalog's latest version and writes what domain/freshness.ts decides, with its event
 * (`sluice.freshness.missed` / `.met`). Every interval, when the manual clock jumps, and when
 * the local registry announces a publication; one look at a time. Each replica looks; the
 * store's conditional write lets one of them raise each event.
 */
export class FreshnessWatcher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: FreshnessWatcherDeps) {
    deps.clock.onJump(() => this.checkSoon());
    deps.source.onPublished(() => this.checkSoon());
  }

  start(): void {
    this.timer = setInterval(() => this.checkSoon(), this.deps.intervalMs);
    this.timer.unref();
    this.checkSoon();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Resolves when no look is running or asked for (tests wait on the events instead). */
  private checkSoon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.check()
      .catch((error) => this.deps.log.error({ err: asError(error) }, 'freshness check failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.checkSoon();
        }
      });
  }

  private async check(): Promise<void> {
    const started = performance.now();
    const candidates = await freshnessCandidates(this.deps.db);
    const byRealm = new Map<string, FreshnessCandidate[]>();
    for (const c of candidates) byRealm.set(c.realm, [...byRealm.get(c.realm) ?? [], c]);
    let missed = 0;
    for (const [realm, watched] of byRealm) {
      const latest = await this.deps.source.latestVersions(realm, watched.map((c) => c.outputCatalogHrn));
      const now = this.deps.clock.now();
      for (const candidate of watched) {
        const version = latest.get(candidate.outputCatalogHrn) ?? -1;
        if (!candidate.watch) {
          await startWatch(this.deps.db, candidate, version, now);
          continue;
        }
        // Validated when the configuration was set; a row written otherwise is skipped, not guessed at.
        const maxAgeMs = durationMs(candidate.maxAge);
        if (maxAgeMs === undefined) continue;
        const judgement = judgeFreshness(candidate.watch, version, maxAgeMs, now);
        if (judgement.watch !== candidate.watch) await recordJudgement(this.deps.db, candidate, candidate.watch, judgement, maxAgeMs);
        if (judgement.watch.missedAt) missed++;
      }
    }
    signals.emit('freshness.check', { durationMs: performance.now() - started, watched: candidates.length, missed });
  }
}
