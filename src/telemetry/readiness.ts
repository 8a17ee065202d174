import { performance } from 'node:perf_hooks';
import { signals as processSignals, type Signals } from './signals.js';

/** What one check found; `message` says why it failed (or what it saw). */
export interface CheckOutcome {
  ok: boolean;
  message?: string;
}

/** One condition of readiness: the database answers, migrations are applied, the engine passes… */
export interface ReadinessCheck {
  name: string;
  run(): Promise<CheckOutcome>;
}

export interface CheckResult {
  name: string;
  status: 'pass' | 'fail';
  latencyMs: number;
  message?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  checks: CheckResult[];
  /** Facts about this replica (its id, its store…), for whoever reads the report. */
  info: Record<string, string | number | boolean>;
}

/** A check that has not answered within this long fails (a hung connection must not hang the probe). */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * The readiness probe: a list of named checks run together, each with its latency, plus
 * information. New conditions (a remote runtime reachable, an isolation mode) are one more
 * `add` from where they are known; the payload keeps its shape.
 */
export class Readiness {
  private readonly checks: ReadinessCheck[] = [];

  constructor(private readonly info: Record<string, string | number | boolean> = {}) {}

  add(check: ReadinessCheck): this {
    this.checks.push(check);
    return this;
  }

  setInfo(key: string, value: string | number | boolean): void {
    this.info[key] = value;
  }

  async report(): Promise<ReadinessReport> {
    const checks = await Promise.all(this.checks.map(runWithDeadline));
    return { status: checks.every((c) => c.status === 'pass') ? 'ready' : 'not ready', checks, info: { ...this.info } };
  }
}

async function runWithDeadline(check: ReadinessCheck): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
  });
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([check.run(), deadline]);
  } catch (error) {
    outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  return { name: check.name, status: outcome.ok ? 'pass' : 'fail', latencyMs, ...(outcome.message ? { message: outcome.message } : {}) };
}

/**
 * "The engine finished a pass recently": fed by the reconciler's `engine.pass` signal. A pass
 * that fails (the store unreachable) does not count, and neither does one still running.
 */
export function enginePassCheck(staleMs: number, signals: Signals = processSignals, now: () => number = Date.now): ReadinessCheck {
  let lastPass: number | undefined;
  signals.on('engine.pass', () => { lastPass = now(); });
  return {
    name: 'engine',
    async run() {
      if (lastPass === undefined) return { ok: false, message: 'the engine has not finished a pass yet' };
      const age = now() - lastPass;
      return age <= staleMs
        ? { ok: true, message: `last pass ${age} ms ago` }
        : { ok: false, message: `last pass ${age} ms ago, more than ${staleMs} ms (SLUICE_READY_ENGINE_STALE_MS)` };
    },
  };
}

/** What readiness needs of a runtime (runtimes/runtime.ts `JobRuntime`). */
export interface CheckedRuntime {
  readonly name: string;
  readonly local: boolean;
  reachable?(): Promise<CheckOutcome>;
}

/**
 * One check per runtime that can tell whether its engine answers (`runtime:<name>`), and one
 * passing "not checked" entry per remote runtime that cannot (so the report still lists it).
 * Each answer is also signalled for `sluice_runtime_reachable`.
 */
export function runtimeChecks(runtimes: readonly CheckedRuntime[], signals: Signals = processSignals): ReadinessCheck[] {
  return runtimes.flatMap((runtime): ReadinessCheck[] => {
    const name = `runtime:${runtime.name}`;
    if (!runtime.reachable) {
      return runtime.local ? [] : [{ name, run: async () => ({ ok: true, message: 'not checked: this runtime kind has no reachability check' }) }];
    }
    const reachable = runtime.reachable.bind(runtime);
    return [{
      name,
      async run() {
        const started = performance.now();
        let outcome: CheckOutcome;
        try {
          outcome = await reachable();
        } catch (error) {
          outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
        }
        signals.emit('runtime.reachability', { runtime: runtime.name, reachable: outcome.ok, durationMs: performance.now() - started });
        return outcome;
      },
    }];
  });
}
