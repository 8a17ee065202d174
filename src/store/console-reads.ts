import { sql } from 'kysely';
import type { Owner } from '../domain/owner.js';
import type { Db } from './database.js';
import { visibleTo } from './visibility.js';

/** What the console's pipelines page shows of each pipeline. */
export interface PipelineOverviewRow {
  id: string;
  name: string;
  description: string | null;
  created: Date;
  /** The active version (at most one per pipeline: any state but `ready`). */
  activeVersionId: string | null;
  activeVersionName: string | null;
  activeVersionState: string | null;
  nextJobAttempt: Date | null;
  versionCount: number;
  lastJobId: string | null;
  lastJobState: string | null;
  lastJobVersionId: string | null;
  lastJobCreated: Date | null;
  lastJobEnded: Date | null;
}

/** `idle`: no active version. */
export type OverviewState = 'running' | 'scheduled' | 'paused' | 'idle';

export interface OverviewRequest {
  /** Part of the name, any case. */
  search?: string;
  state?: OverviewState;
  /** The last row of the previous page (creation order). */
  after?: { created: Date; id: string };
  limit: number;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of the owner's pipelines with their active version and last job: one statement, each
 * pipeline's active version and last job by an index probe (`pipeline_versions` by pipeline,
 * `jobs_pipeline` of migration 0013), pages by (created, id) so a page costs the same at any depth.
 */
export async function pipelineOverview(db: Db, owner: Owner, request: OverviewRequest): Promise<PipelineOverviewRow[]> {
  const { rows } = await sql<PipelineOverviewRow>`
    select pipelines.id, pipelines.name, pipelines.description, pipelines.created,
           v.id as active_version_id, v.name as active_version_name, v.state as active_version_state,
           v.next_job_attempt, c.version_count,
           j.id as last_job_id, j.state as last_job_state, j.version_id as last_job_version_id,
           j.created as last_job_created, j.ended as last_job_ended
      from pipelines
      left join lateral (
        select id, name, state, next_job_attempt from pipeline_versions
         where pipeline_id = pipelines.id and state <> 'ready' order by version_number desc limit 1
      ) v on true
      left join lateral (select count(*)::int as version_count from pipeline_versions where pipeline_id = pipelines.id) c on true
      left join lateral (
        select id, state, version_id, created, ended from jobs where pipeline_id = pipelines.id order by seq desc limit 1
      ) j on true
     where ${visibleTo(owner, 'pipelines')}
       ${request.search ? sql`and pipelines.name ilike ${likePattern(request.search)}` : sql``}
       ${request.state === 'idle' ? sql`and v.id is null` : request.state ? sql`and v.state = ${request.state}` : sql``}
       ${request.after ? sql`and (pipelines.created, pipelines.id) > (${request.after.created.toISOString()}::timestamptz, ${request.after.id}::uuid)` : sql``}
     order by pipelines.created, pipelines.id
     limit ${request.limit}`.execute(db);
  return rows;
}

/** A job as the console's version page shows it: with how it ended and its newest checkpoint. */
export interface ConsoleJobRow {
  id: string;
  state: string;
  message: string | null;
  exitCode: number | null;
  attempt: number;
  highAvailability: boolean;
  catalogVersions: Record<string, unknown> | null;
  created: Date;
  ended: Date | null;
  latestCheckpoint: string | null;
  restoreSource: string | null;
  folderRemoved: Date | null;
}

/** The version's newest jobs, newest first. */
export async function recentJobsOfVersion(db: Db, versionId: string, limit: number): Promise<ConsoleJobRow[]> {
  return db
    .selectFrom('jobs')
    .select(['id', 'state', 'message', 'exitCode', 'attempt', 'highAvailability', 'catalogVersions', 'created', 'ended', 'latestCheckpoint', 'restoreSource', 'folderRemoved'])
    .where('versionId', '=', versionId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
}

/** The version's newest operations, newest first. */
export async function recentOperationsOfVersion(db: Db, versionId: string, limit: number) {
  return db.selectFrom('operations').selectAll().where('versionId', '=', versionId).orderBy('seq', 'desc').limit(limit).execute();
}

/** Snapshots taken of the version's jobs, newest first. */
export async function snapshotsOfVersion(db: Db, versionId: string, limit: number) {
  return db
    .selectFrom('snapshots')
    .select(['id', 'jobId', 'reason', 'created'])
    .where('versionId', '=', versionId)
    .orderBy('created', 'desc')
    .limit(limit)
    .execute();
}

/** The owner's packages, newest first. */
export async function recentPackages(db: Db, owner: Owner, limit: number) {
  return db
    .selectFrom('packages')
    .select(['id', 'fileName', 'mainClass', 'entryPoints', 'sizeBytes', 'created'])
    .where(visibleTo(owner))
    .orderBy('created', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Catalogs the owner deals with: those with versions in the realm's local registry, and those
 * the owner's versions read or write, with their latest registry version (−1: none yet).
 */
export async function knownCatalogs(db: Db, owner: Owner, limit: number): Promise<{ catalogHrn: string; latestVersion: number }[]> {
  const { rows } = await sql<{ catalogHrn: string; latestVersion: number }>`
    with named as (
      select catalog_hrn from catalog_versions where realm = ${owner.realm}
      union
      select i.value from pipeline_versions v join pipelines on pipelines.id = v.pipeline_id,
             jsonb_each_text(v.input_catalogs) i
       where ${visibleTo(owner, 'pipelines')}
      union
      select v.output_catalog_hrn from pipeline_versions v join pipelines on pipelines.id = v.pipeline_id
       where ${visibleTo(owner, 'pipelines')}
    )
    select n.catalog_hrn,
           coalesce((select max(version) from catalog_versions c where c.realm = ${owner.realm} and c.catalog_hrn = n.catalog_hrn), -1)::int as latest_version
      from named n
     order by n.catalog_hrn
     limit ${limit}`.execute(db);
  return rows;
}
