import type { Observation } from '../domain/reconcile-types.js';
import { runtimeKindOf } from '../domain/runtime-catalog.js';
import type { JobHandle, JobRuntime, RuntimeJob } from '../runtimes/runtime.js';
import type { Db } from '../store/database.js';
import type { JobRow } from '../store/schema.js';
import { restartsSince } from '../store/stream-world.js';
import type { VersionWorld } from '../store/version-world.js';
import { snapshotIdOf } from './snapshot-id.js';

/**
 * The observe step (the Flink operator's observer): what the job's runtime shows, read and
 * nothing else. It decides nothing and writes nothing; `decide` (domain/) reads what it returns.
 */

/** What `decide` is told, besides the stored rows, about the job in its runtime. */
export interface Seen {
  observed?: Observation['observed'];
  logTail?: string;
  stream?: Observation['stream'];
}

/** A job row as its runtime is handed it. */
export const runtimeJobOf = (job: Pick<JobRow, 'id' | 'attempt' | 'handle'>): RuntimeJob => ({
  jobId: job.id,
  attempt: job.attempt,
  handle: (job.handle as JobHandle | null) ?? null,
});

/** Looks at the version's job through its runtime: its state, and for a stream job its snapshot and checkpoints. */
export async function observeJob(db: Db, runtime: JobRuntime, world: VersionWorld, now: Date, restartWindowMs: number): Promise<Seen> {
  const job = world.job;
  // Not launched (or its launch not recorded yet): the runtime has nothing to show.
  if (!job?.handle) return {};
  const target = runtimeJobOf(job);
  const observed = await runtime.observe(target);
  const ended = observed.state === 'finished' || observed.state === 'failed' || observed.state === 'lost';
  // The tail goes into failure messages only: a clean end nobody asked for is a completed job.
  const clean = observed.state === 'finished' && (observed.exitCode === 0 || observed.exitCode === null) && !job.stopRequested;
  const logTail = ended && !clean ? await runtime.logTail(target, 20) : undefined;
  if (runtimeKindOf(world.template.runtimeEnvironment) !== 'stream') return { observed, logTail };
  const newSnapshotId = snapshotIdOf(job);
  const stopping = job.stopRequested === 'pause' || job.stopRequested === 'upgrade';
  const snapshot = stopping ? await runtime.snapshotStatus(target, newSnapshotId) : { state: 'none' as const };
  return {
    observed,
    logTail,
    stream: {
      // Only a stopped job's snapshot is complete: one still running may be writing it.
      snapshotWritten: ended && snapshot.state === 'written',
      snapshotFailure: !ended && snapshot.state === 'failed' ? snapshot.reason : undefined,
      newestCheckpoint: await runtime.newestCheckpoint(target),
      restartsInWindow: ended && job.highAvailability ? await restartsSince(db, world.version.id, new Date(now.getTime() - restartWindowMs)) : 0,
      newSnapshotId,
    },
  };
}
