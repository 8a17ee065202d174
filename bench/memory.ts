/**
 * Issue 11 §4: the memory `sluice serve` holds when idle, on the embedded default (PGlite in a
 * fresh data folder: first start, then a restart on it) against the same service on PostgreSQL,
 * in one run. RSS from /proc/<pid>/status after the server has been up and idle a while.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createStore } from '../test/helpers/server.js';
import { positiveIntegerFromEnv } from './lib/env.js';
import type { ResultRow } from './lib/report.js';
import { startSluice, type BenchServer } from './lib/servers.js';
import type { Benchmark } from './types.js';

const LIMIT_MB = 250;

async function residentMb(server: BenchServer): Promise<number> {
  const status = await fs.readFile(`/proc/${server.pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for ${server.name}`);
  return kb / 1024;
}

/** Starts `sluice serve` on the store, lets it idle, and reads its RSS. */
async function idleRss(storeEnv: Record<string, string>, name: string, idleSeconds: number): Promise<number> {
  const server = await startSluice({ storeEnv, logLevel: 'warn', name });
  try {
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    return await residentMb(server);
  } finally {
    await server.stop();
  }
}

export const memory: Benchmark = {
  name: 'memory',
  description: 'RSS of an idle sluice serve: PGlite (first start, restart) against PostgreSQL',
  notes: [
    `memory: VmRSS of sluice serve after BENCH_MEMORY_IDLE_S (default 10) s idle; PGlite in a fresh data folder (first start runs initdb in a child and migrates), then restarted on it; baseline: the same service on PostgreSQL. Target: <= ${LIMIT_MB} MB.`,
  ],
  async run(_settings, log) {
    const idle = positiveIntegerFromEnv('BENCH_MEMORY_IDLE_S', 10);
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-bench-memory-'));
    const postgres = await createStore('postgres', 'bench-memory');
    try {
      const pgliteEnv = { SLUICE_DATA_DIR: dataDir };
      const first = await idleRss(pgliteEnv, 'sluice (PGlite, first start)', idle);
      log(`memory: PGlite first start ${first.toFixed(0)} MB`);
      const again = await idleRss(pgliteEnv, 'sluice (PGlite, restart)', idle);
      log(`memory: PGlite restart ${again.toFixed(0)} MB`);
      const onPostgres = await idleRss(postgres.env, 'sluice (PostgreSQL)', idle);
      log(`memory: PostgreSQL ${onPostgres.toFixed(0)} MB`);
      const row = (scenario: string, subject: number): ResultRow => ({
        scenario, variant: 'pglite', unit: 'MB', subject: [subject], baseline: [onPostgres], ratios: [subject / onPostgres],
        absolute: { figure: subject, limit: LIMIT_MB, better: 'lower', label: `<= ${LIMIT_MB} MB` },
      });
      return [
        row('RSS idle, embedded PGlite first start (vs the same service on PostgreSQL)', first),
        row('RSS idle, embedded PGlite restart (vs the same service on PostgreSQL)', again),
      ];
    } finally {
      await postgres.dispose();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  },
};
