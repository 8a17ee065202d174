/**
 * Batch jobs on Spark: what Sluice adds to the cluster's own times, against the fake master
 * answering at once (no SUBMITTED polls held), and how many REST calls a running driver costs.
 *
 * - activate → RUNNING seen: from just before POST …/operations/activate until GET …/jobs shows
 *   the job running, against the time the fake master put the driver on a worker.
 * - activate → completed: until GET …/jobs shows it completed, against the time the driver's
 *   JVM exited on the fake worker.
 * Both are polled by the bench every BENCH_SPARK_CLIENT_POLL_MS (10); Sluice itself asks the
 * master once per `pollIntervalMs` (BENCH_SPARK_POLL_MS, 500), so about half an interval of the
 * added time is polling by design: the row says how much more there is.
 * - REST calls per running driver per poll interval: a job running for several intervals, the
 *   fake's status call count over that window. Target ≤ 1.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { builtInCatalog } from '../src/domain/runtime-catalog.js';
import { exampleJarPath } from '../test/helpers/lifecycle.js';
import { createStore, type Request } from '../test/helpers/server.js';
import { SparkMasterProcess } from '../test/helpers/spark-master.js';
import { storesToRun } from './api-throughput.js';
import { positiveIntegerFromEnv } from './lib/env.js';
import { adminOf, expectStatus, runNowVersion } from './lib/fixtures.js';
import { median } from './lib/ratio.js';
import { latencyRow, type ResultRow } from './lib/report.js';
import { startSluice, stopAll, type BenchServer } from './lib/servers.js';
import type { Benchmark } from './types.js';

const runsFromEnv = () => positiveIntegerFromEnv('BENCH_SPARK_RUNS', 5);
const pollMsFromEnv = () => positiveIntegerFromEnv('BENCH_SPARK_POLL_MS', 500);
const clientPollMs = () => positiveIntegerFromEnv('BENCH_SPARK_CLIENT_POLL_MS', 10);
const TIMEOUT_MS = 60_000;

interface Run {
  runningSeenMs: number;
  completedSeenMs: number;
  clusterRunningMs: number;
  clusterEndedMs: number;
}

async function activateOnce(api: Request, base: string, master: SparkMasterProcess, seen: Set<string>): Promise<Run> {
  const started = performance.now();
  const postedAt = performance.timeOrigin + started;
  await expectStatus(api, 202, 'POST', `${base}/operations/activate`);
  let runningSeenMs: number | undefined;
  for (;;) {
    const jobs = await expectStatus(api, 200, 'GET', `${base}/jobs`);
    const elapsed = performance.now() - started;
    const job = jobs[0];
    if (job && !seen.has(job.id)) {
      if (job.state !== 'starting') runningSeenMs ??= elapsed;
      if (job.state === 'completed') {
        seen.add(job.id);
        const driver = (await master.view()).drivers.find((d) => d.request.sparkProperties['spark.app.name'] === `sluice-job-${job.id}`);
        if (!driver?.times.running || !driver.times.ended) throw new Error(`no driver times for job ${job.id}`);
        return { runningSeenMs: runningSeenMs!, completedSeenMs: elapsed, clusterRunningMs: driver.times.running - postedAt, clusterEndedMs: driver.times.ended - postedAt };
      }
      if (job.state !== 'starting' && job.state !== 'running') throw new Error(`job ${job.id} ended ${job.state}: ${job.message ?? ''}`);
    }
    if (elapsed > TIMEOUT_MS) throw new Error(`no completed job ${TIMEOUT_MS} ms after activate`);
    await sleep(clientPollMs());
  }
}

async function waitReady(api: Request, base: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while ((await expectStatus(api, 200, 'GET', base)).state !== 'ready') {
    if (Date.now() > deadline) throw new Error('version not ready again');
    await sleep(10);
  }
}

/** Status calls the master got for one driver running through `intervals` poll intervals. */
async function callsPerInterval(api: Request, master: SparkMasterProcess, base: string, intervals: number, pollMs: number): Promise<number> {
  await expectStatus(api, 202, 'POST', `${base}/operations/activate`);
  for (const deadline = Date.now() + TIMEOUT_MS; ; await sleep(20)) {
    const jobs = await expectStatus(api, 200, 'GET', `${base}/jobs`);
    if (jobs[0]?.state === 'running') break;
    if (Date.now() > deadline) throw new Error('slow job never running');
  }
  await master.resetCalls();
  const from = performance.now();
  await sleep(intervals * pollMs);
  const calls = (await master.view()).calls.status;
  const elapsed = performance.now() - from;
  await expectStatus(api, 202, 'POST', `${base}/operations/cancel`);
  await waitReady(api, base);
  return calls / (elapsed / pollMs);
}

