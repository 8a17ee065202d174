import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { PipelineVersionRow, TriggerDecisionRow } from './schema.js';
import { SERVICE_USER } from './apply-plan.js';

/** Versions whose schedule the trigger engine watches: activated as scheduled batch. */
export async function scheduledVersions(db: Db, kind: 'resolver' | 'cron', realm?: string): Promise<PipelineVersionRow[]> {
  let query = db.selectFrom('pipelineVersions').selectAll().where('runMode', '=', 'scheduled');
  if (realm) query = query.where('realm', '=', realm);
  const rows = await query.execute();
  return rows.filter((row) => (kind === 'resolver'
    ? row.schedulerConfiguration?.catalogTriggerOptions === 'version_resolver'
    : row.schedulerConfiguration?.timeTriggerOptions !== undefined));
}

export async function findVersionById(db: Db, id: string): Promise<PipelineVersionRow | undefined> {
  return db.selectFrom('pipelineVersions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The baseline: input versions the version's last completed job left (null before the first success). */
export async function resolverBaseline(db: Db, versionId: string): Promise<Record<string, number> | null> {
  const job = await db
    .selectFrom('jobs')
    .select(['resolverBaseline', 'catalogVersions'])
    .where('versionId', '=', versionId)
    .where('state', '=', 'completed')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!job) return null;
  if (job.resolverBaseline) return job.resolverBaseline;
  const inputs = (job.catalogVersions?.inputCatalogs ?? {}) as Record<string, { version: number }>;
  return Object.fromEntries(Object.entries(inputs).map(([label, v]) => [label, v.version]));
}

/** Input versions of the version's last job, whatever its outcome (null if it never ran). */
export async function lastAttempt(db: Db, versionId: string): Promise<Record<string, number> | null> {
  const job = await db
    .selectFrom('jobs')
    .select('catalogVersions')
    .where('versionId', '=', versionId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!job?.catalogVersions) return null;
  const inputs = (job.catalogVersions.inputCatalogs ?? {}) as Record<string, { version: number }>;
  return Object.fromEntries(Object.entries(inputs).map(([label, v]) => [label, v.version]));
}

export async function setResolverBaseline(db: Db, jobId: string, baseline: Record<string, number>): Promise<void> {
  await db.updateTable('jobs').set({ resolverBaseline: JSON.stringify(baseline) }).where('id', '=', jobId).execute();
}

export interface ScheduledRun {
  versionId: string;
  jobId: string;
  runtime: string;
  owner: string;
  workDir: string;
  executionMode: 'scheduled' | 'time-schedule';
  catalogVersions: Record<string, unknown>;
  message: string;
  startDeadline: Date;
  at: Date;
}

/**
 * A trigger fired: with the version locked and still `scheduled`, create its job, move it to
 * `running` and record the service's `run` operation, all at once. Returns false when the
 * version was no longer `scheduled` (another replica or an operation came first).
 */
export async function startScheduledRun(db: Db, run: ScheduledRun): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const version = await trx.selectFrom('pipelineVersions').selectAll().where('id', '=', run.versionId).forUpdate().executeTakeFirst();
    if (!version || version.state !== 'scheduled' || version.runMode !== 'scheduled') return false;
    const operationId = randomUUID();
    await trx.insertInto('operations').values({
      id: operationId,
      realm: version.realm,
      pipelineId: version.pipelineId,
      versionId: version.id,
      requestType: 'run',
      state: 'succeeded',
      message: run.message,
      userId: SERVICE_USER,
      clientId: null,
      runAsId: version.runAsId,
      options: JSON.stringify({}),
      request: JSON.stringify({ jobId: run.jobId }),
      byService: true,
      claimedBy: null,
      leaseUntil: null,
      deadline: null,
      created: run.at,
      updated: run.at,
    }).execute();
    await trx.insertInto('jobs').values({
      id: run.jobId,
      realm: version.realm,
      pipelineId: version.pipelineId,
      versionId: version.id,
      operationId,
      state: 'starting',
      message: null,
      catalogVersions: JSON.stringify(run.catalogVersions),
      runAsId: version.runAsId,
      executionMode: run.executionMode,
      highAvailability: false,
      runtime: run.runtime,
      owner: run.owner,
      workDir: run.workDir,
      pid: null,
      processStart: null,
      exitCode: null,
      stopRequested: null,
      stopDeadline: null,
      startDeadline: run.startDeadline,
      created: run.at,
      updated: run.at,
      ended: null,
      resolverBaseline: null,
    }).execute();
    await trx.updateTable('pipelineVersions').set({ state: 'running', updated: run.at }).where('id', '=', version.id).execute();
    return true;
  });
}

export interface Decision {
  versionId: string;
  at: Date;
  trigger: string;
  observed: Record<string, unknown>;
  decision: 'started' | 'skipped';
  reason: string;
  jobId?: string;
}

export async function recordDecision(db: Db, decision: Decision): Promise<void> {
  await db.insertInto('triggerDecisions').values({
    ...decision,
    observed: JSON.stringify(decision.observed),
    jobId: decision.jobId ?? null,
  }).execute();
}

export async function recentDecisions(db: Db, versionId: string, limit: number): Promise<TriggerDecisionRow[]> {
  return db.selectFrom('triggerDecisions').selectAll().where('versionId', '=', versionId).orderBy('seq', 'desc').limit(limit).execute();
}

/** Keeps the decision log bounded: the newest `keep` per version. */
export async function pruneDecisions(db: Db, keep: number): Promise<void> {
  await db.deleteFrom('triggerDecisions').where('seq', 'in', (eb) =>
    eb.selectFrom('triggerDecisions as d')
      .select('d.seq')
      .where((w) => w.exists(w.selectFrom('triggerDecisions as newer')
        .select('newer.seq')
        .whereRef('newer.versionId', '=', 'd.versionId')
        .whereRef('newer.seq', '>', 'd.seq')
        .offset(keep - 1)
        .limit(1)))).execute();
}

/**
 * Takes a cron tick: moves `lastCronTick` from what this replica saw to `tick`. Only one replica
 * wins a given tick (compare-and-set), so a tick runs once however many replicas see it.
 */
export async function takeCronTick(db: Db, versionId: string, seen: Date | null, tick: Date, next: Date | null): Promise<boolean> {
  let query = db.updateTable('pipelineVersions').set({ lastCronTick: tick, nextJobAttempt: next }).where('id', '=', versionId);
  query = seen === null ? query.where('lastCronTick', 'is', null) : query.where('lastCronTick', '=', seen);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setNextJobAttempt(db: Db, versionId: string, next: Date | null): Promise<void> {
  await db.updateTable('pipelineVersions').set({ nextJobAttempt: next }).where('id', '=', versionId).execute();
}
