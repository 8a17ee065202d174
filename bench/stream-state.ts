/**
 * Stream state: pause → `paused` and resume → `running` of a stream job holding 100 MB of state
 * (examples/stream-counter padded with counter.state-bytes), as a ratio to copying that state
 * folder with `cp -r` in the same run. Pausing makes the job write its whole state and exit;
 * Sluice then only renames the folder into the snapshot store. Resuming starts a new JVM with
 * `pipeline.restore.dir` pointing at the snapshot (no copy).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { exampleJarPath } from '../test/helpers/lifecycle.js';
import type { Request } from '../test/helpers/server.js';
import { storesToRun } from './api-throughput.js';
import { positiveIntegerFromEnv } from './lib/env.js';
import { expectStatus, streamVersion } from './lib/fixtures.js';
import { median } from './lib/ratio.js';
import { latencyRow, percentileColumn, type ResultRow } from './lib/report.js';
import { withSluice } from './lib/sluice-fixture.js';
import type { Benchmark } from './types.js';

const run = promisify(execFile);
const EXAMPLE = 'stream-counter';
const MAIN_CLASS = 'com.example.counter.Counter';
const TIMEOUT_MS = 120_000;
const stateMbFromEnv = () => positiveIntegerFromEnv('BENCH_STREAM_STATE_MB', 100);
const runsFromEnv = () => positiveIntegerFromEnv('BENCH_STREAM_RUNS', 5);
/** Milliseconds from POST …/operations/<type> until the version shows `state` and the operation succeeded. */
async function operate(api: Request, base: string, type: 'activate' | 'pause' | 'resume', state: string): Promise<number> {
  const started = performance.now();
  const op = await expectStatus(api, 202, 'POST', `${base}/operations/${type}`);
  for (;;) {
    const [version, operation] = await Promise.all([
      expectStatus(api, 200, 'GET', base),
      expectStatus(api, 200, 'GET', `${base}/operations/${op.id}`),
    ]);
    if (operation.state === 'failed') throw new Error(`${type} failed: ${operation.message}`);
    if (version.state === state && operation.state === 'succeeded') return performance.now() - started;
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`${type}: still ${version.state} / ${operation.state} after ${TIMEOUT_MS} ms`);
    await sleep(10);
  }
}

/** Untimed: until the newest job's log shows its main has restored the state (a pause before that finds nothing to save yet). */
async function waitRestored(api: Request, base: string): Promise<void> {
  const started = performance.now();
  for (;;) {
    const [job] = await expectStatus(api, 200, 'GET', `${base}/jobs`);
    const log = job ? (await api('GET', `/sluice/v1/jobs/${job.id}/log`)).text : '';
    if (/restored count \d+/.test(log)) return;
    if (performance.now() - started > TIMEOUT_MS) throw new Error('the resumed job never said it restored its state');
    await sleep(20);
  }
}

/** `cp -r` of the folder into a fresh place, then the copy is removed (untimed). */
async function copyOnce(folder: string): Promise<number> {
  const target = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-bench-cp-'));
  try {
    const started = performance.now();
    await run('cp', ['-r', folder, path.join(target, 'state')]);
    return performance.now() - started;
  } finally {
    await fs.rm(target, { recursive: true, force: true });
  }
}

const rowOf = (scenario: string, variant: string, subject: number[], baseline: number[]): ResultRow =>
  ({ ...latencyRow(scenario, variant, subject, baseline), extra: percentileColumn(90, subject, baseline) });

async function onStore(kind: 'pglite' | 'postgres', runs: number, stateMb: number, log: (line: string) => void): Promise<ResultRow[]> {
  const content = await fs.readFile(exampleJarPath(EXAMPLE));
  return withSluice({ kind, logLevel: 'warn' }, async ({ caller, store }) => {
    const api = caller.api;
    const properties = `counter.state-bytes=${stateMb * 1024 * 1024}\ncounter.checkpoint-interval-ms=3600000\ncounter.interval-ms=50`;
    const base = await streamVersion(api, { fileName: `${EXAMPLE}.jar`, content, entryPoint: MAIN_CLASS, workers: 1 }, properties);
    const pauses: number[] = [];
    const resumes: number[] = [];
    const copies: number[] = [];
    const snapshotsDir = path.join(store.env.SLUICE_DATA_DIR, 'snapshots');
    await operate(api, base, 'activate', 'running');
    await sleep(2_000); // untimed: the first job's main is up before the first pause
    // Uncounted: the first pause and resume (JIT, page cache), and the first copy.
    await operate(api, base, 'pause', 'paused');
    await operate(api, base, 'resume', 'running');
    await waitRestored(api, base);
    const newest = async () => {
      const names = await fs.readdir(snapshotsDir);
      const stats = await Promise.all(names.map(async (n) => ({ n, t: (await fs.stat(path.join(snapshotsDir, n))).mtimeMs })));
      return path.join(snapshotsDir, stats.sort((a, b) => b.t - a.t)[0].n);
    };
    await copyOnce(await newest());
    for (let i = 0; i < runs; i++) {
      pauses.push(await operate(api, base, 'pause', 'paused'));
      copies.push(await copyOnce(await newest()));
      resumes.push(await operate(api, base, 'resume', 'running'));
      await waitRestored(api, base);
    }
    const sizeMb = Number((await run('du', ['-sm', await newest()])).stdout.split('\t')[0]);
    log(`  [${kind}] state folder ${sizeMb} MB; pause ms: ${pauses.map((v) => v.toFixed(0)).join(' ')}; resume ms: ${resumes.map((v) => v.toFixed(0)).join(' ')};`
      + ` cp -r ms: ${copies.map((v) => v.toFixed(0)).join(' ')} (medians ${median(pauses).toFixed(0)} / ${median(resumes).toFixed(0)} / ${median(copies).toFixed(0)})`);
    return [
      rowOf(`pause → paused, ${stateMb} MB state (vs cp -r of it)`, kind, pauses, copies),
      rowOf(`resume → running, ${stateMb} MB state (vs cp -r of it)`, kind, resumes, copies),
    ];
  });
}

export const streamState: Benchmark = {
  name: 'stream-state',
  description: 'pause → paused and resume → running of a stream job holding 100 MB of state vs cp -r of that state, PGlite and PostgreSQL',
  get notes() {
    return [
      `stream-state: examples/${EXAMPLE} with counter.state-bytes = ${stateMbFromEnv()} MB (BENCH_STREAM_STATE_MB); the job writes that much into pipeline.snapshot.dir on SIGTERM.`
        + ' Subject: from just before POST …/operations/pause (resume) until GET shows the version paused (running) and the operation succeeded, polled every 10 ms.',
      'stream-state: resume → running is when Sluice reports the new job running (its process is up); the JVM then reads its state from pipeline.restore.dir.',
      `stream-state: baseline: cp -r of the newest snapshot folder into a fresh temporary folder; ${runsFromEnv()} runs (BENCH_STREAM_RUNS) after one uncounted of each,`
        + ' pause / cp / resume interleaved; ratio = median subject / median baseline. No target: the issue asks for the figures.',
    ];
  },
  async run(_settings, log) {
    const rows: ResultRow[] = [];
    for (const kind of storesToRun()) rows.push(...await onStore(kind, runsFromEnv(), stateMbFromEnv(), log));
    return rows;
  },
};
