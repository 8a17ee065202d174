import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Plan, Restore } from '../domain/reconcile-types.js';
import type { Db } from './database.js';
import { appendEvents } from './events.js';
import type { JobRow, PipelineVersionRow, Tables } from './schema.js';
import type { VersionWorld } from './version-world.js';

/** Who service-made operations are recorded as. */
export const SERVICE_USER = 'sluice-service';

export interface NewJobDetails {
  id: string;
  /** The version the job runs (an upgrade creates the target's job). */
  versionId: string;
  runtime: string;
  owner: string;
  /** Remote runtimes: until when `owner` holds the job (store/operations.ts); null for a local job. */
  leaseUntil: Date | null;
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
 * Writes a plan's database part in one transaction: the job, the version, the operation, any
 * service operation and the plan's events change together or not at all. A plain writer: the
 * plan (completed by domain/plan-writes.ts) says every value; nothing here decides one.
 */
export async function applyPlan(db: Db, world: VersionWorld, plan: Plan, now: Date, newJob?: NewJobDetails, snapshot?: KeptSnapshotRecord): Promise<Applied> {
  const { version, operation, job } = world;
  const serviceOperationId = randomUUID();
  const applied: Applied = {};
  // Each part the plan has, in order; a plan that only acts on the process (launch, signal) has none and opens no transaction.
  const steps: ((trx: Transaction<Tables>) => Promise<void>)[] = [];
  // Consts, so that the checks below still narrow them inside the steps.
  const { serviceOperation, createJob, startTarget, scheduleTarget, job: jobChange, version: versionChange, operation: operationChange } = plan;
  if (snapshot && job) steps.push(async (trx) => {
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
  });
  if (serviceOperation) steps.push(async (trx) => {
    await trx.insertInto('operations').values({
      id: serviceOperationId,
      realm: version.realm,
      pipelineId: version.pipelineId,
      versionId: version.id,
      requestType: serviceOperation.type,
      state: 'succeeded',
      message: serviceOperation.message,
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
  });
  if (createJob && newJob && operation) steps.push(async (trx) => {
    const options = operation.options ?? {};
    applied.createdJob = await trx.insertInto('jobs').values({
      id: newJob.id,
      realm: version.realm,
      pipelineId: version.pipelineId,
      versionId: newJob.versionId,
      operationId: createJob.ofServiceOperation ? serviceOperationId : operation.id,
      state: 'starting',
      message: null,
      catalogVersions: newJob.catalogVersions ? JSON.stringify(newJob.catalogVersions) : null,
      runAsId: operation.runAsId,
      executionMode: createJob.executionMode,
      highAvailability: options.highAvailability === true,
      runtime: newJob.runtime,
      owner: newJob.owner,
      leaseUntil: newJob.leaseUntil,
      handle: null,
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
  });
  if (jobChange && job) steps.push(async (trx) => {
    const ends = jobChange.state !== undefined && jobChange.state !== 'running';
    await trx.updateTable('jobs').set({
      ...(jobChange.state ? { state: jobChange.state } : {}),
      ...(jobChange.message !== undefined ? { message: jobChange.message } : {}),
      ...(jobChange.exitCode !== undefined ? { exitCode: jobChange.exitCode } : {}),
      ...(jobChange.stopRequested !== undefined ? { stopRequested: jobChange.stopRequested, stopDeadline: jobChange.stopDeadline ?? null } : {}),
      ...(jobChange.latestCheckpoint !== undefined
        ? { latestCheckpoint: jobChange.latestCheckpoint.location, latestCheckpointName: jobChange.latestCheckpoint.name } : {}),
      ...(jobChange.relaunch ? relaunched(jobChange.relaunch, job.attempt) : {}),
      ...(ends ? { ended: now } : {}),
      updated: now,
    }).where('id', '=', job.id).execute();
  });
  if (versionChange) steps.push(async (trx) => {
    applied.version = await trx.updateTable('pipelineVersions').set({
      state: versionChange.state,
      runMode: versionChange.runMode,
      ...(versionChange.clearResolverSchedule ? { schedulerConfiguration: null } : {}),
      ...(versionChange.nextJobAttempt !== undefined ? { nextJobAttempt: versionChange.nextJobAttempt } : {}),
      ...(versionChange.lastCronTick !== undefined ? { lastCronTick: versionChange.lastCronTick } : {}),
      ...(versionChange.afterJob !== undefined
        ? { afterJob: versionChange.afterJob?.then ?? null, upgradeTarget: versionChange.afterJob?.targetId ?? null } : {}),
      ...(versionChange.resumeSnapshot !== undefined ? { resumeSnapshot: versionChange.resumeSnapshot } : {}),
      updated: now,
    }).where('id', '=', version.id).returningAll().executeTakeFirst();
  });
  if (startTarget) steps.push(async (trx) => {
    const started = await trx.updateTable('pipelineVersions')
      .set({ state: 'running', runMode: 'stream', updated: now })
      .where('id', '=', startTarget)
      .where('state', '=', 'ready')
      .executeTakeFirst();
    // Cannot happen while the upgrade is in flight (it keeps the target from being activated); if it does, change nothing.
    if (Number(started.numUpdatedRows) !== 1) throw new Error(`upgrade: the target version ${startTarget} is no longer ready`);
  });
  if (scheduleTarget) steps.push(async (trx) => {
    // Upgrade: the target takes over the schedule, counting cron ticks from now.
    await trx.updateTable('pipelineVersions')
      .set({ state: 'scheduled', runMode: 'scheduled', lastCronTick: now, nextJobAttempt: null, updated: now })
      .where('id', '=', scheduleTarget)
      .where('state', '=', 'ready')
      .execute();
  });
  if (operationChange && operation) steps.push(async (trx) => {
    await trx.updateTable('operations').set({
      state: operationChange.state,
      message: operationChange.message,
      claimedBy: null,
      leaseUntil: null,
      updated: now,
    }).where('id', '=', operation.id).where('state', '=', 'being_processed').execute();
  });
  if (plan.events && plan.events.length > 0) {
    const events = plan.events;
    steps.push((trx) => appendEvents(trx, events, now));
  }
  if (steps.length === 0) return applied;
  await db.transaction().execute(async (trx) => {
    for (const step of steps) await step(trx);
  });
  return applied;
}

export interface KeptSnapshotRecord {
  id: string;
  reason: 'pause' | 'upgrade';
  location: string;
}

/** A new attempt of the job: not launched yet, restoring from `restore`. */
function relaunched(relaunch: { restore: Restore | null; startDeadline: Date }, attempt: number) {
  return {
    attempt: attempt + 1,
    handle: null,
    exitCode: null,
    stopRequested: null,
    stopDeadline: null,
    startDeadline: relaunch.startDeadline,
    restoreLocation: relaunch.restore?.location ?? null,
    restoreSource: relaunch.restore?.source ?? null,
  };
}

/** The runtime launched the job: its handle (opaque here) and the logging configuration it was given. */
export async function recordLaunch(db: Db, jobId: string, handle: Record<string, unknown>, now: Date, loggingApplied: string): Promise<void> {
  await db.updateTable('jobs').set({ handle: JSON.stringify(handle), loggingApplied, updated: now }).where('id', '=', jobId).execute();
}

/** The runtime gave the job a new handle while it runs (a stop it must be able to follow after a crash). */
export async function recordHandle(db: Db, jobId: string, handle: Record<string, unknown>, now: Date): Promise<void> {
  await db.updateTable('jobs').set({ handle: JSON.stringify(handle), updated: now }).where('id', '=', jobId).execute();
}
