import { randomUUID } from 'node:crypto';
import type { Plan, Restore } from '../domain/reconcile-types.js';
import type { Db } from './database.js';
import type { JobRow, PipelineVersionRow } from './schema.js';
import type { VersionWorld } from './version-world.js';

/** Who service-made operations are recorded as. */
export const SERVICE_USER = 'sluice-service';

export interface NewJobDetails {
  id: string;
  /** The version the job runs (an upgrade creates the target's job). */
  versionId: string;
  runtime: string;
  owner: string;
  workDir: string;
  startDeadline: Date;
  catalogVersions: Record<string, unknown> | null;
  restore?: Restore;
}

/** Rows as the plan left them: the job it created and the version it changed, if it did. */
export interface Applied {
  createdJob?: JobRow;
  version?: PipelineVersionRow;
}

/**
 * Writes a plan's database part in one transaction: the job, the version, the operation and
 * any service operation change together or not at all.
 */
export async function applyPlan(db: Db, world: VersionWorld, plan: Plan, now: Date, newJob?: NewJobDetails, snapshot?: KeptSnapshotRecord): Promise<Applied> {
  const { version, operation, job } = world;
  const serviceOperationId = randomUUID();
  const applied: Applied = {};
  // A plan that only acts on the process (launch, signal) writes nothing here: no empty transaction.
  const writes = (snapshot && job) || plan.serviceOperation || (plan.createJob && newJob && operation) || (plan.job && job)
    || plan.version || plan.startTarget || plan.scheduleTarget || (plan.operation && operation);
  if (!writes) return applied;
  await db.transaction().execute(async (trx) => {
    if (snapshot && job) {
      await trx.insertInto('snapshots').values({
        id: snapshot.id,
        realm: version.realm,
        pipelineId: version.pipelineId,
        versionId: version.id,
        templateId: version.pipelineTemplateId,
        jobId: job.id,
        reason: snapshot.reason,
        location: snapshot.location,
        created: now,
      }).execute();
    }
    if (plan.serviceOperation) {
      await trx.insertInto('operations').values({
        id: serviceOperationId,
        realm: version.realm,
        pipelineId: version.pipelineId,
        versionId: version.id,
        requestType: plan.serviceOperation.type,
        state: 'succeeded',
        message: plan.serviceOperation.message,
        userId: SERVICE_USER,
        clientId: null,
        runAsId: job?.runAsId ?? operation?.runAsId ?? null,
        options: JSON.stringify({}),
        request: JSON.stringify(job ? { jobId: job.id } : {}),
        byService: true,
        claimedBy: null,
        leaseUntil: null,
        deadline: null,
        created: now,
        updated: now,
      }).execute();
    }
    if (plan.createJob && newJob && operation) {
      const options = operation.options ?? {};
      applied.createdJob = await trx.insertInto('jobs').values({
        id: newJob.id,
        realm: version.realm,
        pipelineId: version.pipelineId,
        versionId: newJob.versionId,
        operationId: plan.createJob.ofServiceOperation ? serviceOperationId : operation.id,
        state: 'starting',
        message: null,
        catalogVersions: newJob.catalogVersions ? JSON.stringify(newJob.catalogVersions) : null,
        runAsId: operation.runAsId,
        executionMode: plan.createJob.executionMode,
        highAvailability: options.highAvailability === true,
        runtime: newJob.runtime,
        owner: newJob.owner,
        workDir: newJob.workDir,
        pid: null,
        processStart: null,
        exitCode: null,
        stopRequested: null,
        stopDeadline: null,
        startDeadline: newJob.startDeadline,
        created: now,
        updated: now,
        ended: null,
        resolverBaseline: null,
        restoreLocation: newJob.restore?.location ?? null,
        restoreSource: newJob.restore?.source ?? null,
      }).returningAll().executeTakeFirstOrThrow();
    }
    if (plan.job && job) {
      const ends = plan.job.state !== undefined && plan.job.state !== 'running';
      await trx.updateTable('jobs').set({
        ...(plan.job.state ? { state: plan.job.state } : {}),
        ...(plan.job.message !== undefined ? { message: plan.job.message } : {}),
        ...(plan.job.exitCode !== undefined ? { exitCode: plan.job.exitCode } : {}),
        ...(plan.job.stopRequested !== undefined ? { stopRequested: plan.job.stopRequested, stopDeadline: plan.job.stopDeadline ?? null } : {}),
        ...(plan.job.latestCheckpoint !== undefined ? { latestCheckpoint: plan.job.latestCheckpoint } : {}),
        ...(plan.job.relaunch ? relaunched(plan.job.relaunch, job.attempt) : {}),
        ...(ends ? { ended: now } : {}),
        updated: now,
      }).where('id', '=', job.id).execute();
    }
    if (plan.version) {
      applied.version = await trx.updateTable('pipelineVersions').set({
        state: plan.version.state,
        runMode: plan.version.runMode,
        ...(plan.version.clearResolverSchedule ? { schedulerConfiguration: null } : {}),
        // Out of scheduled mode: no next attempt; back in it (activate, resume): cron counts from now.
        ...(plan.version.runMode === null ? { nextJobAttempt: null, lastCronTick: null } : {}),
        ...(plan.version.afterJob !== undefined
          ? { afterJob: plan.version.afterJob?.then ?? null, upgradeTarget: plan.version.afterJob?.targetId ?? null } : {}),
        ...(plan.version.state === 'scheduled' && operation?.requestType !== undefined && ['activate', 'resume'].includes(operation.requestType)
          ? { lastCronTick: now } : {}),
        // A paused stream version keeps the snapshot it resumes from; any other state needs none.
        resumeSnapshot: plan.version.resumeFromNewSnapshot && snapshot ? snapshot.id : plan.version.state === 'paused' ? version.resumeSnapshot : null,
        updated: now,
      }).where('id', '=', version.id).returningAll().executeTakeFirst();
    }
    if (plan.startTarget) {
      const started = await trx.updateTable('pipelineVersions')
        .set({ state: 'running', runMode: 'stream', updated: now })
        .where('id', '=', plan.startTarget)
        .where('state', '=', 'ready')
        .executeTakeFirst();
      // Cannot happen while the upgrade is in flight (it keeps the target from being activated); if it does, change nothing.
      if (Number(started.numUpdatedRows) !== 1) throw new Error(`upgrade: the target version ${plan.startTarget} is no longer ready`);
    }
    if (plan.scheduleTarget) {
      // Upgrade: the target takes over the schedule, counting cron ticks from now.
      await trx.updateTable('pipelineVersions')
        .set({ state: 'scheduled', runMode: 'scheduled', lastCronTick: now, nextJobAttempt: null, updated: now })
        .where('id', '=', plan.scheduleTarget)
        .where('state', '=', 'ready')
        .execute();
    }
    if (plan.operation && operation) {
      await trx.updateTable('operations').set({
        state: plan.operation.state,
        message: plan.operation.message,
        claimedBy: null,
        leaseUntil: null,
        updated: now,
      }).where('id', '=', operation.id).where('state', '=', 'being_processed').execute();
    }
  });
  return applied;
}

export interface KeptSnapshotRecord {
  id: string;
  reason: 'pause' | 'upgrade';
  location: string;
}

/** A new attempt of the job's process: not launched yet, restoring from `restore`. */
function relaunched(relaunch: { restore: Restore | null; startDeadline: Date }, attempt: number) {
  return {
    attempt: attempt + 1,
    pid: null,
    processStart: null,
    exitCode: null,
    stopRequested: null,
    stopDeadline: null,
    startDeadline: relaunch.startDeadline,
    restoreLocation: relaunch.restore?.location ?? null,
    restoreSource: relaunch.restore?.source ?? null,
  };
}

export async function recordLaunch(db: Db, jobId: string, pid: number, processStart: string, now: Date, loggingApplied: string): Promise<void> {
  await db.updateTable('jobs').set({ pid, processStart, loggingApplied, updated: now }).where('id', '=', jobId).execute();
}
