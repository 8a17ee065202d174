import { randomUUID } from 'node:crypto';
import { sql, type SqlBool } from 'kysely';
import type { Db } from './database.js';
import type { PipelineVersionRow } from './schema.js';
import { SERVICE_USER } from './apply-plan.js';
import { idList } from './trigger-decisions.js';

/** What the scheduler reads of a version: no configuration blobs it does not need. */
export type ScheduledVersion = Pick<PipelineVersionRow,
  'id' | 'realm' | 'state' | 'inputCatalogs' | 'outputCatalogHrn' | 'schedulerConfiguration' | 'lastCronTick' | 'nextJobAttempt' | 'updated'>;

const COLUMNS = ['id', 'realm', 'state', 'inputCatalogs', 'outputCatalogHrn', 'schedulerConfiguration', 'lastCronTick', 'nextJobAttempt', 'updated'] as const;

// Word for word the predicates of the partial indexes of migration 0006.
const RESOLVER = sql<SqlBool>`run_mode = 'scheduled' and scheduler_configuration->>'catalogTriggerOptions' = 'version_resolver'`;
const CRON = sql<SqlBool>`run_mode = 'scheduled' and scheduler_configuration->'timeTriggerOptions' is not null`;
/** A cron version whose next fire time is due and not yet taken by any replica. */
const DUE = (now: Date) => sql<SqlBool>`next_job_attempt <= ${now} and (last_cron_tick is null or last_cron_tick < next_job_attempt)`;

/** Realms with version_resolver versions in scheduled mode. */
export async function resolverRealms(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('pipelineVersions').select('realm').distinct().where(RESOLVER).execute();
  return rows.map((r) => r.realm);
}

/**
 * One page of a realm's version_resolver versions (by id, after `afterId`), optionally only
 * those reading `catalogHrn`.
 */
export async function resolverVersions(
  db: Db, realm: string, page: { afterId?: string; limit: number }, catalogHrn?: string,
): Promise<ScheduledVersion[]> {
  let query = db.selectFrom('pipelineVersions').select(COLUMNS).where(RESOLVER).where('realm', '=', realm);
  if (page.afterId) query = query.where('id', '>', page.afterId);
  if (catalogHrn) query = query.where(sql<SqlBool>`exists (select 1 from jsonb_each_text(input_catalogs) e where e.value = ${catalogHrn})`);
  return query.orderBy('id').limit(page.limit).execute();
}

