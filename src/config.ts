import os from 'node:os';
import path from 'node:path';
import type { ReconcileSettings } from './domain/reconcile-types.js';
import type { LocalJvmMachineSettings } from './runtimes/local-jvm/settings.js';

/** Everything the service reads from its environment, resolved once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; when absent the embedded PGlite store in `dataDir` is used. */
  databaseUrl?: string;
  /** Schema to keep Sluice's tables in on PostgreSQL (tests give each run its own). */
  databaseSchema: string;
  jwtSecret?: string;
  jwksUrl?: string;
  realm: string;
  maxPackageBytes: number;
  /** Most entries a package's zip may have (its central directory is read entry by entry). */
  maxPackageEntries: number;
  runtimeCatalogFile?: string;
  logLevel: string;
  /** The one region this installation is (targetRegionId / actualRegionId). */
  region: string;
  /** Public base URL used in links the service hands out (loggingUrl). */
  publicUrl?: string;
  /** Rows kept per kind (versions, pipelines, templates) by the read cache; 0 turns it off. */
  readCacheEntries: number;
  /** How long the console's one-time sign-in link stays good (embedded default only); 0: no link. */
  consoleLinkTtlMs: number;
  engine: EngineConfig;
  /** The local JVM runtime's machine-wide settings (its own folder says what each means). */
  localJvm: LocalJvmMachineSettings;
  observability: ObservabilityConfig;
  webhooks: WebhookConfig;
}

/** README: "Metrics", "Health". */
export interface ObservabilityConfig {
  /** false (SLUICE_METRICS=off): no /metrics, no instruments listening. */
  metrics: boolean;
  /** When set, /metrics wants `Authorization: Bearer <this>`; otherwise it is open. */
  metricsToken?: string;
  /** Readiness fails when the engine has not finished a pass for this long. */
  engineStaleMs: number;
}

/** README: "Events and webhooks". */
export interface WebhookConfig {
  /** Deliveries in flight at once on this replica. */
  concurrency: number;
  /** Of those, at most this many to one subscription, so a slow endpoint cannot take every slot. */
  perSubscription: number;
  timeoutMs: number;
  /** First retry delay; each later one doubles, up to backoffMaxMs, each with ±50 % jitter. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A delivery still failing this long after its event was written is dead-lettered. */
  retryWindowMs: number;
  /** How often the deliverer looks for work written by other replicas (its own wakes it at once). */
  pollMs: number;
  /** Events (and their delivery logs) older than this are deleted, unless a delivery still waits. */
  eventRetentionMs: number;
}

/**
 * The engine's timings (README: "Engine", "Stream state"), with the settings `decide` takes
 * declared where they are used. Runtimes' settings are their own (`localJvm`, the catalog's bindings).
 */
export interface EngineConfig extends ReconcileSettings {
  /** Names this replica; it owns the jobs it launched. Stable across restarts of the same host. */
  replicaId: string;
  tickMs: number;
  leaseMs: number;
  operationTimeoutMs: number;
  snapshotRetentionMs: number;
  /** Ended jobs' folders (files, log, checkpoints) are removed this long after the job ended. */
  jobFolderRetentionMs: number;
  /** A job or snapshot folder whose row is gone is removed once it has not changed for this long. */
  leftoverGraceMs: number;
  /** How often the garbage collector (snapshots, job folders) runs. */
  gcIntervalMs: number;
  /** Where catalog versions come from: Sluice's own registry, or the hosted metadata service. */
  catalogSource: 'local' | 'hosted';
  metadataUrl?: string;
  metadataToken?: string;
  catalogPollMs: number;
  /** `manual`: time moves only when told (tests drive cron); never for production. */
  clock: 'system' | 'manual';
}

type Env = Record<string, string | undefined>;

/** Levels the logger (pino) knows; anything else would only fail later, inside Fastify. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * A whole number written in plain decimal digits. `Number()` alone would also take " " (as 0),
 * "0x1F", "1e3" and "8080.0", so a typo could silently become another value.
 */
function intFrom(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new Error(`${name} must be a whole number from ${range.min} to ${range.max}, got "${raw}"`);
  }
  return value;
}

function urlFrom(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  return raw;
}

function schemaFrom(env: Env): string {
  const schema = env.SLUICE_DATABASE_SCHEMA || 'public';
  // Unquoted in `search_path`, so a plain lower-case identifier of at most 63 bytes.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`SLUICE_DATABASE_SCHEMA must be a lower-case SQL identifier, got "${schema}"`);
  }
  // PostgreSQL refuses to create `pg_*` schemas; the system schemas must never hold our tables.
  if (schema.startsWith('pg_') || schema === 'information_schema') {
    throw new Error(`SLUICE_DATABASE_SCHEMA must not be a system schema name, got "${schema}"`);
  }
  return schema;
}

