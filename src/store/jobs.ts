import type { Owner } from '../domain/owner.js';
import type { Db } from './database.js';
import { visibleTo } from './visibility.js';
import type { JobRow } from './schema.js';

/**
 * The columns a Job of the API shows. Lists read only these: a job row also carries engine state
 * (work folder, the Log4j2 text last applied: kilobytes), and parsing it for every job of every
 * poll was most of what GET …/jobs cost.
 */
const PRESENTED = ['id', 'versionId', 'state', 'catalogVersions', 'created', 'updated', 'runAsId', 'executionMode', 'highAvailability'] as const;
export type PresentedJobRow = Pick<JobRow, (typeof PRESENTED)[number]>;

/** Newest first. */
export async function listJobs(db: Db, versionId: string): Promise<PresentedJobRow[]> {
  return db.selectFrom('jobs').select(PRESENTED).where('versionId', '=', versionId).orderBy('seq', 'desc').execute();
}

export async function latestJobs(db: Db, versionIds: string[]): Promise<Map<string, PresentedJobRow>> {
  const latest = new Map<string, PresentedJobRow>();
  if (versionIds.length === 0) return latest;
  const rows = await db
    .selectFrom('jobs')
    .select(PRESENTED)
    .where('seq', 'in', (eb) => eb.selectFrom('jobs').select((e) => e.fn.max('seq').as('seq')).where('versionId', 'in', versionIds).groupBy('versionId'))
    .execute();
  for (const row of rows) latest.set(row.versionId, row);
  return latest;
}

/** A job, if its pipeline is visible to `owner` (realm and project scope, as for the pipeline). */
export async function findVisibleJob(db: Db, owner: Owner, jobId: string): Promise<JobRow | undefined> {
  return db
    .selectFrom('jobs')
    .innerJoin('pipelines', 'pipelines.id', 'jobs.pipelineId')
    .selectAll('jobs')
    .where('jobs.id', '=', jobId)
    .where(visibleTo(owner, 'pipelines'))
    .executeTakeFirst();
}
