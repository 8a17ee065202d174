/**
 * Activate latency: how much longer a trivial batch job takes through Sluice (POST activate,
 * engine claim, job folder, `sh` wrapper, JVM, exit code back in the store) than the same class
 * started by hand with `java -cp <jar> <class>`, on both stores. Target: ≤ 1.2× for both
 * activate → `running` and activate → `completed`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { exampleJarPath } from '../test/helpers/lifecycle.js';
import type { Request } from '../test/helpers/server.js';
import { storesToRun } from './api-throughput.js';
import { runBareJvm, type BareJvmRun } from './lib/bare-jvm.js';
import { expectStatus, runNowVersion } from './lib/fixtures.js';
import { median, percentile } from './lib/ratio.js';
import type { ResultRow } from './lib/report.js';
import { withSluice } from './lib/sluice-fixture.js';
import type { Benchmark } from './types.js';

const EXAMPLE = 'batch-noop';
const MAIN_CLASS = 'com.example.noop.Noop';
/** The same `java` the server finds: it is started with PATH and HOME only, so not $JAVA_HOME. */
const JAVA = 'java';
/**
 * Between two GETs of the job list (BENCH_ACTIVATE_POLL_MS, default 10). The server answers one
 * in ~2–5 ms here, so a state is seen ~10 ms late on average. Polling is not free on 2 cores:
 * measured next to a bare JVM, GETs every 10 ms delayed its main by 36 ms (PGlite) to 93 ms
 * (PostgreSQL: three queries per GET, each also waking a backend); a longer interval trades that
 * for granularity, so both are reported with the interval.
 */
const pollMsFromEnv = () => positiveIntegerFromEnv('BENCH_ACTIVATE_POLL_MS', 10);
const TARGET = 1.2;
const JOB_TIMEOUT_MS = 30_000;
const P90_COLUMN = 'p90 ms (subject / baseline)';
const SEEN_COLUMN = 'running seen';

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

const runsFromEnv = () => positiveIntegerFromEnv('BENCH_ACTIVATE_RUNS', 10);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds from just before POST …/operations/activate, each as first seen by GET …/jobs. */
interface ActivationRun {
  runningMs: number;
  completedMs: number;
  /** false: the first poll that saw the new job saw it already past `running` (runningMs is then an upper bound). */
  sawRunning: boolean;
  jobId: string;
  /** performance.timeOrigin-based epoch ms of the POST, to set file times of the job folder against. */
  postedAt: number;
}