const DAY_MS = 24 * 3600 * 1000;

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function engineFrom(env: Env): EngineConfig {
  const ms = (name: string, fallback: number) => intFrom(env, name, fallback, { min: 1, max: DAY_MS });
  return {
    replicaId: env.SLUICE_REPLICA_ID || os.hostname(),
    tickMs: ms('SLUICE_ENGINE_TICK_MS', 500),
    leaseMs: ms('SLUICE_OPERATION_LEASE_MS', 30_000),
    operationTimeoutMs: ms('SLUICE_OPERATION_TIMEOUT_MS', 120_000),
    stopGraceMs: ms('SLUICE_STOP_GRACE_MS', 10_000),
    startTimeoutMs: ms('SLUICE_JOB_START_TIMEOUT_MS', 60_000),
    snapshotGraceMs: ms('SLUICE_SNAPSHOT_GRACE_MS', 30_000),
    restartLimit: intFrom(env, 'SLUICE_STREAM_RESTART_LIMIT', 3, { min: 0, max: 1000 }),
    restartWindowMs: ms('SLUICE_STREAM_RESTART_WINDOW_MS', 600_000),
    upgradeSettleMs: ms('SLUICE_UPGRADE_SETTLE_MS', 5_000),
    snapshotRetentionMs: intFrom(env, 'SLUICE_SNAPSHOT_RETENTION_MS', 7 * DAY_MS, { min: 1, max: 3650 * DAY_MS }),
    jobFolderRetentionMs: intFrom(env, 'SLUICE_JOB_FOLDER_RETENTION_MS', 7 * DAY_MS, { min: 1, max: 3650 * DAY_MS }),
    leftoverGraceMs: ms('SLUICE_LEFTOVER_GRACE_MS', 3_600_000),
    gcIntervalMs: ms('SLUICE_GC_INTERVAL_MS', 3_600_000),
    catalogSource: oneOf(env, 'SLUICE_CATALOG_SOURCE', ['local', 'hosted'] as const, 'local'),
    metadataUrl: env.SLUICE_METADATA_URL || undefined,
    metadataToken: env.SLUICE_METADATA_TOKEN || undefined,
    catalogPollMs: ms('SLUICE_CATALOG_POLL_MS', 60_000),
    clock: oneOf(env, 'SLUICE_CLOCK', ['system', 'manual'] as const, 'system'),
  };
}

