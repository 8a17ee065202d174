import { NEW_SNAPSHOT, type Plan, type Restore } from '../domain/reconcile-types.js';
import type { KeptSnapshotRecord } from '../store/apply-plan.js';
import { snapshotRestore } from '../store/stream-world.js';

/** The plan with "the snapshot this step takes" replaced by where the runtime kept it. */
export function withKeptSnapshot(plan: Plan, kept: KeptSnapshotRecord): Plan {
  const restore: Restore = snapshotRestore(kept.id, kept.location);
  const swap = (r: Restore | typeof NEW_SNAPSHOT | null | undefined) => (r === NEW_SNAPSHOT || (r && r.location === NEW_SNAPSHOT) ? restore : r);
  return {
    ...plan,
    createJob: plan.createJob && { ...plan.createJob, restore: swap(plan.createJob.restore) ?? undefined },
    job: plan.job && {
      ...plan.job,
      relaunch: plan.job.relaunch && { ...plan.job.relaunch, restore: swap(plan.job.relaunch.restore) ?? null },
    },
  };
}
