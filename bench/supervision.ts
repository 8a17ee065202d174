/**
 * Issue 12, "Supervision must cost almost nothing per job": the server's own CPU with N live
 * local-JVM stream jobs (examples/stream-counter, default 50), against the same server with no
 * jobs, in one run on each store; reported as % of one core per live job (target ≤ 0.1 %).
 * The jobs count every second and checkpoint every BENCH_SUPERVISION_CHECKPOINT_MS (default
 * 10 s, a common Flink checkpoint interval): each checkpoint is a change the engine records.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs/promises';
import { exampleJarPath } from '../test/helpers/lifecycle.js';
import { createStore, type Request, type Store, type StoreKind } from '../test/helpers/server.js';
import { storesToRun } from './api-throughput.js';
import { positiveIntegerFromEnv } from './lib/env.js';
import { adminOf, createTemplate, expectStatus, GROUP } from './lib/fixtures.js';
import type { ResultRow } from './lib/report.js';
import { startSluice, stopAll, tail, type BenchServer } from './lib/servers.js';
import type { Benchmark } from './types.js';

const TARGET_PERCENT_PER_JOB = 0.1;
const jobsFromEnv = () => positiveIntegerFromEnv('BENCH_SUPERVISION_JOBS', 50);
const secondsFromEnv = () => positiveIntegerFromEnv('BENCH_SUPERVISION_SECONDS', 30);
const checkpointMsFromEnv = () => positiveIntegerFromEnv('BENCH_SUPERVISION_CHECKPOINT_MS', 10_000);

/** % of one core the server used over `seconds`. */
async function cpuPercentOver(sluice: BenchServer, seconds: number): Promise<number> {
  const cpu0 = sluice.cpuSeconds();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  return (100 * (sluice.cpuSeconds() - cpu0)) / ((performance.now() - t0) / 1000);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

async function liveJobs(api: Request, bases: string[]): Promise<number> {
  let running = 0;
  for (const base of bases) {
    const version = await expectStatus(api, 200, 'GET', base);
    if (version.state === 'running') running++;
  }
  return running;
}

async function onStore(kind: StoreKind, log: (line: string) => void): Promise<ResultRow> {
  const jobs = jobsFromEnv();
  const seconds = secondsFromEnv();
  let store: Store | undefined;
  const servers: BenchServer[] = [];
  const bases: string[] = [];
  let api: Request | undefined;
  try {
    store = await createStore(kind, 'sluice bench supervision');
    // 64 MB heaps: 50 JVMs fit in a few GB; the counter needs almost none.
    const sluice = await startSluice({ storeEnv: { ...store.env, SLUICE_LOCAL_MAX_HEAP_MB: '64' }, logLevel: 'warn', startTimeoutMs: 300_000 });
    servers.push(sluice);
    api = (await adminOf(sluice.url)).api;
    const templateId = await createTemplate(api, {
      fileName: 'stream-counter.jar', content: await fs.readFile(exampleJarPath('stream-counter')), entryPoint: 'com.example.counter.Counter', workers: 1, runtimeEnvironment: 'stream-5.0',
    });
    for (let i = 0; i < jobs; i++) {
      const pipeline = await expectStatus(api, 201, 'POST', '/v2/pipelines', { name: `bench-supervision-${i}`, groupId: GROUP });
      const version = await expectStatus(api, 201, 'POST', `/v2/pipelines/${pipeline.id}/versions`, {
        name: 'bench-supervision-version', pipelineTemplateId: templateId, inputCatalogs: {}, outputCatalogHRN: 'hrn:here:data:::bench-output',
        customRuntimeConfiguration: `counter.interval-ms=1000\ncounter.checkpoint-interval-ms=${checkpointMsFromEnv()}`,
      });
      bases.push(`/v2/pipelines/${pipeline.id}/versions/${version.id}`);
    }
    await sleep(3000);
    const idle = await cpuPercentOver(sluice, seconds);
    log(`  [${kind}] no jobs: ${idle.toFixed(2)} % of a core over ${seconds} s`);
    for (const base of bases) await expectStatus(api, 202, 'POST', `${base}/operations/activate`);
    await waitFor(`${jobs} stream jobs running`, async () => (await liveJobs(api!, bases)) === jobs);
    // The JVMs' start and first checkpoints settle before the window.
    await sleep(Math.max(5000, checkpointMsFromEnv()));
    const busy = await cpuPercentOver(sluice, seconds);
    const perJob = (busy - idle) / jobs;
    log(`  [${kind}] ${jobs} live jobs: ${busy.toFixed(2)} % of a core; ${perJob.toFixed(3)} % per job`);
    return {
      scenario: `supervision: server CPU per live local-JVM stream job (${jobs} jobs)`,
      variant: kind,
      unit: '% core',
      subject: [busy],
      baseline: [idle],
      ratios: [busy / Math.max(idle, 0.01)],
      ratioOf: 'medians',
      absolute: { figure: perJob, limit: TARGET_PERCENT_PER_JOB, better: 'lower', label: `per job ≤ ${TARGET_PERCENT_PER_JOB} %` },
      extra: { '% core per job': perJob.toFixed(3) },
    };
  } catch (error) {
    const said = servers.map((server) => `--- ${server.name} (pid ${server.pid}, ${server.state()}), last lines:\n${tail(server.output())}`);
    throw new Error(`${kind}: ${error instanceof Error ? error.message : String(error)}\n${said.join('\n')}`, { cause: error });
  } finally {
    // The jobs outlive the service: cancel them first.
    if (api) {
      for (const base of bases) await api('POST', `${base}/operations/cancel`).catch(() => undefined);
      await waitFor('the bench jobs canceled', async () => (await liveJobs(api!, bases)) === 0, 120_000).catch((error) => log(`  [${kind}] ${String(error)}`));
    }
    await stopAll(servers);
    await store?.dispose();
  }
}

export const supervision: Benchmark = {
  name: 'supervision',
  byDefault: false,
  description: 'server CPU per live local-JVM stream job, against the same server with no jobs',
  notes: [
    `supervision: ${jobsFromEnv()} stream-counter jobs (BENCH_SUPERVISION_JOBS), counting every second, checkpointing every ${checkpointMsFromEnv()} ms (BENCH_SUPERVISION_CHECKPOINT_MS);`
      + ` server CPU (utime + stime of the sluice process) over ${secondsFromEnv()} s (BENCH_SUPERVISION_SECONDS) with the jobs live, and before with none.`,
    'supervision: subject = % of a core with the jobs, baseline = with none; per job = (subject − baseline) / jobs; target ≤ 0.1 % per job.',
  ],
  async run(_settings, log) {
    const rows: ResultRow[] = [];
    for (const kind of storesToRun()) rows.push(await onStore(kind, log));
    return rows;
  },
};
