/**
 * Activate latency: how much longer a trivial batch job takes through Sluice (POST activate,
 * engine claim, job folder, `sh` wrapper, JVM, exit code back in the store) than the same class
 * started by hand with `java -cp <jar> <class>`, on both stores. Target: ≤ 1.2× for both
 * activate → `running` and activate → `completed`.
 *
 * Sluice's side can only be watched through the API, by polling; the polling itself slows a JVM
 * starting on the same two cores (see POLL_MS). So the baseline JVM runs while the same poller
 * polls the same route: both sides bear the watching, and the ratio shows what Sluice adds. The
 * ratio against a bare JVM nobody polls (the figure before this baseline) is kept as a column.
 *
 * A third side, the floor (lib/floor-service.ts), is a service that does only what no service of
 * this shape can skip: store the run, start the JVM, store its end, answer the same polling. Its
 * ratio to the bare JVM is the best any service could score here; Sluice's ratio to it is
 * Sluice's own overhead.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { exampleJarPath } from '../test/helpers/lifecycle.js';
import { client, createStore, type Request } from '../test/helpers/server.js';
import { storesToRun } from './api-throughput.js';
import { runBareJvm, type BareJvmRun } from './lib/bare-jvm.js';
import { positiveIntegerFromEnv } from './lib/env.js';
import { expectStatus, runNowVersion } from './lib/fixtures.js';
import { median } from './lib/ratio.js';
import { latencyRow, percentileColumn, type ResultRow } from './lib/report.js';
import { startFloorService, startSluice } from './lib/servers.js';
import { adminOf } from './lib/fixtures.js';
import { withSluice } from './lib/sluice-fixture.js';
import type { Benchmark } from './types.js';

const EXAMPLE = 'batch-noop';
const MAIN_CLASS = 'com.example.noop.Noop';
/** The same `java` the server finds: it is started with PATH and HOME only, so not $JAVA_HOME. */
const JAVA = 'java';
/**
 * Between two GETs of the job list (BENCH_ACTIVATE_POLL_MS, default 10). The server answers one
 * in ~4–5 ms here, so a state is seen ~7–10 ms after it is stored. Polling is not free on 2
 * cores: it slows a JVM starting next to it (on a quiet machine ~5 ms on a 35 ms launch, on a
 * busy one an earlier run saw 36–93 ms), which is why the baseline JVM is polled alike.
 */
const pollMsFromEnv = () => positiveIntegerFromEnv('BENCH_ACTIVATE_POLL_MS', 10);
const TARGET = 1.2;
const ISOLATION_BUDGET_MS = 10;
const JOB_TIMEOUT_MS = 30_000;
const SEEN_COLUMN = 'running seen';
const ADDED_COLUMN = 'added ms (median)';
const UNPOLLED_COLUMN = 'ratio vs bare JVM not polled';
const FLOOR_COLUMN = 'ratio vs floor service';
const ratioTo = (subject: number[], floor: number[]) => `${(median(subject) / median(floor)).toFixed(3)} (${median(floor).toFixed(1)} ms)`;

const runsFromEnv = () => positiveIntegerFromEnv('BENCH_ACTIVATE_RUNS', 10);

/** Milliseconds from just before POST …/operations/activate, each as first seen by GET …/jobs. */
interface ActivationRun {
  runningMs: number;
  completedMs: number;
  /** false: the first poll that saw the new job saw it already past `running` (runningMs is then an upper bound). */
  sawRunning: boolean;
  jobId: string;
  /** performance.timeOrigin-based epoch ms of the POST, to set file times of the job folder against. */
  postedAt: number;
  /** How long each GET of the job list took to answer (the poll's own share of the latency). */
  getMs: number[];
}

async function activateOnce(api: Request, base: string, earlierJobs: Set<string>, pollMs: number): Promise<ActivationRun> {
  const started = performance.now();
  const postedAt = performance.timeOrigin + started;
  await expectStatus(api, 202, 'POST', `${base}/operations/activate`);
  let runningMs: number | undefined;
  let sawRunning = false;
  const getMs: number[] = [];
  for (;;) {
    const asked = performance.now();
    const jobs = await expectStatus(api, 200, 'GET', `${base}/jobs`);
    const elapsed = performance.now() - started;
    getMs.push(performance.now() - asked);
    const job = jobs[0];
    if (job && !earlierJobs.has(job.id)) {
      if (job.state === 'running') sawRunning = true;
      if (job.state !== 'starting') runningMs ??= elapsed;
      if (job.state === 'completed') {
        earlierJobs.add(job.id);
        return { runningMs: runningMs!, completedMs: elapsed, sawRunning, jobId: job.id, postedAt, getMs };
      }
      if (job.state !== 'starting' && job.state !== 'running') throw new Error(`job ${job.id} ended ${job.state}: ${job.message ?? ''}`);
    }
    if (elapsed > JOB_TIMEOUT_MS) throw new Error(`no completed job ${JOB_TIMEOUT_MS} ms after activate; last: ${JSON.stringify(job)}`);
    await sleep(pollMs);
  }
}

