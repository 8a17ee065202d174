import path from 'node:path';

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
  runtimeCatalogFile?: string;
  logLevel: string;
  /** The one region this installation is (targetRegionId / actualRegionId). */
  region: string;
  /** Public base URL used in links the service hands out (loggingUrl). */
  publicUrl?: string;
}

type Env = Record<string, string | undefined>;

function intFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const schema = env.SLUICE_DATABASE_SCHEMA || 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`SLUICE_DATABASE_SCHEMA must be a lower-case SQL identifier, got "${schema}"`);
  }
  return {
    port: intFrom(env, 'PORT', 8080),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.SLUICE_DATA_DIR || './.sluice'),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: schema,
    jwtSecret: env.SLUICE_JWT_SECRET || undefined,
    jwksUrl: env.SLUICE_JWKS_URL || undefined,
    realm: env.SLUICE_REALM || 'local',
    maxPackageBytes: intFrom(env, 'SLUICE_MAX_PACKAGE_BYTES', 500 * 1024 * 1024),
    runtimeCatalogFile: env.SLUICE_RUNTIME_CATALOG || undefined,
    logLevel: env.SLUICE_LOG_LEVEL || 'info',
    region: env.SLUICE_REGION || 'local',
    publicUrl: env.SLUICE_PUBLIC_URL || undefined,
  };
}
