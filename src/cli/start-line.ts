import fs from 'node:fs';
import type { Config } from '../config.js';

/** The version in package.json (dist/src/cli → the package root). */
export function sluiceVersion(): string {
  const file = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Where the store is, without the password a DATABASE_URL may carry. */
function storeOf(config: Config): string {
  if (!config.databaseUrl) return `PGlite (embedded) in ${config.dataDir}/pglite`;
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}, schema ${config.databaseSchema}`;
  } catch {
    return `PostgreSQL, schema ${config.databaseSchema}`;
  }
}

/**
 * The one line `sluice serve` prints when it is up: where it listens, which store and data
 * folder, and what to do next. The token command names the data folder, so pasted into another
 * terminal (where SLUICE_DATA_DIR is not set) it signs with this server's secret, not a new one.
 */
export function startLine(config: Config, url: string): string {
  const next = config.jwksUrl
    ? 'next: call it with a token from your identity provider (SLUICE_JWKS_URL)'
    : config.jwtSecret
      ? 'next: export SLUICE_TOKEN=$(SLUICE_JWT_SECRET=… npx sluice token) with this server\'s secret'
      : `next: export SLUICE_TOKEN=$(SLUICE_DATA_DIR=${config.dataDir} npx sluice token)`;
  return `Sluice ${sluiceVersion()} listening on ${url} · store: ${storeOf(config)} · data folder: ${config.dataDir} · ${next}`;
}
