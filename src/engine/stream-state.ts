import { createHash } from 'node:crypto';
import { NEW_SNAPSHOT, type Plan, type Restore } from '../domain/reconcile-types.js';
import { runtimeKindOf } from '../domain/runtime-catalog.js';
import type { JobRuntime } from '../runtimes/runtime.js';
import type { KeptSnapshotRecord } from '../store/apply-plan.js';
import type { Db } from '../store/database.js';
import type { JobRow } from '../store/schema.js';
import { restartsSince } from '../store/stream-world.js';
import type { VersionWorld } from '../store/version-world.js';
import { locationOf, type Seen } from './observation.js';

/**
 * The id a snapshot of this job's attempt gets: derived, not random, so that a service that
 * died between moving the snapshot folder and recording it finds the same folder again.
 */
export function snapshotIdOf(job: Pick<JobRow, 'id' | 'attempt'>): string {
  const hex = createHash('sha1').update(`sluice-snapshot:${job.id}:${job.attempt}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What the runtime shows about a job: its process, and for a stream job its snapshot and checkpoints. */
export async function lookAtJob(db: Db, runtime: JobRuntime, world: VersionWorld, now: Date, restartWindowMs: number): Promise<Seen> {
  const job = world.job;
  if (!job) return {};
  const location = locationOf(job);
  const process = await runtime.observe(location);
  const ended = process.status === 'exited' || process.status === 'vanished';
  // The tail goes into failure messages only: a clean exit nobody asked for is a completed job.
  const clean = process.status === 'exited' && process.code === 0 && !job.stopRequested;
  const logTail = ended && !clean ? await runtime.logTail(location, 20) : undefined;
  if (runtimeKindOf(world.template.runtimeEnvironment) !== 'stream') return { process, logTail };
  const newSnapshotId = snapshotIdOf(job);
  const stopping = job.stopRequested === 'pause' || job.stopRequested === 'upgrade';
  return {
    process,
    logTail,
    stream: {
      snapshotWritten: ended && stopping ? await runtime.snapshotWritten(location, newSnapshotId) : false,
      newestCheckpoint: await runtime.newestCheckpoint(location),
      restartsInWindow: ended && job.highAvailability ? await restartsSince(db, world.version.id, new Date(now.getTime() - restartWindowMs)) : 0,
      newSnapshotId,
    },
  };
}

/** The plan with "the snapshot this step takes" replaced by where the snapshot now is. */
export function withKeptSnapshot(plan: Plan, kept: KeptSnapshotRecord): Plan {
  const restore: Restore = { location: kept.location, source: `snapshot ${kept.id}` };
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
