import type { Restore } from '../domain/reconcile-types.js';
import type { Db } from './database.js';
import type { OperationRow, PipelineVersionRow } from './schema.js';
import { findSnapshot } from './snapshots.js';

/** What the engine reads besides the version world for stream state (loaded only when it matters). */
export interface StreamWorld {
  /** paused: the snapshot resume starts from. */
  resumeSnapshot: Restore | null;
  /** activate from a snapshot or the latest checkpoint: the folder, or why there is none. */
  restore?: Restore | { missing: string };
  /** upgrade: the target version as it is now. */
  upgradeTarget?: { version: PipelineVersionRow; templateState: string; runtimeEnvironment: string };
  /** upgrade: the target's job this operation created, once the source handed over. */
  upgradeJob?: { id: string; state: string; message: string | null; restoreLocation: string | null; restoreSource: string | null; created: Date };
}

export const snapshotRestore = (id: string, location: string): Restore => ({ location, source: `snapshot ${id}` });

export async function loadStreamWorld(db: Db, version: PipelineVersionRow, operation?: OperationRow): Promise<StreamWorld> {
  const world: StreamWorld = { resumeSnapshot: null };
  if (version.resumeSnapshot) {
    const row = await findSnapshot(db, version.resumeSnapshot);
    world.resumeSnapshot = row ? snapshotRestore(row.id, row.location) : null;
  }
  if (operation?.requestType === 'activate') world.restore = await activationRestore(db, version.pipelineId, operation.request);
  if (operation?.requestType === 'upgrade' && typeof operation.request.toVersionId === 'string') {
    const target = await db
      .selectFrom('pipelineVersions as v')
      .innerJoin('pipelineTemplates as t', 't.id', 'v.pipelineTemplateId')
      .selectAll('v')
      .select(['t.state as templateState', 't.runtimeEnvironment'])
      .where('v.id', '=', operation.request.toVersionId)
      .executeTakeFirst();
    if (target) {
      const { templateState, runtimeEnvironment, ...row } = target;
      world.upgradeTarget = { version: row, templateState, runtimeEnvironment };
    }
    world.upgradeJob = await db
      .selectFrom('jobs')
      .select(['id', 'state', 'message', 'restoreLocation', 'restoreSource', 'created'])
      .where('operationId', '=', operation.id)
      .executeTakeFirst();
  }
  return world;
}

/** Where an activation asked to start from: a snapshot of this pipeline, or its last job's newest checkpoint. */
async function activationRestore(db: Db, pipelineId: string, request: Record<string, unknown>): Promise<StreamWorld['restore']> {
  if (typeof request.snapshotId === 'string') {
    const row = await findSnapshot(db, request.snapshotId.toLowerCase());
    if (!row || row.pipelineId !== pipelineId) return { missing: `Snapshot ${request.snapshotId} is not a snapshot of this pipeline (or it was garbage-collected).` };
    return snapshotRestore(row.id, row.location);
  }
  if (request.useLatestCheckpoint === true) {
    const checkpoint = await latestCheckpointOfPipeline(db, pipelineId);
    if (!checkpoint) return { missing: 'This pipeline\'s last job left no checkpoint to start from.' };
    return { location: checkpoint.location, source: `checkpoint ${checkpoint.name} of job ${checkpoint.jobId}` };
  }
  return undefined;
}

/** The newest complete checkpoint of the pipeline's last job (null when that job wrote none). */
export async function latestCheckpointOfPipeline(db: Db, pipelineId: string): Promise<{ jobId: string; location: string; name: string } | null> {
  const job = await db
    .selectFrom('jobs')
    .select(['id', 'latestCheckpoint', 'latestCheckpointName'])
    .where('pipelineId', '=', pipelineId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!job?.latestCheckpoint) return null;
  return { jobId: job.id, location: job.latestCheckpoint, name: job.latestCheckpointName ?? job.latestCheckpoint };
}

/** `restart` operations of a version since `since` (the restart budget's window). */
export async function restartsSince(db: Db, versionId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('operations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('versionId', '=', versionId)
    .where('requestType', '=', 'restart')
    .where('created', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The job's logging configuration is now what was written into its folder. */
export async function recordLoggingApplied(db: Db, jobId: string, logging: string): Promise<void> {
  await db.updateTable('jobs').set({ loggingApplied: logging }).where('id', '=', jobId).execute();
}
