/**
 * Issue 5 (b): many scheduled versions, idle. The CPU the server uses over one catalog-poll
 * cycle (target < 5 % of one core), how long a poll of every resolver version takes, and how
 * long a cron tick due for every cron version takes until each has been decided, with the
 * service's latency while it runs. Baselines: the same server with one version of each kind,
 * before the clones are added.
 */
import { performance } from 'node:perf_hooks';
import { createStore, type Request, type Store, type StoreKind } from '../test/helpers/server.js';
import { storesToRun } from './api-throughput.js';
import { positiveIntegerFromEnv } from './lib/env.js';
import { adminOf, expectStatus } from './lib/fixtures.js';
import { startProbe, type ProbeLatencies } from './lib/probe.js';
import { median, percentile } from './lib/ratio.js';
import type { ResultRow } from './lib/report.js';
import { activatedScheduledVersion, triggerStatus, waitForSweep, type SweepStatus } from './lib/scheduled.js';
import { cloneScheduledVersion } from './lib/seed-versions.js';
import { startSluice, stopAll, tail, type BenchServer } from './lib/servers.js';
import type { Benchmark } from './types.js';

const CPU_LIMIT_PERCENT = 5;
const HEALTH_P99_LIMIT_MS = 100;
/** Fires once a year (1 January, 00:00 UTC): only the ticks the bench makes happen in the run. */
const CRON = '0 0 1 1 *';
const IDLE_PROBE_MS = 3_000;

const versionsFromEnv = () => positiveIntegerFromEnv('BENCH_SCHEDULED_VERSIONS', 10_000);
const idleSecondsFromEnv = () => positiveIntegerFromEnv('BENCH_IDLE_SECONDS', 60);
/** How long a sweep may take before the bench gives up (the unoptimised scheduler took minutes). */
const sweepTimeoutMs = () => positiveIntegerFromEnv('BENCH_SWEEP_TIMEOUT_S', 600) * 1000;

interface PollCycle {
  cpuPercent: number;
  seconds: number;
  /** The poll inside the window. */
  poll: NonNullable<SweepStatus['last']>;
}

/**
 * CPU of a freshly started server between the end of its first poll and the end of the next:
 * a window of one poll interval that holds exactly one poll, wherever the jitter put it. (The
 * first poll, at start, also writes each version's first decision: it is left out.)
 */
async function pollCycle(api: Request, sluice: BenchServer): Promise<PollCycle> {
  const first = await waitForSweep(api, 'poll', 0, sweepTimeoutMs(), 100);
  if (first.count !== 1) throw new Error(`expected the server's first poll, found poll #${first.count}`);
  const cpu0 = sluice.cpuSeconds();
  const t0 = performance.now();
  // Asking for the status costs the server CPU too: sleep until just before the next poll is due.
  // (A fresh server's clock is the machine's: the manual clock has not been moved yet.)
  if (first.nextAt) await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(first.nextAt!) - Date.now() - 500)));
  const second = await waitForSweep(api, 'poll', first.count, sweepTimeoutMs(), 100);
  const cpu1 = sluice.cpuSeconds();
  const seconds = (performance.now() - t0) / 1000;
  return { cpuPercent: (100 * (cpu1 - cpu0)) / seconds, seconds, poll: second.last! };
}

interface Tick {
  /** From just before POST /sluice/v1/clock until the status showed the cron sweep done. */
  observedMs: number;
  sweep: NonNullable<SweepStatus['last']>;
  idle: ProbeLatencies;
  during: ProbeLatencies;
}

/** Moves the test clock past the next 1 January and times the cron sweep it sets off. */
async function cronTick(api: Request, versionPath: string, expected: number): Promise<Tick> {
  const idleProbe = startProbe(api, versionPath);
  await new Promise((resolve) => setTimeout(resolve, IDLE_PROBE_MS));
  const idle = await idleProbe.stop();
  const version = await expectStatus(api, 200, 'GET', versionPath);
  const next = new Date(version.nextJobAttempt);
  if (Number.isNaN(next.getTime())) throw new Error(`the cron version shows no nextJobAttempt: ${JSON.stringify(version)}`);
  const before = (await triggerStatus(api)).cron.count;
  const probe = startProbe(api, versionPath);
  const started = performance.now();
  await expectStatus(api, 200, 'POST', '/sluice/v1/clock', { now: new Date(next.getTime() + 1000).toISOString() });
  let status: SweepStatus;
  try {
    status = await waitForSweep(api, 'cron', before, sweepTimeoutMs(), 50);
  } catch (error) {
    await probe.stop();
    throw error;
  }
  const observedMs = performance.now() - started;
  const during = await probe.stop();
  if (status.last!.evaluated < expected) throw new Error(`the cron sweep evaluated ${status.last!.evaluated} versions, expected ${expected}`);
  return { observedMs, sweep: status.last!, idle, during };
}

