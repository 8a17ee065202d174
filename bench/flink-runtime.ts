/**
 * Stream versions on the Flink runtime, against the fake JobManager answering at once (jobs
 * RUNNING on submission, savepoints COMPLETED at the first status poll), per store:
 * - activate → the Flink job seen RUNNING (the version's job `running` in the API), and
 *   pause → snapshot recorded (the operation succeeded and the snapshot listed): each as the
 *   milliseconds Sluice adds over the fake's own answer times in the same window;
 * - REST calls per live job per minute while BENCH_FLINK_LIVE jobs run (default 20; 500 for the
 *   issue's figure), against the target of ≤ 2 per job per poll interval, and Sluice's CPU per
 *   live job over the same window against the same service before any job ran.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { builtInCatalog } from '../src/domain/runtime-catalog.js';
import { startFakeJobManager, type FakeJobManager } from '../test/helpers/flink-fake.js';
import { exampleJarPath } from '../test/helpers/lifecycle.js';
import { createStore, type Request, type StoreKind } from '../test/helpers/server.js';
import { storesToRun } from './api-throughput.js';
import { positiveIntegerFromEnv } from './lib/env.js';
import { adminOf, expectStatus, streamVersion } from './lib/fixtures.js';
import { median } from './lib/ratio.js';
import type { ResultRow } from './lib/report.js';
import { startSluice, stopAll, type BenchServer } from './lib/servers.js';
import type { Benchmark } from './types.js';

const TIMEOUT_MS = 60_000;
const runsFromEnv = () => positiveIntegerFromEnv('BENCH_FLINK_RUNS', 10);
const liveFromEnv = () => positiveIntegerFromEnv('BENCH_FLINK_LIVE', 20);
const pollMsFromEnv = () => positiveIntegerFromEnv('BENCH_FLINK_POLL_MS', 1000);
const windowSecondsFromEnv = () => positiveIntegerFromEnv('BENCH_FLINK_WINDOW_S', 30);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`${what}: not within ${TIMEOUT_MS} ms`);
    await sleep(5);
  }
}

async function operation(api: Request, base: string, type: string, body?: unknown): Promise<string> {
  return (await expectStatus(api, 202, 'POST', `${base}/operations/${type}`, body ?? {})).id;
}

const succeeded = async (api: Request, base: string, id: string) => {
  const op = await expectStatus(api, 200, 'GET', `${base}/operations/${id}`);
  if (op.state === 'failed') throw new Error(`operation ${op.type ?? id} failed: ${op.message}`);
  return op.state === 'succeeded';
};

/** One timed step: milliseconds until `done`, and the fake's own answer time within them. */
async function timed(fake: FakeJobManager, step: () => Promise<void>): Promise<{ total: number; fake: number }> {
  const before = (await fake.calls()).handleMs;
  const started = performance.now();
  await step();
  const total = performance.now() - started;
  return { total, fake: (await fake.calls()).handleMs - before };
}

interface Measured { activate: { total: number; fake: number }[]; pause: { total: number; fake: number }[]; callsPerJobMinute: number; cpuPerJobPercent: number; idleCpuPercent: number }