/** The floor service's run: POST /runs, then GET /runs/:id every `pollMs` until it says completed. */
async function floorOnce(api: Request, pollMs: number): Promise<number> {
  const started = performance.now();
  const { id } = await expectStatus(api, 202, 'POST', '/runs');
  for (;;) {
    const run = await expectStatus(api, 200, 'GET', `/runs/${id}`);
    const elapsed = performance.now() - started;
    if (run.state === 'completed') return elapsed;
    if (run.state !== 'running') throw new Error(`floor run ${id} ended ${run.state} (exit ${run.exit_code})`);
    if (elapsed > JOB_TIMEOUT_MS) throw new Error(`floor run ${id} not completed ${JOB_TIMEOUT_MS} ms after POST`);
    await sleep(pollMs);
  }
}

/** Runs `body` while GETting `path` as activateOnce does (every `pollMs` after each answer). */
async function whilePolling<T>(api: Request, path: string, pollMs: number, body: () => Promise<T>): Promise<T> {
  let done = false;
  const poller = (async () => {
    while (!done) {
      await expectStatus(api, 200, 'GET', path);
      if (!done) await sleep(pollMs);
    }
  })();
  try {
    return await body();
  } finally {
    done = true;
    await poller;
  }
}

/** The job's end and the version's return to `ready` are one transaction; this only checks it. */
async function waitReady(api: Request, base: string): Promise<void> {
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const version = await expectStatus(api, 200, 'GET', base);
    if (version.state === 'ready') return;
    if (Date.now() > deadline) throw new Error(`version still ${version.state} ${JOB_TIMEOUT_MS} ms after its job completed`);
    await sleep(10);
  }
}

/**
 * Where the time of one activation went, read from the job folder's file times (ms after the
 * POST): the files Sluice writes just before it spawns the wrapper, job.log's last write (the
 * job's one line: its main has run) and exit-code (written by the wrapper once the JVM exited).
 */
interface InsideTimes {
  filesWritten: number;
  mainPrinted: number;
  exitCodeWritten: number;
}

async function insideTimes(dataDir: string, run: ActivationRun): Promise<InsideTimes> {
  const at = async (file: string) => (await fs.stat(path.join(dataDir, 'jobs', run.jobId, file))).mtimeMs - run.postedAt;
  // Written together just before the spawn: the last of them.
  const filesWritten = Math.max(await at('log4j2.xml'), await at('launched'));
  return { filesWritten, mainPrinted: await at('job.log'), exitCodeWritten: await at('exit-code') };
}

function rowOf(scenario: string, variant: string, subject: number[], baseline: number[], unpolled: number[], extra: Record<string, string> = {}): ResultRow {
  return {
    ...latencyRow(scenario, variant, subject, baseline),
    target: { ratio: TARGET, better: 'lower' },
    extra: {
      [ADDED_COLUMN]: (median(subject) - median(baseline)).toFixed(0),
      [UNPOLLED_COLUMN]: `${(median(subject) / median(unpolled)).toFixed(3)} (${median(unpolled).toFixed(1)} ms)`,
      ...percentileColumn(90, subject, baseline),
      ...extra,
    },
  };
}

const ms = (values: number[]) => values.map((v) => v.toFixed(0)).join(' ');

/** Isolated against shared, same rounds: the median may grow by at most ISOLATION_BUDGET_MS (issue 11). */
function isolationRow(scenario: string, kind: string, mode: string, isolated: number[], shared: number[]): ResultRow {
  const added = median(isolated) - median(shared);
  return {
    ...latencyRow(scenario, `${kind}, ${mode} vs shared`, isolated, shared),
    absolute: { figure: added, limit: ISOLATION_BUDGET_MS, better: 'lower', label: `median added < ${ISOLATION_BUDGET_MS} ms` },
    extra: { [ADDED_COLUMN]: added.toFixed(1) },
  };
}