async function activateOnce(api: Request, base: string, earlierJobs: Set<string>, pollMs: number): Promise<ActivationRun> {
  const started = performance.now();
  const postedAt = performance.timeOrigin + started;
  await expectStatus(api, 202, 'POST', `${base}/operations/activate`);
  let runningMs: number | undefined;
  let sawRunning = false;
  for (;;) {
    const jobs = await expectStatus(api, 200, 'GET', `${base}/jobs`);
    const elapsed = performance.now() - started;
    const job = jobs[0];
    if (job && !earlierJobs.has(job.id)) {
      if (job.state === 'running') sawRunning = true;
      if (job.state !== 'starting') runningMs ??= elapsed;
      if (job.state === 'completed') {
        earlierJobs.add(job.id);
        return { runningMs: runningMs!, completedMs: elapsed, sawRunning, jobId: job.id, postedAt };
      }
      if (job.state !== 'starting' && job.state !== 'running') throw new Error(`job ${job.id} ended ${job.state}: ${job.message ?? ''}`);
    }
    if (elapsed > JOB_TIMEOUT_MS) throw new Error(`no completed job ${JOB_TIMEOUT_MS} ms after activate; last: ${JSON.stringify(job)}`);
    await sleep(pollMs);
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
  return { filesWritten: await at('log4j2.xml'), mainPrinted: await at('job.log'), exitCodeWritten: await at('exit-code') };
}

function rowOf(scenario: string, variant: string, subject: number[], baseline: number[], extra: Record<string, string> = {}): ResultRow {
  return {
    scenario,
    variant,
    unit: 'ms',
    subject,
    baseline,
    ratios: subject.map((s, i) => s / baseline[i]),
    ratioOf: 'medians',
    target: { ratio: TARGET, better: 'lower' },
    extra: { [P90_COLUMN]: `${percentile(subject, 90).toFixed(0)} / ${percentile(baseline, 90).toFixed(0)}`, ...extra },
  };
}

const ms = (values: number[]) => values.map((v) => v.toFixed(0)).join(' ');

async function onStore(kind: 'pglite' | 'postgres', runs: number, pollMs: number, log: (line: string) => void): Promise<ResultRow[]> {
  const jarPath = exampleJarPath(EXAMPLE);
  const content = await fs.readFile(jarPath).catch(() => {
    throw new Error(`${jarPath} is missing: run npm run build (it builds examples/${EXAMPLE})`);
  });
  return withSluice({ kind, logLevel: 'warn' }, async ({ caller, store }) => {
    const api = caller.api;
    const base = await runNowVersion(api, { fileName: `${EXAMPLE}.jar`, content, entryPoint: MAIN_CLASS, workers: 1 });
    const jobs = new Set<string>();
    const bare = () => runBareJvm(JAVA, jarPath, MAIN_CLASS);
    const subject = async () => {
      const run = await activateOnce(api, base, jobs, pollMs);
      await waitReady(api, base);
      return run;
    };
    // Uncounted: the first JVM of a run reads the JDK's class data archive from disk, the first
    // activation warms the server's code paths and the store's caches.
    await bare();
    await subject();

    const baseline: BareJvmRun[] = [];
    const measured: ActivationRun[] = [];
    for (let i = 0; i < runs; i++) {
      // B S, S B, B S, …: a drift in the machine's load during a pair favours neither side.
      if (i % 2 === 0) {
        baseline.push(await bare());
        measured.push(await subject());
      } else {
        measured.push(await subject());
        baseline.push(await bare());
      }
    }
    const running = measured.map((r) => r.runningMs);
    const completed = measured.map((r) => r.completedMs);
    const started = baseline.map((r) => r.mainStartedMs);
    const exited = baseline.map((r) => r.exitedMs);
    log(`  [${kind}] activate → running ms: ${ms(running)} | bare JVM → first stdout ms: ${ms(started)}`);
    log(`  [${kind}] activate → completed ms: ${ms(completed)} | bare JVM → exit ms: ${ms(exited)}`);
    log(`  [${kind}] medians: running ${median(running).toFixed(0)} vs ${median(started).toFixed(0)}, completed ${median(completed).toFixed(0)} vs ${median(exited).toFixed(0)}`);
    const inside = await Promise.all(measured.map((run) => insideTimes(store.env.SLUICE_DATA_DIR, run)));
    const at = (pick: (t: InsideTimes) => number) => median(inside.map(pick)).toFixed(0);
    log(`  [${kind}] inside Sluice, medians after the POST (job folder file times): job files written ${at((t) => t.filesWritten)} ms,`
      + ` JVM main printed ${at((t) => t.mainPrinted)} ms, exit code written ${at((t) => t.exitCodeWritten)} ms;`
      + ` JVM spawn → main ${at((t) => t.mainPrinted - t.filesWritten)} ms (bare: ${median(started).toFixed(0)} ms)`);
    const seen = measured.filter((r) => r.sawRunning).length;
    return [
      rowOf('activate → running (vs JVM first stdout line)', kind, running, started, { [SEEN_COLUMN]: `${seen}/${runs}` }),
      rowOf('activate → completed (vs JVM exit)', kind, completed, exited),
    ];
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
        + ' (main has started); for → completed, until the process exits. Sluice adds -Xmx, -XX:+UseG1GC, four -D flags and the sh wrapper.',
      `activate: ${runsFromEnv()} runs of each (BENCH_ACTIVATE_RUNS) after one uncounted of each, interleaved B S S B …; subject and baseline are medians,`
        + ` ratio = median subject / median baseline (the range shows per-pair ratios); target <= ${TARGET}.`
        + ` "${SEEN_COLUMN}": runs in which a poll saw the job in running (else the job was first seen completed, and that time counts).`,
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
