import type { Owner } from '../domain/owner.js';
import type { Db } from './database.js';
import { visibleTo } from './visibility.js';
import type { JobRow } from './schema.js';

/** Newest first. */
export async function listJobs(db: Db, versionId: string): Promise<JobRow[]> {
  return db.selectFrom('jobs').selectAll().where('versionId', '=', versionId).orderBy('seq', 'desc').execute();
}

export async function latestJobs(db: Db, versionIds: string[]): Promise<Map<string, JobRow>> {
  const latest = new Map<string, JobRow>();
  if (versionIds.length === 0) return latest;
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
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
