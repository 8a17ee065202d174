/**
 * Issue 15: what metrics cost. (1) A /metrics scrape with 10 000 versions and 1 000 jobs in the
 * store, against GET /health/live on the same server (target: scrape p50 at most 20 ms). (2) GET
 * version throughput with metrics on (the default) against the same with SLUICE_METRICS=off, two
 * servers measured in the same run (target: on >= 0.9 x off).
 */
import { performance } from 'node:perf_hooks';
import type { StoreKind } from '../test/helpers/server.js';
import { storesToRun } from './api-throughput.js';
import { compareEndpoints } from './lib/endpoints.js';
import { adminOf, pipelineWithVersions } from './lib/fixtures.js';
import { median, percentile } from './lib/ratio.js';
import type { ResultRow } from './lib/report.js';
import { seedVersionsAndJobs } from './lib/seed-jobs.js';
import { withSluice } from './lib/sluice-fixture.js';
import { startSluice } from './lib/servers.js';
import type { Benchmark, BenchSettings } from './types.js';

const VERSIONS = Number(process.env.BENCH_METRICS_VERSIONS ?? 10_000);
const JOBS = Number(process.env.BENCH_METRICS_JOBS ?? 1_000);
const SCRAPES = 60;
const SCRAPE_LIMIT_MS = 20;
const ON_OFF_TARGET = 0.9;
const QUIET = 'warn';

async function timeGets(url: string, times: number): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    durations.push(performance.now() - started);
  }
  return durations;
}

async function scrapeRow(kind: StoreKind, log: (line: string) => void): Promise<ResultRow> {
  return withSluice({ kind, logLevel: QUIET }, async (ctx) => {
    const fixture = await pipelineWithVersions(ctx.caller.api, 1);
    await ctx.sluice.stop();
    const started = Date.now();
    await seedVersionsAndJobs(ctx.store.env, fixture.versionIds[0], VERSIONS, JOBS);
    log(`  [${kind}] seeded ${VERSIONS} versions and ${JOBS} jobs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const server = await startSluice({ storeEnv: ctx.store.env, logLevel: QUIET });
    ctx.servers.push(server);
    // Uncounted: the first scrapes plan the statements and fill the registry.
    await timeGets(`${server.url}/metrics`, 10);
    await timeGets(`${server.url}/health/live`, 10);
    const subject: number[] = [];
    const baseline: number[] = [];
    // Interleaved one by one, so both see the same load on the machine.
    for (let i = 0; i < SCRAPES; i++) {
      subject.push(...await timeGets(`${server.url}/metrics`, 1));
      baseline.push(...await timeGets(`${server.url}/health/live`, 1));
    }
    log(`  [${kind}] scrape p50 ${median(subject).toFixed(1)} ms, p99 ${percentile(subject, 99).toFixed(1)} ms`);
    return {
      scenario: `/metrics scrape (${VERSIONS} versions, ${JOBS} jobs)`,
      variant: kind,
      unit: 'ms',
      subject,
      baseline,
      ratios: subject.map((s, i) => s / baseline[i]),
      ratioOf: 'medians',
      absolute: { figure: median(subject), limit: SCRAPE_LIMIT_MS, better: 'lower', label: `p50 < ${SCRAPE_LIMIT_MS} ms` },
      extra: { 'p99 ms (subject / baseline)': `${percentile(subject, 99).toFixed(1)} / ${percentile(baseline, 99).toFixed(1)}` },
    };
  });
}

async function onOffRow(settings: BenchSettings, kind: StoreKind, log: (line: string) => void): Promise<ResultRow> {
  // Two servers, each on its own store with the same fixture: metrics on (the subject) and off.
  return withSluice({ kind, logLevel: QUIET }, async (on) => withSluice({ kind, logLevel: QUIET }, async (offCtx) => {
    await offCtx.sluice.stop();
    const off = await startSluice({ storeEnv: { ...offCtx.store.env, SLUICE_METRICS: 'off' }, logLevel: QUIET, name: 'sluice (metrics off)' });
    offCtx.servers.push(off);
    const offCaller = await adminOf(off.url);
    const [onFixture, offFixture] = await Promise.all([pipelineWithVersions(on.caller.api, 10), pipelineWithVersions(offCaller.api, 10)]);
    const path = (f: { pipelineId: string; versionIds: string[] }) => `/v2/pipelines/${f.pipelineId}/versions/${f.versionIds[5]}`;
    const [result] = await compareEndpoints(settings,
      { server: off, path: path(offFixture), headers: offCaller.headers },
      [{ server: on.sluice, path: path(onFixture), headers: on.caller.headers }],
      (round, [subject], base) => log(`  GET version metrics on/off [${kind}] round ${round + 1}: ${Math.round(subject)} vs ${Math.round(base)} req/s`));
    return {
      ...result.throughput,
      scenario: 'GET version, metrics on vs off',
      variant: kind,
      unit: 'req/s',
      target: { ratio: ON_OFF_TARGET, better: 'higher' },
      extra: { 'server CPU µs/req (subject / baseline)': `${Math.round(median(result.cpu.subject))} / ${Math.round(median(result.cpu.baseline))}` },
    };
  }));
}

export const metricsCost: Benchmark = {
  name: 'metrics',
  description: `/metrics scrape with ${VERSIONS} versions and ${JOBS} jobs; GET version with metrics on vs off`,
  notes: [
    `/metrics scrape: the real server, after seeding ${VERSIONS} versions and ${JOBS} jobs (a tenth running) with SQL (BENCH_METRICS_VERSIONS, BENCH_METRICS_JOBS);`
      + ` ${SCRAPES} sequential scrapes interleaved with GET /health/live (the baseline: the same server's cheapest route). Target: median scrape < ${SCRAPE_LIMIT_MS} ms.`,
    'The scrape reads the store gauges (versions by state, live jobs, operations in flight, webhook deliveries) in one statement per scrape.',
    `GET version, metrics on vs off: two servers on two stores with the same 10-version fixture, SLUICE_METRICS=off the baseline; closed loop as api-throughput. Target: >= ${ON_OFF_TARGET}.`,
  ],
  async run(settings, log) {
    const rows: ResultRow[] = [];
    for (const kind of storesToRun()) {
      rows.push(await scrapeRow(kind, log));
      rows.push(await onOffRow(settings, kind, log));
    }
    return rows;
  },
};
