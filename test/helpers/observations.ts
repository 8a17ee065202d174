import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide } from '../../src/domain/reconcile.js';
import type { Observation, Plan, ReconcileSettings } from '../../src/domain/reconcile-types.js';

/** Observations for the engine's pure `decide`, built from a ready version by overriding what a case needs. */
export const NOW = new Date('2024-05-01T12:00:00.000Z');
export const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
export const settings: ReconcileSettings = { stopGraceMs: 30_000, startTimeoutMs: 60_000, snapshotGraceMs: 20_000, restartLimit: 3, restartWindowMs: 600_000, upgradeSettleMs: 5_000 };

export type Overrides = {
  version?: Partial<Observation['version']>;
  operation?: Partial<NonNullable<Observation['operation']>> | null;
  job?: Partial<NonNullable<Observation['job']>> | null;
} & Partial<Omit<Observation, 'version' | 'operation' | 'job'>>;

/** A version in `ready` with nothing going on; each case changes what it needs. */
export function observe(o: Overrides = {}): Observation {
  const { version, operation, job, ...rest } = o;
  return {
    now: NOW,
    version: { id: 'v-1', state: 'ready', runMode: null, kindWithoutPins: 'run-now', hasResolverSchedule: false, afterJob: null, upgradeTargetId: null, resumeSnapshot: null, ...version },
    templateCreated: true,
    otherVersionActive: false,
    operation: operation ? { id: 'op-1', type: 'activate', deadline: at(300), pinsCatalogVersions: false, ...operation } : undefined,
    job: job
      ? {
        id: 'job-1', state: 'running', launched: true, kind: version?.runMode === 'stream' ? 'stream' : 'batch', stopRequested: null, stopDeadline: null,
        startDeadline: at(60), highAvailability: false, attempt: 0, restore: null, latestCheckpoint: null, loggingOutdated: false, ...job,
      }
      : undefined,
    ...rest,
  };
}

/** A running version of `mode` with its job up and no operation. */
export const running = (mode: 'run-now' | 'scheduled' | 'stream', more: Overrides = {}) => observe({
  ...more,
  version: { state: 'running', runMode: mode, kindWithoutPins: mode, ...more.version },
  job: { ...more.job },
});

/** Expected plans leave out `reason` (free text); a RegExp matches a message. */
type Matcher<T> = T extends string ? string | RegExp : T extends Date ? Date : T extends object ? { [K in keyof T]?: Matcher<T[K]> } : T;
export type ExpectedPlan = Matcher<Omit<Plan, 'reason'>>;

/** Deep equality where a RegExp matches a string, and undefined fields count as absent. */
export function assertMatches(actual: unknown, expected: unknown, at = 'plan'): void {
  if (expected instanceof RegExp) {
    assert.equal(typeof actual, 'string', `${at}: expected a string`);
    assert.match(actual as string, expected, at);
    return;
  }
  if (expected instanceof Date || expected === null || typeof expected !== 'object') {
    assert.deepEqual(actual, expected, at);
    return;
  }
  assert.ok(actual !== null && typeof actual === 'object', `${at}: expected an object, got ${String(actual)}`);
  const present = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined).map(([k]) => k).sort();
  assert.deepEqual(present(actual as object), present(expected), `${at}: fields`);
  for (const [key, value] of Object.entries(expected)) {
    if (value !== undefined) assertMatches((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
  }
}


/** One case of `decide`: what was observed, and the plan expected (null: nothing to do). */
export interface DecideCase {
  name: string;
  observation: Observation;
  plan: ExpectedPlan | null;
}

/** A test per case: `decide` gives the expected plan, with a reason, or nothing. */
export function itDecides(cases: DecideCase[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const plan = decide(c.observation, settings);
      if (c.plan === null) {
        assert.equal(plan, null, `expected nothing to do, got: ${plan?.reason}`);
        return;
      }
      assert.ok(plan, 'expected a plan');
      assert.ok(plan.reason.length > 0, 'a plan says why');
      const { reason: _reason, ...rest } = plan;
      assertMatches(rest, c.plan);
    });
  }
}
