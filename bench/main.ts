/**
 * `npm run bench [-- name…]`: runs the benchmarks whose name contains one of the arguments
 * (without arguments, those not marked byDefault: false) and prints one table of ratios against
 * baselines measured in the same run. A missed target is reported, not an error; a failed
 * request or server is one (exit code 1).
 *
 * Environment: BENCH_SECONDS (measured seconds per measurement, default 1.5), BENCH_ROUNDS
 * (default 3), BENCH_CONCURRENCY (default 16), BENCH_INFO_LOGGING=0 to skip the info-logging
 * rows, BENCH_STORES=pglite,postgres (api-throughput, activate, publish, scheduler, stream-state), BENCH_ACTIVATE_RUNS (default 10),
 * BENCH_PUBLISH_RUNS (default 100), BENCH_SCHEDULED_VERSIONS (default 10000), BENCH_IDLE_SECONDS (poll interval and
 * idle window, default 60), BENCH_SWEEP_TIMEOUT_S (default 600), BENCH_STREAM_RUNS (default 5), BENCH_STREAM_STATE_MB (default 100),
 * BENCH_METRICS_VERSIONS (default 10000), BENCH_METRICS_JOBS (default 1000), BENCH_SUPERVISION_JOBS (default 50),
 * BENCH_SUPERVISION_SECONDS (default 30), BENCH_SUPERVISION_CHECKPOINT_MS (default 10000), BENCH_MEMORY_IDLE_S (default 10),
 * BENCH_SPARK_RUNS (default 5), BENCH_SPARK_POLL_MS (default 500), BENCH_SPARK_CLIENT_POLL_MS (default 10),
 * BENCH_FLINK_RUNS (default 10), BENCH_FLINK_LIVE (default 20), BENCH_FLINK_POLL_MS (default 1000), BENCH_FLINK_WINDOW_S (default 30).
 */
import { activateLatency } from './activate-latency.js';
import { flinkRuntime } from './flink-runtime.js';
import { apiCost } from './api-cost.js';
import { apiThroughput } from './api-throughput.js';
import { memory } from './memory.js';
import { metricsCost } from './metrics-cost.js';
import { schedulerIdle } from './scheduler-idle.js';
import { sparkLatency } from './spark-latency.js';
import { streamState } from './stream-state.js';
import { supervision } from './supervision.js';
import { triggerLatency } from './trigger-latency.js';
import { printPreamble, printTable, type ResultRow } from './lib/report.js';
import type { Benchmark, BenchSettings } from './types.js';

const BENCHMARKS: Benchmark[] = [apiThroughput, apiCost, activateLatency, triggerLatency, schedulerIdle, streamState, metricsCost, supervision, memory, sparkLatency, flinkRuntime];

function numberFrom(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

function settingsFromEnv(): BenchSettings {
  const seconds = numberFrom('BENCH_SECONDS', 1.5, false);
  return {
    seconds,
    // Short runs (BENCH_SECONDS=0.5 while developing) shorten the warm-ups with them.
    warmupSeconds: Math.min(0.5, seconds / 3),
    // Sluice's CPU per GET-version request was measured falling for its first ~3,000 requests
    // (JIT, pg pool growth): 1,570 → 600 µs on PostgreSQL, 2,890 → 1,550 µs on PGlite. A warm-up
    // of a fixed 1 s left the subject visibly faster in each later round.
    warmupRequests: 3_000,
    warmupCapSeconds: 3 * seconds,
    rounds: numberFrom('BENCH_ROUNDS', 3, true),
    concurrency: numberFrom('BENCH_CONCURRENCY', 16, true),
    infoLogging: process.env.BENCH_INFO_LOGGING !== '0',
  };
}

const s = (seconds: number) => `${Number(seconds.toFixed(2))} s`;

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const selected = filters.length === 0
    ? BENCHMARKS.filter((b) => b.byDefault !== false)
    : BENCHMARKS.filter((b) => filters.some((f) => b.name.includes(f)));
  if (selected.length === 0) {
    throw new Error(`no benchmark matches ${filters.join(' ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  }
  const settings = settingsFromEnv();
  printPreamble('Sluice benchmarks', {
    selected: selected.map((b) => b.name).join(', '),
    load: `closed loop, ${settings.concurrency} in flight; each side first warmed up for ${settings.warmupRequests} requests `
      + `(at most ${s(settings.warmupCapSeconds)}), then ${settings.rounds} interleaved rounds of ${s(settings.seconds)} measured `
      + `after ${s(settings.warmupSeconds)}`,
  });
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const rows: ResultRow[] = [];
  for (const benchmark of selected) {
    log(`${benchmark.name}: ${benchmark.description}`);
    rows.push(...await benchmark.run(settings, log));
  }
  console.log('');
  printTable(rows);
  console.log('');
  for (const benchmark of selected) for (const note of benchmark.notes) console.log(`- ${note}`);
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
