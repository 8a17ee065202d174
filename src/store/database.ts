import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, sql, type LogEvent, type Migration } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { CachedReads } from './cached-reads.js';
import { listenOnPglite, listenOnPostgres, type ChangeFeed } from './change-feed.js';
import { PGliteDialect } from './pglite-dialect.js';
import { initialisePgliteIn } from './pglite-init.js';
import type { Tables } from './schema.js';
import * as m0001 from './migrations/0001_resources.js';
import * as m0002 from './migrations/0002_operations_jobs.js';
import * as m0003 from './migrations/0003_catalogs_triggers.js';
import * as m0004 from './migrations/0004_after_job.js';
import * as m0005 from './migrations/0005_change_notify.js';
import { WriteWatchingDialect, type Written } from './write-watch.js';
import { signalQuery } from './query-signals.js';
import { nameFailedStatement } from './database-errors.js';
import * as m0006 from './migrations/0006_trigger_scale.js';
import * as m0007 from './migrations/0007_stream_state.js';
import * as m0008 from './migrations/0008_job_folders.js';
import * as m0009 from './migrations/0009_runtime_handle.js';
import * as m0010 from './migrations/0010_package_home.js';
import * as m0011 from './migrations/0011_apps.js';
import * as m0013 from './migrations/0013_console.js';
import * as m0012 from './migrations/0012_events_webhooks.js';
import * as m0016 from './migrations/0016_operating.js';
import * as m0017 from './migrations/0017_job_files.js';

export type Db = Kysely<Tables>;

export interface Database {
  db: Db;
  /** Schema holding Sluice's tables (and Kysely's migration bookkeeping). */
  schema: string;
  kind: 'pglite' | 'postgres';
  /** Cached reads of single rows, kept fresh by change notifications and this process's writes. */
  reads: CachedReads;
  /** Told when the change feed loses its connection (the cache is off until it listens again). */
  onFeedError?: (error: unknown, what: string) => void;
  onFeedRecovered?: () => void;
  /** Told when an idle pooled connection breaks (the server restarted, the network dropped). */
  onPoolError?: (error: unknown) => void;
  close(): Promise<void>;
}

/** Every migration, in order. Append only: a released migration is never edited. */
const migrations: Record<string, Migration> = {
  '0001_resources': m0001,
  '0002_operations_jobs': m0002,
  '0003_catalogs_triggers': m0003,
  '0004_after_job': m0004,
  '0005_change_notify': m0005,
  '0006_trigger_scale': m0006,
  '0007_stream_state': m0007,
  '0008_job_folders': m0008,
  '0009_runtime_handle': m0009,
  '0010_package_home': m0010,
  '0011_apps': m0011,
  '0013_console': m0013,
  '0012_events_webhooks': m0012,
  '0016_operating': m0016,
  '0017_job_files': m0017,
};

// int8 columns (sizes, sequence numbers) fit in a double for every value Sluice stores.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * Column names are snake_case in SQL and camelCase in TypeScript. Keys inside JSON columns are
 * data (catalog labels like `my_input`, stream settings, request bodies) and stay as written.
 */
export const plugins = () => [new CamelCasePlugin({ maintainNestedObjectKeys: true })];

/**
 * PGlite runs PostgreSQL inside this process's memory (a WebAssembly heap that never shrinks):
 * its default shared_buffers of 128 MB is touched as pages are read and stays resident, as is
 * what a migration's index builds take of maintenance_work_mem (64 MB). Sluice's embedded
 * database is a few MB, so 16 MB of buffers hold all of it. Idle RSS of `sluice serve`, 2 cores:
 * defaults 475 MB first start / 401 MB restart; these settings and initdb in a child
 * (pglite-init.ts) 281 MB / 252–260 MB.
 */
const PGLITE_SETTINGS = ['shared_buffers = 16MB', 'maintenance_work_mem = 8MB', 'temp_buffers = 2MB', 'wal_buffers = 1MB'];