const fmt = (values: number[]) => `p50 ${median(values).toFixed(1)} p99 ${percentile(values, 99).toFixed(1)} max ${Math.max(...values).toFixed(1)} ms (${values.length})`;

async function onStore(kind: StoreKind, count: number, log: (line: string) => void): Promise<ResultRow[]> {
  const env = { SLUICE_CLOCK: 'manual', SLUICE_CATALOG_POLL_MS: String(idleSecondsFromEnv() * 1000) };
  const servers: BenchServer[] = [];
  let store: Store | undefined;
  const start = async () => {
    const sluice = await startSluice({ storeEnv: { ...store!.env, ...env }, logLevel: 'warn' });
    servers.push(sluice);
    return { sluice, api: (await adminOf(sluice.url)).api };
  };
  try {
    store = await createStore(kind, 'sluice bench scheduler');
    let { sluice, api } = await start();
    const stamp = Date.now();
    const resolver = await activatedScheduledVersion(api, undefined, {
      name: 'bench-idle-resolver',
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' },
      inputHrn: `hrn:here:data:::bench-idle-resolver-${stamp}`,
      outputHrn: 'hrn:here:data:::bench-idle-output',
    });
    const cron = await activatedScheduledVersion(api, undefined, {
      name: 'bench-idle-cron',
      templateId: resolver.templateId,
      schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: CRON, processingType: 'changes' } },
      inputHrn: `hrn:here:data:::bench-idle-cron-${stamp}`,
      outputHrn: 'hrn:here:data:::bench-idle-output',
    });
    log(`  [${kind}] baseline: 1 resolver + 1 cron version (over HTTP); one poll cycle of ~${idleSecondsFromEnv()} s after a restart`);
    await sluice.stop();
    ({ sluice, api } = await start());
    const baseCycle = await pollCycle(api, sluice);
    const baseTick = await cronTick(api, cron.base, 1);
    log(`  [${kind}] baseline: CPU ${baseCycle.cpuPercent.toFixed(2)} % of a core over ${baseCycle.seconds.toFixed(1)} s; poll ${baseCycle.poll.durationMs.toFixed(0)} ms; cron tick ${baseTick.observedMs.toFixed(0)} ms`);

    await sluice.stop();
    const seeded = performance.now();
    await cloneScheduledVersion({ storeEnv: store.env, versionId: resolver.versionId, count, inputHrnPrefix: `hrn:here:data:::bench-idle-resolver-in-` });
    await cloneScheduledVersion({ storeEnv: store.env, versionId: cron.versionId, count, inputHrnPrefix: `hrn:here:data:::bench-idle-cron-in-` });
    log(`  [${kind}] seeded ${count} resolver + ${count} cron versions by cloning the two rows with SQL (not over HTTP) in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    ({ sluice, api } = await start());
    const cycle = await pollCycle(api, sluice);
    log(`  [${kind}] ${count}+${count} versions: CPU ${cycle.cpuPercent.toFixed(2)} % of a core over ${cycle.seconds.toFixed(1)} s;`
      + ` poll of ${cycle.poll.evaluated} versions ${cycle.poll.durationMs.toFixed(0)} ms (${cycle.poll.decisionsRecorded} decisions written)`);
    // The first tick writes each clone's first decision; the second finds them all unchanged.
    const ticks: Tick[] = [];
    for (const which of ['first', 'second']) {
      const tick = await cronTick(api, cron.base, count + 1);
      ticks.push(tick);
      log(`  [${kind}] ${which} cron tick: ${tick.sweep.evaluated} versions decided ${tick.observedMs.toFixed(0)} ms after the clock moved (server: ${tick.sweep.durationMs.toFixed(0)} ms, ${tick.sweep.decisionsRecorded} decisions written)`);
      log(`  [${kind}]   /health idle ${fmt(tick.idle.health)} | during the tick ${fmt(tick.during.health)}`);
      log(`  [${kind}]   GET version idle ${fmt(tick.idle.version)} | during the tick ${fmt(tick.during.version)}`);
    }
    const [tick, again] = ticks;
    const probed = (pick: (p: ProbeLatencies) => number[], when: 'idle' | 'during') => ticks.flatMap((t) => pick(t[when]));
    const health = { during: probed((p) => p.health, 'during'), idle: probed((p) => p.health, 'idle') };
    const version = { during: probed((p) => p.version, 'during'), idle: probed((p) => p.version, 'idle') };

    const single = (scenario: string, unit: string, subject: number, baseline: number, extra: Record<string, string> = {}): ResultRow =>
      ({ scenario, variant: kind, unit, subject: [subject], baseline: [baseline], ratios: [subject / baseline], extra });
    const n = `${count}+${count}`;
    return [
      {
        ...single(`scheduler idle: CPU over one poll cycle, ${n} scheduled versions (vs 1+1)`, '% core', cycle.cpuPercent, baseCycle.cpuPercent),
        absolute: { figure: cycle.cpuPercent, limit: CPU_LIMIT_PERCENT, better: 'lower', label: `< ${CPU_LIMIT_PERCENT} % core` },
      },
      single(`poll of ${count} resolver versions, duration (vs 1)`, 'ms', cycle.poll.durationMs, baseCycle.poll.durationMs,
        { 'decisions written': `${cycle.poll.decisionsRecorded}/${cycle.poll.evaluated}` }),
      single(`cron tick due for ${count + 1} versions → all decided (vs 1)`, 'ms', tick.observedMs, baseTick.observedMs,
        { 'decisions written': `${tick.sweep.decisionsRecorded}/${tick.sweep.evaluated}` }),
      single(`the next tick, every decision unchanged (vs 1)`, 'ms', again.observedMs, baseTick.observedMs,
        { 'decisions written': `${again.sweep.decisionsRecorded}/${again.sweep.evaluated}` }),
      {
        scenario: `/health during those ticks (vs idle), p99`,
        variant: kind,
        unit: 'ms',
        subject: [percentile(health.during, 99)],
        baseline: [percentile(health.idle, 99)],
        ratios: [percentile(health.during, 99) / percentile(health.idle, 99)],
        extra: { 'max ms (subject / baseline)': `${Math.max(...health.during).toFixed(0)} / ${Math.max(...health.idle).toFixed(0)}` },
        absolute: { figure: percentile(health.during, 99), limit: HEALTH_P99_LIMIT_MS, better: 'lower', label: `p99 < ${HEALTH_P99_LIMIT_MS} ms` },
      },
      {
        scenario: `GET version during those ticks (vs idle), p99`,
        variant: kind,
        unit: 'ms',
        subject: [percentile(version.during, 99)],
        baseline: [percentile(version.idle, 99)],
        ratios: [percentile(version.during, 99) / percentile(version.idle, 99)],
        extra: { 'max ms (subject / baseline)': `${Math.max(...version.during).toFixed(0)} / ${Math.max(...version.idle).toFixed(0)}` },
      },
    ];
  } catch (error) {
    const said = servers.map((server) => `--- ${server.name} (pid ${server.pid}, ${server.state()}), last lines:\n${tail(server.output())}`);
    throw new Error(`${kind}: ${error instanceof Error ? error.message : String(error)}\n${said.join('\n')}`, { cause: error });
  } finally {
    await stopAll(servers);
    await store?.dispose();
  }
}

export const schedulerIdle: Benchmark = {
  name: 'scheduler',
  description: 'many scheduled versions: idle CPU over a poll cycle, poll and cron-tick sweep times, latency during a tick; PGlite and PostgreSQL',
  get notes() {
    const count = versionsFromEnv();
    return [
      `scheduler: ${count} version_resolver + ${count} cron ('${CRON}', processingType changes) scheduled versions (BENCH_SCHEDULED_VERSIONS).`
        + ' One of each is created and activated over HTTP; the rest are clones of those two rows inserted with SQL while the server is stopped'
        + ' (bench/lib/seed-versions.ts; creating them over HTTP would take minutes), each with its own pipeline and its own (empty) input catalog.',
      `scheduler: idle CPU is the server process's user+system CPU (/proc/<pid>/stat) between the ends of two catalog polls`
        + ` (SLUICE_CATALOG_POLL_MS = BENCH_IDLE_SECONDS × 1000, default 60 s as the service's default), as % of one core; the window holds exactly one poll.`
        + ` Target < ${CPU_LIMIT_PERCENT} % (issue 5); the baseline is the same server with 1+1 versions, so subject − baseline is the scheduler's share.`,
      'scheduler: the cron tick is set off by moving the test clock (SLUICE_CLOCK=manual) past the versions\' next fire time; it counts until'
        + ` GET /sluice/v1/triggers/status shows the cron sweep with every version decided. Meanwhile GET /health and GET of a version are probed`
        + ` one at a time (20 ms apart) and compared with ${IDLE_PROBE_MS / 1000} s of the same probing just before each tick; target /health p99 < ${HEALTH_P99_LIMIT_MS} ms`
        + ' (over both ticks: the first writes every clone\'s first decision, the second finds them unchanged).',
    ];
  },
  async run(_settings, log) {
    const rows: ResultRow[] = [];
    for (const kind of storesToRun()) rows.push(...await onStore(kind, versionsFromEnv(), log));
    return rows;
  },
};
