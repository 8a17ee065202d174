import os from 'node:os';
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, type Config } from '../../src/config.js';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    assert.deepEqual(loadConfig({}), {
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('./.sluice'),
      databaseUrl: undefined,
      databaseSchema: 'public',
      jwtSecret: undefined,
      jwksUrl: undefined,
      realm: 'local',
      maxPackageBytes: 500 * 1024 * 1024,
      maxPackageEntries: 65_535,
      runtimeCatalogFile: undefined,
      logLevel: 'info',
      region: 'local',
      publicUrl: undefined,
      readCacheEntries: 10_000,
      consoleLinkTtlMs: 900_000,
      engine: {
        replicaId: os.hostname(),
        tickMs: 500,
        leaseMs: 30_000,
        operationTimeoutMs: 120_000,
        stopGraceMs: 10_000,
        snapshotGraceMs: 30_000,
        restartLimit: 3,
        restartWindowMs: 600_000,
        upgradeSettleMs: 5_000,
        snapshotRetentionMs: 7 * 24 * 3600 * 1000,
        jobFolderRetentionMs: 7 * 24 * 3600 * 1000,
        leftoverGraceMs: 3_600_000,
        gcIntervalMs: 3_600_000,
        startTimeoutMs: 60_000,
        catalogSource: 'local',
        metadataUrl: undefined,
        metadataToken: undefined,
        catalogPollMs: 60_000,
        clock: 'system',
      },
      localJvm: { java: 'java', heapMbPerUnit: 256, maxHeapMb: 2048, safetyPollMs: 500 },
      observability: { metrics: true, metricsToken: undefined, engineStaleMs: 30_000 },
      webhooks: {
        concurrency: 16,
        perSubscription: 4,
        timeoutMs: 10_000,
        backoffBaseMs: 10_000,
        backoffMaxMs: 3_600_000,
        retryWindowMs: 24 * 3600 * 1000,
        pollMs: 1_000,
        eventRetentionMs: 30 * 24 * 3600 * 1000,
      },
    } satisfies Config);
  });

  it('treats empty variables as unset', () => {
    const empty = Object.fromEntries([
      'PORT', 'HOST', 'SLUICE_DATA_DIR', 'DATABASE_URL', 'SLUICE_DATABASE_SCHEMA', 'SLUICE_JWT_SECRET', 'SLUICE_JWKS_URL',
      'SLUICE_REALM', 'SLUICE_MAX_PACKAGE_BYTES', 'SLUICE_MAX_PACKAGE_ENTRIES', 'SLUICE_RUNTIME_CATALOG', 'SLUICE_LOG_LEVEL', 'SLUICE_PUBLIC_URL',
      'SLUICE_READ_CACHE', 'SLUICE_CONSOLE_LINK_TTL_MS',
    ].map((name) => [name, '']));
    assert.deepEqual(loadConfig(empty), loadConfig({}));
  });

  // [variables, the part of the configuration they give]
  const read: [Record<string, string>, Partial<Config>][] = [
    [{ PORT: '9000' }, { port: 9000 }],
    [{ PORT: '0' }, { port: 0 }],
    [{ PORT: '65535' }, { port: 65535 }],
    [{ PORT: ' 8081 ' }, { port: 8081 }],
    [{ HOST: '0.0.0.0' }, { host: '0.0.0.0' }],
    [{ SLUICE_DATA_DIR: '/var/lib/sluice' }, { dataDir: '/var/lib/sluice' }],
    [{ SLUICE_DATA_DIR: 'data' }, { dataDir: path.resolve('data') }],
    [{ DATABASE_URL: 'postgres://u@db/sluice' }, { databaseUrl: 'postgres://u@db/sluice' }],
    [{ SLUICE_DATABASE_SCHEMA: 't_abc_12' }, { databaseSchema: 't_abc_12' }],
    [{ SLUICE_DATABASE_SCHEMA: '_x' }, { databaseSchema: '_x' }],
    [{ SLUICE_DATABASE_SCHEMA: 's'.repeat(63) }, { databaseSchema: 's'.repeat(63) }],
    [{ SLUICE_JWT_SECRET: 'k'.repeat(32) }, { jwtSecret: 'k'.repeat(32) }],
    [{ SLUICE_JWKS_URL: 'https://id.example.com/.well-known/jwks.json' }, { jwksUrl: 'https://id.example.com/.well-known/jwks.json' }],
    [{ SLUICE_REALM: 'olp-1234' }, { realm: 'olp-1234' }],
    [{ SLUICE_MAX_PACKAGE_BYTES: '1048576' }, { maxPackageBytes: 1048576 }],
    [{ SLUICE_MAX_PACKAGE_ENTRIES: '200000' }, { maxPackageEntries: 200_000 }],
    [{ SLUICE_RUNTIME_CATALOG: '/etc/sluice/catalog.json' }, { runtimeCatalogFile: '/etc/sluice/catalog.json' }],
    [{ SLUICE_LOG_LEVEL: 'debug' }, { logLevel: 'debug' }],
    [{ SLUICE_LOG_LEVEL: 'silent' }, { logLevel: 'silent' }],
    [{ SLUICE_PUBLIC_URL: 'http://sluice.internal:8080' }, { publicUrl: 'http://sluice.internal:8080' }],
    [{ SLUICE_READ_CACHE: '0' }, { readCacheEntries: 0 }],
    [{ SLUICE_READ_CACHE: '500' }, { readCacheEntries: 500 }],
    [{ SLUICE_CONSOLE_LINK_TTL_MS: '0' }, { consoleLinkTtlMs: 0 }],
    [{ SLUICE_CONSOLE_LINK_TTL_MS: '60000' }, { consoleLinkTtlMs: 60_000 }],
    [{ SLUICE_METRICS: 'off' }, { observability: { metrics: false, metricsToken: undefined, engineStaleMs: 30_000 } }],
    [{ SLUICE_METRICS_TOKEN: 'scrape-token-0123456789' }, { observability: { metrics: true, metricsToken: 'scrape-token-0123456789', engineStaleMs: 30_000 } }],
    [{ SLUICE_ENGINE_TICK_MS: '5000' }, {
      engine: { ...loadConfig({}).engine, tickMs: 5000 },
      localJvm: { java: 'java', heapMbPerUnit: 256, maxHeapMb: 2048, safetyPollMs: 500 },
      observability: { metrics: true, metricsToken: undefined, engineStaleMs: 50_000 },
    }],
  ];
  for (const [env, expected] of read) {
    it(`reads ${JSON.stringify(env)}`, () => {
      const config = loadConfig(env);
      assert.deepEqual(config, { ...loadConfig({}), ...expected });
    });
  }

  // [variables, the message, which must name the variable]
  const refused: [Record<string, string>, RegExp][] = [
    [{ PORT: 'http' }, /^PORT must be a whole number from 0 to 65535, got "http"$/],
    [{ SLUICE_JWT_SECRET: 'k' }, /^SLUICE_JWT_SECRET must be at least 32 bytes, got 1/],
    [{ SLUICE_JWT_SECRET: 'x'.repeat(31) }, /^SLUICE_JWT_SECRET must be at least 32 bytes, got 31/],
    [{ PORT: '-1' }, /^PORT must be a whole number/],
    [{ PORT: '80.5' }, /^PORT must be a whole number/],
    [{ PORT: '8080.0' }, /^PORT must be a whole number/],
    [{ PORT: '65536' }, /^PORT must be a whole number from 0 to 65535, got "65536"$/],
    [{ PORT: '0x1F90' }, /^PORT must be a whole number/],
    [{ PORT: '8e3' }, /^PORT must be a whole number/],
    [{ PORT: ' ' }, /^PORT must be a whole number/],
    [{ PORT: '80 80' }, /^PORT must be a whole number/],
    [{ SLUICE_MAX_PACKAGE_BYTES: '500MB' }, /^SLUICE_MAX_PACKAGE_BYTES must be a whole number/],
    [{ SLUICE_MAX_PACKAGE_BYTES: '0' }, /^SLUICE_MAX_PACKAGE_BYTES must be a whole number from 1 to/],
    [{ SLUICE_MAX_PACKAGE_BYTES: '1e9' }, /^SLUICE_MAX_PACKAGE_BYTES must be a whole number/],
    [{ SLUICE_MAX_PACKAGE_BYTES: '99999999999999999999' }, /^SLUICE_MAX_PACKAGE_BYTES must be a whole number/],
    [{ SLUICE_DATABASE_SCHEMA: 'Public' }, /^SLUICE_DATABASE_SCHEMA must be a lower-case SQL identifier, got "Public"$/],
    [{ SLUICE_DATABASE_SCHEMA: '1abc' }, /^SLUICE_DATABASE_SCHEMA must be a lower-case SQL identifier/],
    [{ SLUICE_DATABASE_SCHEMA: 'a-b' }, /^SLUICE_DATABASE_SCHEMA must be a lower-case SQL identifier/],
    [{ SLUICE_DATABASE_SCHEMA: 'x; drop schema public' }, /^SLUICE_DATABASE_SCHEMA must be a lower-case SQL identifier/],
    [{ SLUICE_DATABASE_SCHEMA: 'a,b' }, /^SLUICE_DATABASE_SCHEMA must be a lower-case SQL identifier/],
    [{ SLUICE_DATABASE_SCHEMA: 's'.repeat(64) }, /^SLUICE_DATABASE_SCHEMA must be a lower-case SQL identifier/],
    [{ SLUICE_DATABASE_SCHEMA: 'pg_catalog' }, /^SLUICE_DATABASE_SCHEMA must not be a system schema name, got "pg_catalog"$/],
    [{ SLUICE_DATABASE_SCHEMA: 'pg_sluice' }, /^SLUICE_DATABASE_SCHEMA must not be a system schema name/],
    [{ SLUICE_DATABASE_SCHEMA: 'information_schema' }, /^SLUICE_DATABASE_SCHEMA must not be a system schema name/],
    [{ SLUICE_LOG_LEVEL: 'verbose' }, /^SLUICE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"$/],
    [{ SLUICE_LOG_LEVEL: 'INFO' }, /^SLUICE_LOG_LEVEL must be one of/],
    [{ SLUICE_JWKS_URL: 'id.example.com/jwks.json' }, /^SLUICE_JWKS_URL must be an absolute http\(s\) URL, got "id\.example\.com\/jwks\.json"$/],
    [{ SLUICE_JWKS_URL: 'file:///etc/jwks.json' }, /^SLUICE_JWKS_URL must be an absolute http\(s\) URL/],
    [{ SLUICE_PUBLIC_URL: 'sluice:8080' }, /^SLUICE_PUBLIC_URL must be an absolute http\(s\) URL/],
    [{ SLUICE_READ_CACHE: 'off' }, /^SLUICE_READ_CACHE must be a whole number from 0 to 10000000, got "off"$/],
    [{ SLUICE_SNAPSHOT_GRACE_MS: '120000' }, /^SLUICE_SNAPSHOT_GRACE_MS \(120000\) must be shorter than SLUICE_OPERATION_TIMEOUT_MS \(120000\)$/],
    [{ SLUICE_STREAM_RESTART_LIMIT: 'three' }, /^SLUICE_STREAM_RESTART_LIMIT must be/],
    [{ SLUICE_SNAPSHOT_RETENTION_MS: '0' }, /^SLUICE_SNAPSHOT_RETENTION_MS must be/],
    [{ SLUICE_METRICS: 'yes' }, /^SLUICE_METRICS must be one of on, off, got "yes"$/],
    [{ SLUICE_METRICS_TOKEN: 'short' }, /^SLUICE_METRICS_TOKEN must be at least 16 characters/],
    [{ SLUICE_READY_ENGINE_STALE_MS: '400' }, /^SLUICE_READY_ENGINE_STALE_MS \(400\) must be longer than SLUICE_ENGINE_TICK_MS \(500\)$/],
    [{ SLUICE_WEBHOOK_BACKOFF_BASE_MS: '7200000' }, /^SLUICE_WEBHOOK_BACKOFF_BASE_MS \(7200000\) must not exceed SLUICE_WEBHOOK_BACKOFF_MAX_MS/],
    [{ SLUICE_WEBHOOK_CONCURRENCY: '0' }, /^SLUICE_WEBHOOK_CONCURRENCY must be a whole number from 1 to 1000/],
  ];
  for (const [env, message] of refused) {
    it(`refuses ${JSON.stringify(env)}`, () => {
      assert.throws(() => loadConfig(env), (error: Error) => {
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
