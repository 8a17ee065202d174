import type { Observation, Plan } from './reconcile-types.js';

/**
 * What a plan's version change implies for the version's other columns, spelled out so that the
 * store writes exactly what the plan says (store/apply-plan.ts holds no rules). `decide` picks
 * the step; this adds the columns every step of that kind must also set:
 *
 * - a paused stream version keeps the snapshot it resumes from (or takes the one this step
 *   takes); in any other state it has none;
 * - out of scheduled mode a version has no next attempt and no last cron tick; back in it by an
 *   activate or a resume, cron counts from now (a tick missed while paused does not fire).
 */
export function completePlan(o: Observation, plan: Plan): Plan {
  const change = plan.version;
  if (!change) return plan;
  const completed = { ...change };
  if (change.state !== 'paused') completed.resumeSnapshot = null;
  else if (change.resumeFromNewSnapshot && plan.snapshot) completed.resumeSnapshot = plan.snapshot.id;
  if (change.runMode === null) {
    completed.nextJobAttempt = null;
    completed.lastCronTick = null;
  } else if (change.state === 'scheduled' && (o.operation?.type === 'activate' || o.operation?.type === 'resume')) {
    completed.lastCronTick = o.now;
  }
  return { ...plan, version: completed };
}