function localJvmFrom(env: Env): LocalJvmMachineSettings {
  return {
    java: env.SLUICE_JAVA || (env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java'),
    heapMbPerUnit: intFrom(env, 'SLUICE_LOCAL_HEAP_MB_PER_UNIT', 256, { min: 16, max: 64 * 1024 }),
    maxHeapMb: intFrom(env, 'SLUICE_LOCAL_MAX_HEAP_MB', 2048, { min: 64, max: 1024 * 1024 }),
    safetyPollMs: intFrom(env, 'SLUICE_LOCAL_SAFETY_POLL_MS', 500, { min: 1, max: DAY_MS }),
  };
}

function observabilityFrom(env: Env, engine: EngineConfig): ObservabilityConfig {
  const token = env.SLUICE_METRICS_TOKEN || undefined;
  if (token !== undefined && !/^[A-Za-z0-9_.~+/=-]{16,}$/.test(token)) {
    throw new Error('SLUICE_METRICS_TOKEN must be at least 16 characters of A-Z a-z 0-9 _ . ~ + / = -');
  }
  const engineStaleMs = intFrom(env, 'SLUICE_READY_ENGINE_STALE_MS', Math.max(30_000, 10 * engine.tickMs), { min: 1, max: DAY_MS });
  if (engineStaleMs <= engine.tickMs) {
    throw new Error(`SLUICE_READY_ENGINE_STALE_MS (${engineStaleMs}) must be longer than SLUICE_ENGINE_TICK_MS (${engine.tickMs})`);
  }
  return { metrics: oneOf(env, 'SLUICE_METRICS', ['on', 'off'] as const, 'on') === 'on', metricsToken: token, engineStaleMs };
}

function webhooksFrom(env: Env): WebhookConfig {
  const ms = (name: string, fallback: number, max = DAY_MS) => intFrom(env, name, fallback, { min: 1, max });
  const config: WebhookConfig = {
    concurrency: intFrom(env, 'SLUICE_WEBHOOK_CONCURRENCY', 16, { min: 1, max: 1000 }),
    perSubscription: intFrom(env, 'SLUICE_WEBHOOK_PER_SUBSCRIPTION', 4, { min: 1, max: 1000 }),
    timeoutMs: ms('SLUICE_WEBHOOK_TIMEOUT_MS', 10_000),
    backoffBaseMs: ms('SLUICE_WEBHOOK_BACKOFF_BASE_MS', 10_000),
    backoffMaxMs: ms('SLUICE_WEBHOOK_BACKOFF_MAX_MS', 3_600_000),
    retryWindowMs: ms('SLUICE_WEBHOOK_RETRY_WINDOW_MS', DAY_MS, 30 * DAY_MS),
    pollMs: ms('SLUICE_WEBHOOK_POLL_MS', 1_000),
    eventRetentionMs: intFrom(env, 'SLUICE_EVENT_RETENTION_MS', 30 * DAY_MS, { min: 1, max: 3650 * DAY_MS }),
  };
  if (config.backoffBaseMs > config.backoffMaxMs) {
    throw new Error(`SLUICE_WEBHOOK_BACKOFF_BASE_MS (${config.backoffBaseMs}) must not exceed SLUICE_WEBHOOK_BACKOFF_MAX_MS (${config.backoffMaxMs})`);
  }
  return config;
}

function checkEngine(engine: EngineConfig): EngineConfig {
  if (engine.catalogSource === 'hosted' && !engine.metadataUrl) {
    throw new Error('SLUICE_CATALOG_SOURCE=hosted needs SLUICE_METADATA_URL (with {catalogHrn} where the HRN goes)');
  }
  // A pause must be able to fail for its own reason (no snapshot in time) before the operation times out.
  if (engine.snapshotGraceMs >= engine.operationTimeoutMs) {
    throw new Error(`SLUICE_SNAPSHOT_GRACE_MS (${engine.snapshotGraceMs}) must be shorter than SLUICE_OPERATION_TIMEOUT_MS (${engine.operationTimeoutMs})`);
  }
  return engine;
}

/**
 * HS256 with a key shorter than its 32-byte hash lets anyone holding one token guess the key
 * offline, then sign tokens for any realm: a short SLUICE_JWT_SECRET is refused, not warned
 * about. (The generated secret of the embedded default is 32 random bytes.)
 */
export const MIN_JWT_SECRET_BYTES = 32;

function jwtSecretFrom(env: Env): string | undefined {
  const secret = env.SLUICE_JWT_SECRET || undefined;
  const bytes = secret === undefined ? 0 : Buffer.byteLength(secret, 'utf8');
  if (secret !== undefined && bytes < MIN_JWT_SECRET_BYTES) {
    throw new Error(`SLUICE_JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes, got ${bytes}: generate one with "openssl rand -base64 32"`);
  }
  return secret;
}

export function loadConfig(env: Env = process.env): Config {
  const logLevel = env.SLUICE_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`SLUICE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const engine = checkEngine(engineFrom(env));
  return {
    // 0 asks the system for a free port (the tests use it).
    port: intFrom(env, 'PORT', 8080, { min: 0, max: 65535 }),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.SLUICE_DATA_DIR || './.sluice'),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: schemaFrom(env),
    jwtSecret: jwtSecretFrom(env),
    jwksUrl: urlFrom(env, 'SLUICE_JWKS_URL'),
    realm: env.SLUICE_REALM || 'local',
    maxPackageBytes: intFrom(env, 'SLUICE_MAX_PACKAGE_BYTES', 500 * 1024 * 1024, { min: 1, max: Number.MAX_SAFE_INTEGER }),
    maxPackageEntries: intFrom(env, 'SLUICE_MAX_PACKAGE_ENTRIES', 65_535, { min: 1, max: 10_000_000 }),
    runtimeCatalogFile: env.SLUICE_RUNTIME_CATALOG || undefined,
    logLevel,
    region: env.SLUICE_REGION || 'local',
    publicUrl: urlFrom(env, 'SLUICE_PUBLIC_URL'),
    readCacheEntries: intFrom(env, 'SLUICE_READ_CACHE', 10_000, { min: 0, max: 10_000_000 }),
    consoleLinkTtlMs: intFrom(env, 'SLUICE_CONSOLE_LINK_TTL_MS', 15 * 60_000, { min: 0, max: DAY_MS }),
    engine,
    localJvm: localJvmFrom(env),
    observability: observabilityFrom(env, engine),
    webhooks: webhooksFrom(env),
  };
}