async function onStore(kind: 'pglite' | 'postgres', runs: number, pollMs: number, log: (line: string) => void): Promise<ResultRow[]> {
  const disposeAfter: (() => Promise<void>)[] = [];
  const jarPath = exampleJarPath(EXAMPLE);
  const content = await fs.readFile(jarPath).catch(() => {
    throw new Error(`${jarPath} is missing: run npm run build (it builds examples/${EXAMPLE})`);
  });
  return withSluice({ kind, logLevel: 'warn' }, async ({ caller, store, servers }) => {
    const api = caller.api;
    const floorServer = await startFloorService(store.env, { java: JAVA, jar: jarPath, mainClass: MAIN_CLASS });
    servers.push(floorServer);
    const floorApi = client(floorServer.url);
    const floor = () => floorOnce(floorApi, pollMs);
    const base = await runNowVersion(api, { fileName: `${EXAMPLE}.jar`, content, entryPoint: MAIN_CLASS, workers: 1 });
    const jobs = new Set<string>();
    const mode = (await expectStatus(api, 200, 'GET', '/health/ready')).info.jobIsolation as string;
    // The same Sluice in shared mode (no sandbox), on a store of its own, measured in the same rounds.
    const sharedStore = await createStore(kind, 'sluice bench shared');
    disposeAfter.push(() => sharedStore.dispose());
    const sharedServer = await startSluice({ storeEnv: sharedStore.env, logLevel: 'warn', name: 'sluice (shared mode)', env: { SLUICE_JOB_ISOLATION: 'shared' } });
    servers.push(sharedServer);
    const sharedApi = (await adminOf(sharedServer.url)).api;
    const sharedBase = await runNowVersion(sharedApi, { fileName: `${EXAMPLE}.jar`, content, entryPoint: MAIN_CLASS, workers: 1 });
    const sharedJobs = new Set<string>();
    const sharedSubject = async () => {
      const run = await activateOnce(sharedApi, sharedBase, sharedJobs, pollMs);
      await waitReady(sharedApi, sharedBase);
      return run;
    };
    const bare = () => runBareJvm(JAVA, jarPath, MAIN_CLASS);
    const polledBare = () => whilePolling(api, `${base}/jobs`, pollMs, bare);
    const subject = async () => {
      const run = await activateOnce(api, base, jobs, pollMs);
      await waitReady(api, base);
      return run;
    };
    // Uncounted: the first JVM of a run reads the JDK's class data archive from disk, the first
    // activation warms the server's code paths and the store's caches.
    await bare();
    await polledBare();
    await subject();
    await sharedSubject();
    await floor();

    const baseline: BareJvmRun[] = [];
    const unpolledBaseline: BareJvmRun[] = [];
    const measured: ActivationRun[] = [];
    const floors: number[] = [];
    const shared: ActivationRun[] = [];
    for (let i = 0; i < runs; i++) {
      // B P F H S, S H F P B, …: a drift in the machine's load during a round favours no side.
      const steps = [
        async () => unpolledBaseline.push(await bare()),
        async () => baseline.push(await polledBare()),
        async () => floors.push(await floor()),
        async () => shared.push(await sharedSubject()),
        async () => measured.push(await subject()),
      ];
      for (const step of i % 2 === 0 ? steps : steps.reverse()) await step();
    }
    const running = measured.map((r) => r.runningMs);
    const completed = measured.map((r) => r.completedMs);
    const started = baseline.map((r) => r.mainStartedMs);
    const exited = baseline.map((r) => r.exitedMs);
    const unpolledStarted = unpolledBaseline.map((r) => r.mainStartedMs);
    const unpolledExited = unpolledBaseline.map((r) => r.exitedMs);
    log(`  [${kind}] activate → running ms: ${ms(running)} | bare JVM, polled alongside → first stdout ms: ${ms(started)} | not polled: ${ms(unpolledStarted)}`);
    log(`  [${kind}] activate → completed ms: ${ms(completed)} | bare JVM, polled alongside → exit ms: ${ms(exited)} | not polled: ${ms(unpolledExited)}`);
    log(`  [${kind}] floor service (store, spawn, store, polled alike) → completed ms: ${ms(floors)}`);
    log(`  [${kind}] medians: running ${median(running).toFixed(0)} vs ${median(started).toFixed(0)} (not polled ${median(unpolledStarted).toFixed(0)}),`
      + ` completed ${median(completed).toFixed(0)} vs ${median(exited).toFixed(0)} (not polled ${median(unpolledExited).toFixed(0)});`
      + ` GET …/jobs answered in ${median(measured.flatMap((r) => r.getMs)).toFixed(1)} ms (median)`);
    const inside = await Promise.all(measured.map((run) => insideTimes(store.env.SLUICE_DATA_DIR, run)));
    const at = (pick: (t: InsideTimes) => number) => median(inside.map(pick)).toFixed(0);
    log(`  [${kind}] inside Sluice, medians after the POST (job folder file times): job files written ${at((t) => t.filesWritten)} ms,`
      + ` JVM main printed ${at((t) => t.mainPrinted)} ms, exit code written ${at((t) => t.exitCodeWritten)} ms;`
      + ` JVM spawn → main ${at((t) => t.mainPrinted - t.filesWritten)} ms (bare: ${median(started).toFixed(0)} ms)`);
    const seen = measured.filter((r) => r.sawRunning).length;
    const sharedRunning = shared.map((r) => r.runningMs);
    const sharedCompleted = shared.map((r) => r.completedMs);
    log(`  [${kind}] shared mode: activate → running ms: ${ms(sharedRunning)} | → completed ms: ${ms(sharedCompleted)}`);
    const variant = `${kind}, ${mode}`;
    return [
      rowOf('activate → running (vs JVM first stdout line)', variant, running, started, unpolledStarted, { [SEEN_COLUMN]: `${seen}/${runs}` }),
      rowOf('activate → completed (vs JVM exit)', variant, completed, exited, unpolledExited, { [FLOOR_COLUMN]: ratioTo(completed, floors) }),
      rowOf('activate → running (vs JVM first stdout line)', `${kind}, shared`, sharedRunning, started, unpolledStarted),
      rowOf('activate → completed (vs JVM exit)', `${kind}, shared`, sharedCompleted, exited, unpolledExited),
      isolationRow('isolation cost: activate → running', kind, mode, running, sharedRunning),
      isolationRow('isolation cost: activate → completed', kind, mode, completed, sharedCompleted),
      rowOf('floor service → completed (vs JVM exit)', kind, floors, exited, unpolledExited),
    ];
  }).finally(async () => {
    for (const dispose of disposeAfter.splice(0)) await dispose();
  });
}

