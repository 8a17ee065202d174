import type { TokenIssuer } from './auth/token-issuer.js';
import type { Config } from './config.js';
import type { RuntimeCatalog } from './domain/runtime-catalog.js';
import type { CachedReads } from './store/cached-reads.js';
import type { Db } from './store/database.js';
import type { JobRow } from './store/schema.js';
import type { JobLog } from './runtimes/job-log.js';
import type { LocalCatalogRegistry } from './catalogs/local-registry.js';
import type { ManualClock } from './engine/clock.js';
import type { SweepKind, SweepKindStatus } from './engine/trigger-sweeps.js';

/** What route handlers may use: configuration, the store and the engine's entry points. */
export interface Services {
  config: Config;
  db: Db;
  /** Cached single-row reads for GET routes (never for a route that writes: it must see the database). */
  reads: CachedReads;
  catalog: RuntimeCatalog;
  /** Folder uploaded JARs are kept in, each as `<packageId>.jar`. */
  packagesDir: string;
  now(): Date;
  /** Tells the engine a template was stored in state `creating` and needs checking. */
  templateCreated(templateId: string): void;
  /** Tells the engine an operation was accepted, so it is taken at once rather than at the next tick. */
  operationAccepted(): void;
  /** Tells the engine a version's settings changed that its live job must get (logging): it looks at that version now. */
  versionChanged(versionId: string): void;
  /** A job's output (served at its loggingUrl), wherever its runtime keeps it. */
  /** The job's log through its runtime; null when that runtime keeps none Sluice can read (or is gone from the catalog). */
  jobLog(job: JobRow): JobLog | null;
  /** For a job whose log Sluice cannot read: the page where its runtime shows it (null: none). */
  jobPage?(job: JobRow): string | null;
  /** The local catalog registry, when it is the catalog source. */
  catalogRegistry?: LocalCatalogRegistry;
  /** The manual clock, when SLUICE_CLOCK=manual. */
  manualClock?: ManualClock;
  /** What the trigger scheduler did lately (its polls and cron checks). */
  triggerStatus(): Record<SweepKind, SweepKindStatus>;
  /** Signs app tokens and derives access key secrets; absent when tokens come from SLUICE_JWKS_URL. */
  tokenIssuer?: TokenIssuer;
}
