/**
 * Issue 3: API throughput on both stores, as ratios to a bare Fastify route answering a constant
 * JSON object on the same machine, in the same run. Target: GET-version at least half the
 * bare route's throughput.
 */
import { STORES, type StoreKind } from '../test/helpers/server.js';
import { compareEndpoints, type Endpoint, type EndpointComparison } from './lib/endpoints.js';
import { median } from './lib/ratio.js';
import type { ResultRow } from './lib/report.js';
import { withSluiceOnStore } from './lib/sluice-fixture.js';
import { startBareFastify, startSluice, type BenchServer } from './lib/servers.js';
import type { Benchmark, BenchSettings } from './types.js';

const VERSIONS = 100;
const GET_VERSION_TARGET = 0.5;
/** Request logging is measured apart; the main figures run both servers at this level. */
const QUIET = 'warn';
const CPU_COLUMN = 'server CPU µs/req (subject / baseline)';

interface Scenario {
  name: string;
  subject: Endpoint;
  target?: number;
}

/** BENCH_STORES=pglite (or postgres) runs one store only. */
export function storesToRun(): StoreKind[] {
  const wanted = process.env.BENCH_STORES?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted) return STORES;
  const unknown = wanted.filter((s) => !STORES.includes(s as StoreKind));
  if (unknown.length > 0) throw new Error(`BENCH_STORES: unknown store ${unknown.join(', ')} (known: ${STORES.join(', ')})`);
  return wanted as StoreKind[];
}

function rowOf(scenario: Scenario, variant: string, result: EndpointComparison): ResultRow {
  const subjectCpu = median(result.cpu.subject);
  const baselineCpu = median(result.cpu.baseline);
  return {
    ...result.throughput,
    scenario: scenario.name,
    variant,
    unit: 'req/s',
    target: scenario.target === undefined ? undefined : { ratio: scenario.target, better: 'higher' },
    extra: Number.isFinite(subjectCpu) && Number.isFinite(baselineCpu)
      ? { [CPU_COLUMN]: `${Math.round(subjectCpu)} / ${Math.round(baselineCpu)}` }
      : undefined,
  };
}

/** Each scenario against the baseline on its own, so each pair is measured back to back. */
async function compareEach(settings: BenchSettings, log: (line: string) => void, baseline: Endpoint, scenarios: Scenario[], variant: string) {
  const rows: ResultRow[] = [];
  for (const scenario of scenarios) {
    const [result] = await compareEndpoints(settings, baseline, [scenario.subject], (round, [subject], base) =>
      log(`  ${scenario.name} [${variant}] round ${round + 1}: ${Math.round(subject)} vs ${Math.round(base)} req/s`));
    rows.push(rowOf(scenario, variant, result));
  }
  return rows;
}

async function onStore(settings: BenchSettings, log: (line: string) => void, kind: StoreKind, bare: BenchServer): Promise<ResultRow[]> {
  return withSluiceOnStore({ kind, logLevel: QUIET, versions: VERSIONS, log, alsoReport: [bare] }, async (ctx) => {
    const { sluice, caller, paths } = ctx;
    const rows = await compareEach(settings, log, { server: bare, path: '/constant' }, [
      { name: 'GET version', subject: { server: sluice, path: paths.version, headers: caller.headers }, target: GET_VERSION_TARGET },
      { name: `list ${VERSIONS} versions`, subject: { server: sluice, path: paths.versions, headers: caller.headers } },
    ], kind);

    // Request logging at info, on PostgreSQL only: a second server on the same schema, so no
    // second fixture; the store makes no difference to what logging costs per request.
    if (settings.infoLogging && kind === 'postgres') {
      await sluice.stop();
      const loud = await startSluice({ storeEnv: ctx.store.env, logLevel: 'info' });
      ctx.servers.push(loud);
      const loudBare = await startBareFastify('info');
      ctx.servers.push(loudBare);
      rows.push(...await compareEach(settings, log, { server: loudBare, path: '/constant' }, [{
        name: 'GET version (log info)',
        subject: { server: loud, path: paths.version, headers: caller.headers },
        target: GET_VERSION_TARGET,
      }], kind));
    }
    return rows;
  });
}

export const apiThroughput: Benchmark = {
  name: 'api-throughput',
  description: `GET-version and list-${VERSIONS}-versions req/s vs a bare Fastify route (constant JSON), PGlite and PostgreSQL`,
  notes: [
    `Servers run at log level ${QUIET} (SLUICE_LOG_LEVEL / Fastify logger level) unless the row says "log info".`,
    'Baseline: plain Fastify in its own process, GET /constant answering a 4-field constant JSON object.',
    'Subject: the real `sluice serve` from dist, with a valid HS256 bearer token on every request.',
    'Sluice runs with its default read cache (SLUICE_READ_CACHE): GET version reads the database only for its first request; the list is not cached.',
    'The load generator (raw keep-alive HTTP/1.1 sockets, bench/lib/load.ts) runs in the bench process and shares the cores with the server.',
    `${CPU_COLUMN}: CPU time of the server process over the measured window / responses (from /proc), median over rounds;`
      + ' it leaves out the PostgreSQL backends\' own CPU.',
    `ratio = subject req/s / baseline req/s, median over rounds; target for GET version: >= ${GET_VERSION_TARGET}.`,
  ],
  async run(settings, log) {
    const rows: ResultRow[] = [];
    const bare = await startBareFastify(QUIET);
    try {
      for (const kind of storesToRun()) rows.push(...await onStore(settings, log, kind, bare));
    } finally {
      await bare.stop();
    }
    return rows;
  },
};