async function onStore(kind: StoreKind, log: (line: string) => void): Promise<Measured> {
  const fake = await startFakeJobManager({ startPolls: 0, savepointPolls: 0, checkpointIntervalMs: 1000 });
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-bench-flink-'));
  const store = await createStore(kind, 'sluice bench flink');
  const servers: BenchServer[] = [];
  try {
    const pollMs = pollMsFromEnv();
    const catalog = path.join(work, 'catalog.json');
    await fs.writeFile(catalog, JSON.stringify({
      ...builtInCatalog,
      runtimeBindings: { 'stream-5.0': { kind: 'flink', restUrl: fake.restUrl, savepointBase: 'file:/bench/sp', checkpointBase: 'file:/bench/ck', pollIntervalMs: pollMs } },
    }));
    const port = await freePort();
    const sluice = await startSluice({
      storeEnv: store.env, logLevel: 'warn',
      env: { SLUICE_RUNTIME_CATALOG: catalog, PORT: String(port), SLUICE_PUBLIC_URL: `http://127.0.0.1:${port}` },
    });
    servers.push(sluice);
    const { api } = await adminOf(sluice.url);
    const jar = { fileName: 'stream-counter.jar', content: await fs.readFile(exampleJarPath('stream-counter')), entryPoint: 'com.example.counter.Counter', workers: 1 };
    const base = await streamVersion(api, jar, 'counter.output=/dev/null');
    const pipelineId = base.split('/')[3];
    const jobRunning = async (previous: string | undefined, of = base) => {
      const [job] = await expectStatus(api, 200, 'GET', `${of}/jobs`);
      return Boolean(job && job.id !== previous && job.state === 'running');
    };
    const snapshots = async () => (await expectStatus(api, 201, 'GET', `/v2/pipelines/${pipelineId}/snapshots`)).length as number; // the contract lists snapshots with 201

    // Uncounted first round: the JAR's upload, JIT.
    let op = await operation(api, base, 'activate');
    await until('first activate', async () => (await succeeded(api, base, op)) && jobRunning(undefined));
    const activate: Measured['activate'] = [];
    const pause: Measured['pause'] = [];
    for (let i = 0; i < runsFromEnv(); i++) {
      const [current] = await expectStatus(api, 200, 'GET', `${base}/jobs`);
      const count = await snapshots();
      pause.push(await timed(fake, async () => {
        op = await operation(api, base, 'pause');
        await until('pause', async () => (await succeeded(api, base, op)) && (await snapshots()) > count);
      }));
      activate.push(await timed(fake, async () => {
        op = await operation(api, base, 'resume');
        await until('resume', async () => (await succeeded(api, base, op)) && jobRunning(current.id));
      }));
    }

    // Supervision: the service alone for a window, then with live jobs for the same window.
    const windowMs = windowSecondsFromEnv() * 1000;
    const cpuOver = async () => {
      const before = sluice.cpuSeconds();
      await sleep(windowMs);
      return ((sluice.cpuSeconds() - before) / (windowMs / 1000)) * 100;
    };
    op = await operation(api, base, 'cancel');
    await until('cancel', () => succeeded(api, base, op));
    const idleCpuPercent = await cpuOver();
    const live = liveFromEnv();
    const bases: string[] = [];
    for (let i = 0; i < live; i++) bases.push(await streamVersion(api, jar, 'counter.output=/dev/null'));
    const ops = await Promise.all(bases.map((b) => operation(api, b, 'activate')));
    await until(`${live} jobs running`, async () => (await Promise.all(bases.map(async (b, i) => (await succeeded(api, b, ops[i])) && jobRunning(undefined, b)))).every(Boolean));
    await sleep(2 * pollMs); // untimed: the first polls after the launches settle
    await fake.resetCalls();
    const liveCpu = await cpuOver();
    const calls = await fake.calls();
    const perJob = Object.values(calls.byJob);
    const callsPerJobMinute = perJob.reduce((a, b) => a + b, 0) / Math.max(1, live) / (windowMs / 60_000);
    log(`  [${kind}] ${live} live jobs, poll ${pollMs} ms: ${calls.total} REST calls in ${windowMs / 1000} s (${JSON.stringify(calls.byRoute)}); CPU ${idleCpuPercent.toFixed(2)} % idle, ${liveCpu.toFixed(2)} % live`);
    return { activate, pause, callsPerJobMinute, cpuPerJobPercent: (liveCpu - idleCpuPercent) / live, idleCpuPercent };
  } finally {
    await stopAll(servers);
    await store.dispose();
    await fake.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

function addedRow(scenario: string, variant: string, samples: { total: number; fake: number }[]): ResultRow {
  const subject = samples.map((s) => s.total);
  const baseline = samples.map((s) => s.fake);
  return {
    scenario, variant, unit: 'ms', subject, baseline, ratios: subject.map((s, i) => s / Math.max(baseline[i], 0.001)), ratioOf: 'medians',
    extra: { 'added ms (median)': (median(samples.map((s) => s.total - s.fake))).toFixed(1) },
  };
}

export const flinkRuntime: Benchmark = {
  name: 'flink',
  description: 'Flink runtime against the fake JobManager: activate → RUNNING, pause → snapshot (added ms over the fake), REST calls and CPU per live job',
  get notes() {
    return [
      'flink: the fake JobManager (test/fakes/flink-jobmanager) answers at once: a job is RUNNING on submission, a savepoint COMPLETED at its first status poll.'
        + ' Baseline: the fake\'s own answer time summed over the calls made in the window; "added ms" = subject − baseline, the cost of Sluice itself (API, engine, store, polling).',
      `flink: activate → RUNNING measured on resume (a job from a snapshot: upload already done), ${runsFromEnv()} runs (BENCH_FLINK_RUNS) after one uncounted; pause → snapshot recorded: until the operation succeeded and the snapshot is listed.`,
      `flink: supervision: ${liveFromEnv()} live jobs (BENCH_FLINK_LIVE), poll interval ${pollMsFromEnv()} ms (BENCH_FLINK_POLL_MS), a window of ${windowSecondsFromEnv()} s (BENCH_FLINK_WINDOW_S);`
        + ' REST calls counted by the fake; Sluice CPU per live job = (CPU with the jobs − CPU of the same service idle) / jobs.',
    ];
  },
  async run(_settings, log) {
    const rows: ResultRow[] = [];
    const pollMs = pollMsFromEnv();
    const callLimit = 2 * (60_000 / pollMs);
    for (const kind of storesToRun()) {
      const m = await onStore(kind, log);
      rows.push(addedRow('flink: activate (resume) → Flink job RUNNING seen', kind, m.activate));
      rows.push(addedRow('flink: pause → snapshot recorded', kind, m.pause));
      rows.push({
        scenario: `flink: REST calls per live job per minute (${liveFromEnv()} jobs, poll ${pollMs} ms)`, variant: kind, unit: 'calls/min',
        subject: [m.callsPerJobMinute], baseline: [callLimit], ratios: [m.callsPerJobMinute / callLimit],
        absolute: { figure: m.callsPerJobMinute, limit: callLimit, better: 'lower', label: `<= ${callLimit} (2 per poll)` },
      });
      rows.push({
        scenario: `flink: Sluice CPU per live job (${liveFromEnv()} jobs)`, variant: kind, unit: '% core',
        subject: [m.cpuPerJobPercent], baseline: [m.idleCpuPercent], ratios: [m.cpuPerJobPercent / Math.max(m.idleCpuPercent, 0.001)],
        absolute: { figure: m.cpuPerJobPercent, limit: 0.1, better: 'lower', label: '<= 0.1 % core' },
      });
    }
    return rows;
  },
};