export async function openDatabase(config: Config): Promise<Database> {
  // The cache needs the Kysely instance and the instance's dialect tells the cache of writes.
  let reads: CachedReads | undefined;
  const committed = (tables: Written) => reads?.committed(tables);
  const cacheOn = config.readCacheEntries > 0;
  let feed: ChangeFeed | undefined;
  let database: Database;
  // A failed statement is named for the log (never its values); each statement's duration goes
  // to the store query metrics (none taken when metrics are off).
  const metrics = config.observability.metrics;
  const log = (event: LogEvent) => {
    nameFailedStatement(event);
    if (metrics) signalQuery(event);
  };
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: 10,
      options: `-c search_path=${config.databaseSchema}`,
    });
    // Without a listener, a broken idle connection is an unhandled 'error' event: the process would
    // exit when PostgreSQL goes away for a moment. The pool drops the client; the next query
    // opens a new connection (and readiness reports the database while it cannot).
    pool.on('error', (error) => database?.onPoolError?.(error));
    const db = new Kysely<Tables>({ dialect: new WriteWatchingDialect(new PostgresDialect({ pool }), committed), plugins: plugins(), log });
    // Fail at start, with the reason, when the server cannot be reached.
    await sql`select 1`.execute(db);
    await sql`create schema if not exists ${sql.id(config.databaseSchema)}`.execute(db);
    reads = new CachedReads(db, config.readCacheEntries);
    database = { db, kind: 'postgres', schema: config.databaseSchema, reads, close: async () => {
      await feed?.close();
      await db.destroy();
    } };
    if (cacheOn) {
      feed = listenOnPostgres({
        connectionString: config.databaseUrl,
        schema: config.databaseSchema,
        onError: (error, what) => database.onFeedError?.(error, what),
        onRecovered: () => database.onFeedRecovered?.(),
      }, reads);
    }
    return database;
  }
  const folder = path.join(config.dataDir, 'pglite');
  await fs.mkdir(folder, { recursive: true });
  await initialisePgliteIn(folder, PGLITE_SETTINGS);
  const pglite = await PGlite.create(folder, { parsers: { 20: (value: string) => Number(value) }, postgresqlconf: PGLITE_SETTINGS });
  const db = new Kysely<Tables>({ dialect: new WriteWatchingDialect(new PGliteDialect(pglite), committed), plugins: plugins(), log });
  reads = new CachedReads(db, config.readCacheEntries);
  // Before Kysely's first query (see listenOnPglite).
  if (cacheOn) feed = await listenOnPglite(pglite, 'public', reads);
  return { db, kind: 'pglite', schema: 'public', reads, close: async () => {
    await feed?.close();
    await db.destroy();
  } };
}

const migratorOf = (database: Database) => new Migrator({
  db: database.db as Kysely<unknown>,
  // Without it Kysely would find another schema's migration tables and skip creating ours.
  migrationTableSchema: database.schema,
  provider: { getMigrations: async () => migrations },
  // Numbers are handed out ahead to work done in parallel, so a store migrated before a lower
  // number was released applies it after higher ones: each migration depends only on lower numbers
  // that every released build has.
  allowUnorderedMigrations: true,
});

/**
 * Brings the schema up to date. Kysely's migrator takes an advisory lock, so replicas
 * starting together apply each migration once and the others wait, then find nothing to do.
 */
export async function migrate(database: Database): Promise<void> {
  const { error, results } = await migratorOf(database).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`);
  }
}

/**
 * Migrations this code knows that the database has not applied (readiness). Read from Kysely's
 * bookkeeping table directly: the migrator's own `getMigrations` first makes sure its tables
 * exist, ~60 ms on PGlite, too much for a probe.
 */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(`${database.schema}.kysely_migration`)}`.execute(database.db);
  const applied = new Set(rows.map((row) => row.name));
  return Object.keys(migrations).filter((name) => !applied.has(name));
}
