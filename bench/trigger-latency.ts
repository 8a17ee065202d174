/**
 * Issue 5 (a): a catalog version published → the job of a scheduled version `running`, over
 * BENCH_PUBLISH_RUNS publishes (default 100), against a bare JVM launch of the same class
 * measured in the same run. Target: p99 < 1 s on the embedded default (PGlite).
 */
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { exampleJarPath } from '../test/helpers/lifecycle.js';
import type { Request } from '../test/helpers/server.js';
import { storesToRun } from './api-throughput.js';
import { runBareJvm } from './lib/bare-jvm.js';
import { positiveIntegerFromEnv } from './lib/env.js';
import { expectStatus } from './lib/fixtures.js';
import { median, percentile } from './lib/ratio.js';
import { latencyRow, percentileColumn, type ResultRow } from './lib/report.js';
import { activatedScheduledVersion, publishCatalogVersion, waitForVersion } from './lib/scheduled.js';
import { withSluice } from './lib/sluice-fixture.js';
import type { Benchmark } from './types.js';

const EXAMPLE = 'batch-noop';
const MAIN_CLASS = 'com.example.noop.Noop';
const JAVA = 'java';
const P99_LIMIT_MS = 1000;
const JOB_TIMEOUT_MS = 30_000;
/** Between two GETs of the job list: a state is seen ~POLL_MS/2 late on average. */
const POLL_MS = 10;

const runsFromEnv = () => positiveIntegerFromEnv('BENCH_PUBLISH_RUNS', 100);
/** Milliseconds from just before the publish POST until GET …/jobs shows the new job past `starting`. */
async function publishOnce(api: Request, base: string, hrn: string, jobsBefore: number): Promise<{ runningMs: number; completedMs: number }> {
  const started = performance.now();
  await publishCatalogVersion(api, hrn);
  let runningMs: number | undefined;
  for (;;) {
    const jobs = await expectStatus(api, 200, 'GET', `${base}/jobs`);
    const elapsed = performance.now() - started;
    const job = jobs.length > jobsBefore ? jobs[0] : undefined;
    if (job && job.state !== 'starting') runningMs ??= elapsed;
    if (job?.state === 'completed') return { runningMs: runningMs!, completedMs: elapsed };
    if (job && !['starting', 'running'].includes(job.state)) throw new Error(`job ${job.id} ended ${job.state}: ${job.message ?? ''}`);
    if (elapsed > JOB_TIMEOUT_MS) throw new Error(`no completed job ${JOB_TIMEOUT_MS} ms after the publish; last: ${JSON.stringify(job)}`);
    await sleep(POLL_MS);
  }
}

const ms = (values: number[]) => `p50 ${median(values).toFixed(0)}, p90 ${percentile(values, 90).toFixed(0)}, p99 ${percentile(values, 99).toFixed(0)}, max ${Math.max(...values).toFixed(0)}`;

async function onStore(kind: 'pglite' | 'postgres', runs: number, log: (line: string) => void): Promise<ResultRow[]> {
  const jarPath = exampleJarPath(EXAMPLE);
  const content = await fs.readFile(jarPath).catch(() => {
    throw new Error(`${jarPath} is missing: run npm run build (it builds examples/${EXAMPLE})`);
  });
  return withSluice({ kind, logLevel: 'warn' }, async ({ caller }) => {
    const api = caller.api;
    const hrn = `hrn:here:data:::bench-publish-${Date.now()}`;
    const { base } = await activatedScheduledVersion(api, { fileName: `${EXAMPLE}.jar`, content, entryPoint: MAIN_CLASS, workers: 1 }, {
      name: 'bench-publish',
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' },
      inputHrn: hrn,
      outputHrn: 'hrn:here:data:::bench-publish-output',
    });
    let jobs = 0;
    const subject = async () => {
      const run = await publishOnce(api, base, hrn, jobs);
      jobs++;
      // The job's end puts the version back to `scheduled`; the next publish must find it there.
      await waitForVersion(api, base, 'scheduled', JOB_TIMEOUT_MS);
      return run;
    };
    const bare = () => runBareJvm(JAVA, jarPath, MAIN_CLASS);
    // Uncounted: the JDK's class data archive read from disk, the server's code paths warmed.
    await bare();
    await subject();
    const running: number[] = [];
    const completed: number[] = [];
    const started: number[] = [];
    const exited: number[] = [];
    for (let i = 0; i < runs; i++) {
      const b = async () => { const r = await bare(); started.push(r.mainStartedMs); exited.push(r.exitedMs); };
      const s = async () => { const r = await subject(); running.push(r.runningMs); completed.push(r.completedMs); };
      // B S, S B, …: a drift in the machine's load favours neither side.
      if (i % 2 === 0) { await b(); await s(); } else { await s(); await b(); }
      if ((i + 1) % 25 === 0) log(`  [${kind}] ${i + 1}/${runs} publishes`);
    }
    log(`  [${kind}] publish → running ms: ${ms(running)} | bare JVM → first stdout ms: ${ms(started)}`);
    log(`  [${kind}] publish → completed ms: ${ms(completed)} | bare JVM → exit ms: ${ms(exited)}`);
    const row = (scenario: string, subjectMs: number[], baselineMs: number[], limited: boolean): ResultRow => ({
      ...latencyRow(scenario, kind, subjectMs, baselineMs),
      extra: percentileColumn(99, subjectMs, baselineMs),
      absolute: limited
        ? { figure: percentile(subjectMs, 99), limit: P99_LIMIT_MS, better: 'lower', label: `p99 < ${P99_LIMIT_MS} ms` }
        : undefined,
    });
    return [
      row('catalog publish → running (vs JVM first stdout line)', running, started, true),
      row('catalog publish → completed (vs JVM exit)', completed, exited, false),
    ];
  });
}

export const triggerLatency: Benchmark = {
  name: 'publish',
  description: `catalog version published → job running of a version_resolver version (examples/${EXAMPLE}) vs a bare java -cp launch, PGlite and PostgreSQL`,
  get notes() {
    return [
      `publish: one scheduled batch version (catalogTriggerOptions: version_resolver) of examples/${EXAMPLE}, created and activated over HTTP;`
        + ` ${runsFromEnv()} publishes (BENCH_PUBLISH_RUNS) of its input catalog through POST /sluice/v1/catalogs/{hrn}/versions, each after the`
        + ` previous job completed and the version was scheduled again. Subject: from just before the POST until GET …/jobs (polled every ${POLL_MS} ms)`
        + ' shows the new job past starting; baseline: a bare `java -cp` of the same class until its first stdout line, interleaved B S S B …'
        + ` Median columns and ratio are medians; the target is on the subject's p99 (issue 5: < ${P99_LIMIT_MS} ms on PGlite).`,
    ];
  },
  async run(_settings, log) {
    const rows: ResultRow[] = [];
    for (const kind of storesToRun()) rows.push(...await onStore(kind, runsFromEnv(), log));
    return rows;
  },
};
