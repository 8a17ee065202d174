/**
 * API throughput on both stores, as ratios to bare Fastify routes on the same machine, in the
 * same run. GET version against a route answering a constant JSON object (target: at least half
 * its throughput); the list of 100 versions against a route serializing the same 100 rows from
 * memory (target: at least 0.3 of its throughput, and at most 1.5 ms of server CPU per request).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { STORES, type StoreKind } from '../test/helpers/server.js';
import { compareEndpoints, type Endpoint, type EndpointComparison } from './lib/endpoints.js';
import { median } from './lib/ratio.js';
import type { ResultRow } from './lib/report.js';
import { withSluiceOnStore, type SluiceOnStore } from './lib/sluice-fixture.js';
import { startBareFastify, startSluice, type BenchServer } from './lib/servers.js';
import type { Benchmark, BenchSettings } from './types.js';

const VERSIONS = 100;
const GET_VERSION_TARGET = 0.5;
const LIST_TARGET = 0.3;
/** Server CPU per list of 100 versions, µs. */
const LIST_CPU_LIMIT_US = 1_500;
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

/** The list's server CPU per request against its limit: a row of its own, with an absolute target. */
function listCpuRow(list: Scenario, kind: StoreKind, cpu: EndpointComparison['cpu']): ResultRow {
  return {
    ...cpu,
    scenario: `${list.name}: server CPU`,
    variant: kind,
    unit: 'µs',
    absolute: { figure: median(cpu.subject), limit: LIST_CPU_LIMIT_US, better: 'lower', label: `<= ${LIST_CPU_LIMIT_US} µs` },
  };
}

/**
 * The list against bare Fastify answering the very rows Sluice answers (fetched from it and
 * written to a file the baseline process reads at start), serialized on each request.
 */
async function listAgainstRows(settings: BenchSettings, log: (line: string) => void, kind: StoreKind, ctx: SluiceOnStore): Promise<ResultRow[]> {
  const { sluice, caller, paths } = ctx;
  const listed = await caller.api('GET', paths.versions);
  if (listed.status !== 200 || !Array.isArray(listed.body) || listed.body.length !== VERSIONS) {
    throw new Error(`GET ${paths.versions}: ${listed.status} ${listed.text.slice(0, 300)}`);
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-bench-rows-'));
  try {
    const rowsFile = path.join(dir, 'rows.json');
    await fs.writeFile(rowsFile, listed.text);
    const bareRows = await startBareFastify(QUIET, rowsFile);
    ctx.servers.push(bareRows);
    const list: Scenario = { name: `list ${VERSIONS} versions`, subject: { server: sluice, path: paths.versions, headers: caller.headers }, target: LIST_TARGET };
    const [result] = await compareEndpoints(settings, { server: bareRows, path: '/rows' }, [list.subject], (round, [subject], base) =>
      log(`  ${list.name} [${kind}] round ${round + 1}: ${Math.round(subject)} vs ${Math.round(base)} req/s`));
    return [rowOf(list, kind, result), listCpuRow(list, kind, result.cpu)];
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function onStore(settings: BenchSettings, log: (line: string) => void, kind: StoreKind, bare: BenchServer): Promise<ResultRow[]> {
  return withSluiceOnStore({ kind, logLevel: QUIET, versions: VERSIONS, log, alsoReport: [bare] }, async (ctx) => {
    const { sluice, caller, paths } = ctx;
    const rows = await compareEach(settings, log, { server: bare, path: '/constant' }, [
      { name: 'GET version', subject: { server: sluice, path: paths.version, headers: caller.headers }, target: GET_VERSION_TARGET },
    ], kind);
    rows.push(...await listAgainstRows(settings, log, kind, ctx));

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
  description: `GET-version and list-${VERSIONS}-versions req/s vs bare Fastify routes (constant JSON; the same ${VERSIONS} rows from memory), PGlite and PostgreSQL`,
  notes: [
    `Servers run at log level ${QUIET} (SLUICE_LOG_LEVEL / Fastify logger level) unless the row says "log info".`,
    'Baseline of GET version: plain Fastify in its own process, GET /constant answering a 4-field constant JSON object.',
    `Baseline of the list: plain Fastify in its own process, GET /rows answering the ${VERSIONS} versions Sluice lists (the same JSON, read from a file at start), serialized with JSON.stringify on each request.`,
    'Subject: the real `sluice serve` from dist, with a valid HS256 bearer token on every request.',
    'Sluice runs with its default read cache (SLUICE_READ_CACHE): GET version reads the database only for its first request, the list only for its first request after a change to the pipeline\'s versions (src/store/cached-version-lists.ts).',
    `"list: server CPU" rows: the list's server CPU per request (median over rounds) against ${LIST_CPU_LIMIT_US} µs; baseline column: the bare /rows route.`,
    'The load generator (raw keep-alive HTTP/1.1 sockets, bench/lib/load.ts) runs in the bench process and shares the cores with the server.',
    `${CPU_COLUMN}: CPU time of the server process over the measured window / responses (from /proc), median over rounds;`
      + ' it leaves out the PostgreSQL backends\' own CPU.',
    `ratio = subject req/s / baseline req/s, median over rounds; targets: GET version >= ${GET_VERSION_TARGET}, list >= ${LIST_TARGET}.`,
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