async function onStore(kind: 'pglite' | 'postgres', log: (line: string) => void): Promise<ResultRow[]> {
  const pollMs = pollMsFromEnv();
  const master = await SparkMasterProcess.start({ holdSubmittedPolls: 0 });
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-bench-spark-'));
  const store = await createStore(kind, 'spark bench');
  const servers: BenchServer[] = [];
  try {
    const catalogFile = path.join(work, 'catalog.json');
    await fs.writeFile(catalogFile, JSON.stringify({
      ...builtInCatalog,
      runtimeBindings: { 'batch-3.0.0': { kind: 'spark', restUrl: master.restUrl, masterUrl: master.masterUrl, sparkVersion: '3.5.1', pollIntervalMs: pollMs, sharedDir: path.join(work, 'shared'), workerUiPort: master.workerUiPort } },
    }));
    const sluice = await startSluice({ storeEnv: { ...store.env, SLUICE_RUNTIME_CATALOG: catalogFile }, logLevel: 'warn' });
    servers.push(sluice);
    const api = (await adminOf(sluice.url)).api;
    const noop = await fs.readFile(exampleJarPath('batch-noop'));
    const base = await runNowVersion(api, { fileName: 'batch-noop.jar', content: noop, entryPoint: 'com.example.noop.Noop', workers: 1 });
    const seen = new Set<string>();
    await activateOnce(api, base, master, seen);
    await waitReady(api, base);
    const runs: Run[] = [];
    for (let i = 0; i < runsFromEnv(); i++) {
      runs.push(await activateOnce(api, base, master, seen));
      await waitReady(api, base);
    }
    await fs.writeFile(path.join(work, 'slow.txt'), Array.from({ length: 1000 }, () => 'w').join('\n'));
    const wordCount = await fs.readFile(exampleJarPath('batch-word-count'));
    const slowBase = await runNowVersion(api, { fileName: 'batch-word-count.jar', content: wordCount, entryPoint: 'com.example.wordcount.WordCount', workers: 1 });
    await expectStatus(api, 200, 'GET', slowBase);
    const [pipelinePath] = slowBase.split('/versions/');
    const slowVersion = await expectStatus(api, 201, 'POST', `${pipelinePath}/versions`, {
      name: 'slow', pipelineTemplateId: (await expectStatus(api, 200, 'GET', slowBase)).pipelineTemplateId,
      inputCatalogs: { in: 'hrn:here:data:::bench-input' }, outputCatalogHRN: 'hrn:here:data:::bench-output',
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'slow.txt')}\nwordcount.output=${path.join(work, 'slow-out.txt')}\nwordcount.line-delay-ms=50`,
    });
    const perInterval = await callsPerInterval(api, master, `${pipelinePath}/versions/${slowVersion.id}`, 8, pollMs);
    const pick = (f: (r: Run) => number) => runs.map(f);
    log(`  [${kind}] activate → RUNNING seen ms: ${pick((r) => r.runningSeenMs).map((v) => v.toFixed(0)).join(' ')} | fake master RUNNING at ${pick((r) => r.clusterRunningMs).map((v) => v.toFixed(0)).join(' ')}`);
    log(`  [${kind}] activate → completed seen ms: ${pick((r) => r.completedSeenMs).map((v) => v.toFixed(0)).join(' ')} | driver JVM exited at ${pick((r) => r.clusterEndedMs).map((v) => v.toFixed(0)).join(' ')}`);
    log(`  [${kind}] status calls per running driver per ${pollMs} ms interval: ${perInterval.toFixed(2)}`);
    const added = (subject: number[], cluster: number[]) => ({ 'added ms (median)': (median(subject) - median(cluster)).toFixed(0), 'poll interval ms': String(pollMs) });
    return [
      { ...latencyRow('spark: activate → driver RUNNING seen (vs the fake master placing it)', kind, pick((r) => r.runningSeenMs), pick((r) => r.clusterRunningMs)), extra: added(pick((r) => r.runningSeenMs), pick((r) => r.clusterRunningMs)) },
      { ...latencyRow('spark: activate → completed recorded (vs the driver JVM exit)', kind, pick((r) => r.completedSeenMs), pick((r) => r.clusterEndedMs)), extra: added(pick((r) => r.completedSeenMs), pick((r) => r.clusterEndedMs)) },
      {
        scenario: 'spark: REST status calls per running driver per poll interval (vs 1)', variant: kind, unit: 'calls',
        subject: [perInterval], baseline: [1], ratios: [perInterval],
        absolute: { figure: perInterval, limit: 1, better: 'lower', label: '<= 1 call' },
      },
    ];
  } finally {
    await stopAll(servers);
    await store.dispose();
    await master.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

export const sparkLatency: Benchmark = {
  name: 'spark',
  description: 'batch jobs on a (fake) Spark standalone master: activate → RUNNING seen / → completed recorded over the master\'s own times; REST calls per driver per poll interval',
  get notes() {
    return [
      `spark: examples/batch-noop as a run-now batch-3.0.0 version bound to a Spark runtime on the fake master (test/fakes/spark-master, its own process, drivers placed at once),`
        + ` ${runsFromEnv()} runs (BENCH_SPARK_RUNS) after one uncounted; Sluice polls the master every ${pollMsFromEnv()} ms (BENCH_SPARK_POLL_MS), the bench polls GET …/jobs every ${clientPollMs()} ms.`
        + ' Baselines are the fake master\'s own times after the POST (driver put on a worker; driver JVM exited): "added ms" is what Sluice adds, about half a poll interval of it by design.',
      'spark calls: a word-count job kept running, the fake\'s status-call count over 8 poll intervals divided by the intervals elapsed; target <= 1 per driver per interval.',
    ];
  },
  async run(_settings, log) {
    const rows: ResultRow[] = [];
    for (const kind of storesToRun()) rows.push(...await onStore(kind, log));
    return rows;
  },
};
