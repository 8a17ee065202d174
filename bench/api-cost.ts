/**
 * Where a Sluice request's time goes: server CPU per request for endpoints that add one layer at
 * a time (framework hooks, error path, token check, one query, a second query), each against the
 * bare Fastify route. Not run by default (`npm run bench -- api-cost`): it explains the
 * api-throughput figures, it has no target.
 */
import type { StoreKind } from '../test/helpers/server.js';
import { storesToRun } from './api-throughput.js';
import { compareEndpoints, type Endpoint } from './lib/endpoints.js';
import type { ResultRow } from './lib/report.js';
import { withSluiceOnStore } from './lib/sluice-fixture.js';
import { startBareFastify, type BenchServer } from './lib/servers.js';
import type { Benchmark, BenchSettings } from './types.js';

const QUIET = 'warn';

interface Layer {
  name: string;
  endpoint: Endpoint;
}

async function onStore(settings: BenchSettings, log: (line: string) => void, kind: StoreKind, bare: BenchServer, withoutDb: boolean) {
  return withSluiceOnStore({ kind, logLevel: QUIET, versions: 100, log, alsoReport: [bare] }, async ({ sluice, caller, paths }) => {
    const token = caller.headers;
    const layers: Layer[] = [];
    if (withoutDb) {
      layers.push(
        { name: 'a. /health: hooks, no token, no DB', endpoint: { server: sluice, path: '/health' } },
        { name: 'b. 401: no token, error path', endpoint: { server: sluice, path: '/v2/pipelines/x/hrn', expectStatus: 401 } },
        { name: 'c. 404: token checked, no DB', endpoint: { server: sluice, path: '/v2/pipelines/x/hrn', headers: token, expectStatus: 404 } },
      );
    }
    layers.push(
      { name: 'd. pipeline hrn: token + 1 query', endpoint: { server: sluice, path: `${paths.pipeline}/hrn`, headers: token } },
      { name: 'e. GET pipeline: token + read cache', endpoint: { server: sluice, path: paths.pipeline, headers: token } },
      { name: 'f. GET version: token + read cache', endpoint: { server: sluice, path: paths.version, headers: token } },
    );
    const results = await compareEndpoints(settings, { server: bare, path: '/constant' }, layers.map((layer) => layer.endpoint),
      (round) => log(`  [${kind}] round ${round + 1} of ${settings.rounds} done`));
    return results.map((result, i): ResultRow => ({
      ...result.cpu,
      scenario: layers[i].name,
      variant: withoutDb && i < 3 ? '(any)' : kind,
      unit: 'µs',
    }));
  });
}

export const apiCost: Benchmark = {
  name: 'api-cost',
  byDefault: false,
  description: 'server CPU per request, layer by layer, vs the bare Fastify route',
  notes: [
    'subject and baseline: server CPU per response (from /proc), in µs; ratio = subject / baseline (lower is better).',
    'Read by differences: c - b = the token check (jose HS256); d - c = one query through Kysely and the store',
    '(the HRN route reads the database); e and f answer from the read cache after their first request (SLUICE_READ_CACHE),',
    'f - e = a version\'s larger response and its path checks; a - baseline = Sluice\'s global hooks.',
  ],
  async run(settings, log) {
    const rows: ResultRow[] = [];
    const bare = await startBareFastify(QUIET);
    try {
      const stores = storesToRun();
      for (const [i, kind] of stores.entries()) rows.push(...await onStore(settings, log, kind, bare, i === 0));
    } finally {
      await bare.stop();
    }
    return rows;
  },
};