export async function findVersionById(db: Db, id: string): Promise<PipelineVersionRow | undefined> {
  return db.selectFrom('pipelineVersions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function scheduledVersion(db: Db, id: string): Promise<ScheduledVersion | undefined> {
  return db.selectFrom('pipelineVersions').select(COLUMNS).where('id', '=', id).where('runMode', '=', 'scheduled').executeTakeFirst();
}

/** What the resolver needs from a version's jobs. */
export interface JobFacts {
  /** `resolverBaseline` and `catalogVersions` of the last completed job. */
  completed?: { resolverBaseline: Record<string, number> | null; catalogVersions: Record<string, unknown> | null };
  /** The last job, whatever its outcome. */
  last?: { id: string; catalogVersions: Record<string, unknown> | null };
}

/** Per version, its last completed job and its last job: one query, two index probes per version. */
export async function jobFactsOf(db: Db, versionIds: string[]): Promise<Map<string, JobFacts>> {
  const facts = new Map<string, JobFacts>();
  if (versionIds.length === 0) return facts;
  const { rows } = await sql<{
    versionId: string; completedBaseline: Record<string, number> | null; completedVersions: Record<string, unknown> | null;
    completedFound: boolean | null; lastId: string | null; lastVersions: Record<string, unknown> | null;
  }>`
    select v.id as version_id,
           c.found as completed_found, c.resolver_baseline as completed_baseline, c.catalog_versions as completed_versions,
           l.id as last_id, l.catalog_versions as last_versions
    from ${idList(versionIds)} as v (id)
    left join lateral (
      select true as found, resolver_baseline, catalog_versions from jobs
      where version_id = v.id and state = 'completed' order by seq desc limit 1
    ) c on true
    left join lateral (select id, catalog_versions from jobs where version_id = v.id order by seq desc limit 1) l on true`.execute(db);
  for (const row of rows) {
    facts.set(row.versionId, {
      completed: row.completedFound ? { resolverBaseline: row.completedBaseline, catalogVersions: row.completedVersions } : undefined,
      last: row.lastId ? { id: row.lastId, catalogVersions: row.lastVersions } : undefined,
    });
  }
  return facts;
}

export async function setResolverBaseline(db: Db, jobId: string, baseline: Record<string, number>): Promise<void> {
  await db.updateTable('jobs').set({ resolverBaseline: JSON.stringify(baseline) }).where('id', '=', jobId).execute();
}

/** Cron versions without a valid next fire time: just (re)scheduled, or a tick taken but not followed by one. */
export async function cronVersionsWithoutNextFire(db: Db, page: { afterId?: string; limit: number }): Promise<ScheduledVersion[]> {
  let query = db.selectFrom('pipelineVersions').select(COLUMNS).where(CRON)
    .where(sql<SqlBool>`(next_job_attempt is null or next_job_attempt <= last_cron_tick)`);
  if (page.afterId) query = query.where('id', '>', page.afterId);
  return query.orderBy('id').limit(page.limit).execute();
}

export interface NextFire {
  versionId: string;
  next: Date | null;
  /** The last tick it was computed from: written only if the version's last tick is still that. */
  basedOn: Date | null;
}

/** Sets next fire times, one statement per distinct (time, tick) pair: a sweep's versions mostly share both. */
export async function setNextFires(db: Db, fires: NextFire[]): Promise<void> {
  const groups = new Map<string, NextFire[]>();
  for (const fire of fires) {
    const key = `${fire.next?.getTime()} ${fire.basedOn?.getTime()}`;
    const group = groups.get(key);
    if (group) group.push(fire);
    else groups.set(key, [fire]);
  }
  for (const group of groups.values()) {
    const { next, basedOn } = group[0];
    await db.updateTable('pipelineVersions')
      .set({ nextJobAttempt: next })
      .where('id', 'in', group.map((f) => f.versionId))
      .where(basedOn === null ? sql<SqlBool>`last_cron_tick is null` : sql<SqlBool>`last_cron_tick = ${basedOn}`)
      .execute();
  }
}

/** Up to `limit` cron versions whose tick is due at `now` (read only: see takeCronTicks). */
export async function dueCronVersions(db: Db, now: Date, limit: number): Promise<ScheduledVersion[]> {
  return db.selectFrom('pipelineVersions').select(COLUMNS).where(CRON).where(DUE(now)).orderBy('nextJobAttempt').limit(limit).execute();
}

export interface CronTick {
  versionId: string;
  /** The fire time after this tick: written with it, so a taken tick is never left without one. */
  next: Date | null;
}

/**
 * Takes the due cron ticks of a batch of versions in one compare-and-set: each version's last
 * tick becomes `now` and its next fire time the given one, only where the tick is still due
 * (last tick before the next fire time, which is at or before now). Of two replicas taking the
 * same tick the second finds it no longer due once the first commits, so only one gets the row
 * back. Returns the versions whose tick this call took.
 */
export async function takeCronTicks(db: Db, now: Date, ticks: CronTick[]): Promise<ScheduledVersion[]> {
  if (ticks.length === 0) return [];
  const values = sql.join(ticks.map((t) => sql`(${t.versionId}::uuid, ${t.next}::timestamptz)`));
  const { rows } = await sql<ScheduledVersion>`
    update pipeline_versions p set last_cron_tick = ${now}, next_job_attempt = t.next
    from (values ${values}) as t (id, next)
    where p.id = t.id and p.next_job_attempt <= ${now} and (p.last_cron_tick is null or p.last_cron_tick < p.next_job_attempt)
    returning p.id, p.realm, p.state, p.input_catalogs, p.output_catalog_hrn, p.scheduler_configuration, p.last_cron_tick, p.next_job_attempt, p.updated`
    .execute(db);
  return rows;
}

/** The earliest next fire time not yet taken, to sleep until. */
export async function earliestNextFire(db: Db): Promise<Date | null> {
  const row = await db.selectFrom('pipelineVersions')
    .select((eb) => eb.fn.min<Date | null>('nextJobAttempt').as('next'))
    .where(CRON)
    .where(sql<SqlBool>`(last_cron_tick is null or next_job_attempt > last_cron_tick)`)
    .executeTakeFirst();
  return row?.next ? new Date(row.next) : null;
}

export interface ScheduledRun {
  versionId: string;
  jobId: string;
  /** The version's last job when it was evaluated: another job since means the evaluation is stale. */
  lastJobId: string | null;
  /**
   * The runtime (its name, stored on the job) that runs jobs of templates in this runtime
   * environment, and the lease on the job when that runtime is remote (store/operations.ts).
   */
  runtimeFor: (runtimeEnvironment: string) => { runtime: string; leaseUntil: Date | null };
  owner: string;
  executionMode: 'scheduled' | 'time-schedule';
  catalogVersions: Record<string, unknown>;
  message: string;
  startDeadline: Date;
  at: Date;
}

export type StartOutcome = 'started' | 'not-scheduled' | 'stale';

/**
 * A trigger fired: with the version locked, still `scheduled` and without a job newer than the
 * one its evaluation saw, create its job, move it to `running` and record the service's `run`
 * operation, all at once. Two replicas evaluating one publication start at most one job: the
 * second finds the version running, or (once that job ended) a job it did not see.
 */
export async function startScheduledRun(db: Db, run: ScheduledRun): Promise<StartOutcome> {
  return db.transaction().execute(async (trx) => {
    const version = await trx.selectFrom('pipelineVersions').selectAll().where('id', '=', run.versionId).forUpdate().executeTakeFirst();
    if (!version || version.state !== 'scheduled' || version.runMode !== 'scheduled') return 'not-scheduled';
    const last = await trx.selectFrom('jobs').select('id').where('versionId', '=', run.versionId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if ((last?.id ?? null) !== run.lastJobId) return 'stale';
    const template = await trx.selectFrom('pipelineTemplates').select('runtimeEnvironment').where('id', '=', version.pipelineTemplateId).executeTakeFirstOrThrow();
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
      ...run.runtimeFor(template.runtimeEnvironment),
      owner: run.owner,
      handle: null,
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
    return 'started';
  });
}