export const activateLatency: Benchmark = {
  name: 'activate',
  description: `activate → running and → completed of a trivial batch job (examples/${EXAMPLE}) vs a bare java -cp launch, PGlite and PostgreSQL`,
  get notes() {
    return [
      `activate: examples/${EXAMPLE} (${MAIN_CLASS}: prints one line, exits 0) as a run-now batch version, one worker, on a Sluice at log level warn.`
        + ` Subject: from just before POST …/operations/activate until GET …/jobs (polled every ${pollMsFromEnv()} ms after each answer, BENCH_ACTIVATE_POLL_MS) first shows the new job running / completed.`,
      `activate baseline: \`${JAVA} -cp ${EXAMPLE}.jar ${MAIN_CLASS}\` spawned by the bench (no flags, no wrapper); for → running, until its first line of stdout`
        + ' (main has started); for → completed, until the process exits (its exit event: no polling delay). Sluice adds -Xmx, -XX:+UseG1GC, four -D flags and the sh wrapper.'
        + ` While it runs, the bench polls GET …/jobs of the version as it does for the subject, so that both sides bear the same watching;`
        + ` "${UNPOLLED_COLUMN}" is the ratio against a bare JVM with no polling (this benchmark's baseline until the change), measured in the same run.`
        + ` The subject still sees a state only at its next poll: on average about half an interval plus one GET (its median is printed) after it is stored.`,
      'activate floor: a Fastify service on the same store kind that, per POST, inserts a row, spawns the same bare `java -cp` itself and updates the row on exit,'
        + ' polled on GET /runs/:id like the subject (lib/floor-service.ts): no auth, validation, claim, job files, wrapper or crash safety.'
        + ` Its ratio is the best a service of this shape scores against the bare JVM here; "${FLOOR_COLUMN}" is Sluice's own share.`,
      `activate: ${runsFromEnv()} runs of each (BENCH_ACTIVATE_RUNS) after one uncounted of each, interleaved B P F S, S F P B … (B: bare, P: bare polled, F: floor); subject and baseline are medians,`
        + ` ratio = median subject / median baseline (the range shows per-pair ratios); target <= ${TARGET}.`
        + ` "${SEEN_COLUMN}": runs in which a poll saw the job in running (else the job was first seen completed, and that time counts).`,
      'activate: the Sluice measured runs its jobs as it does by default on this machine (isolated as root with bubblewrap, else shared; the variant column says which);'
        + ' a second Sluice with SLUICE_JOB_ISOLATION=shared, on a store of its own, is activated in the same rounds (H), and "isolation cost" rows compare the two: target, the median grows by less than 10 ms.',
      'activate: Sluice marks a job running once its wrapper process is alive, before the JVM has run main; the "inside Sluice" line (stderr) gives,'
        + ' from the job folder\'s file times, when the files were written (just before spawn), when the JVM printed and when the exit code was written.',
    ];
  },
  async run(_settings, log) {
    const runs = runsFromEnv();
    const pollMs = pollMsFromEnv();
    const rows: ResultRow[] = [];
    for (const kind of storesToRun()) rows.push(...await onStore(kind, runs, pollMs, log));
    return rows;
  },
};
