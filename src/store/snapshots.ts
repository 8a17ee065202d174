import { sql } from 'kysely';
import type { Db } from './database.js';
import type { SnapshotRow } from './schema.js';

/** Snapshots of a pipeline taken since `since`, newest first, at most `limit` (the contract: 7 days, 350). */
export async function listSnapshots(db: Db, pipelineId: string, since: Date, limit: number): Promise<SnapshotRow[]> {
  return db
    .selectFrom('snapshots')
    .selectAll()
    .where('pipelineId', '=', pipelineId)
    .where('created', '>=', since)
    .orderBy('created', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function findSnapshot(db: Db, id: string): Promise<SnapshotRow | undefined> {
  return db.selectFrom('snapshots').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A deleted snapshot's row, with the runtime of the job that took it (null if that job's row is gone). */
export type ExpiredSnapshot = SnapshotRow & { runtime: string | null };

/**
 * Deletes the snapshots taken before `before` that nothing needs any more and returns them, so
 * their folders can be removed. Needed are: the snapshot a paused version resumes from, one an
 * operation in flight asked to start from, and one a live job started from and has no checkpoint
 * since (a restart would start from it again).
 */
export async function deleteExpiredSnapshots(db: Db, before: Date, limit: number): Promise<ExpiredSnapshot[]> {
  const rows = await sql<ExpiredSnapshot>`
    delete from snapshots s
     where s.id in (
       select id from snapshots
        where created < ${before}
          and not exists (select 1 from pipeline_versions v where v.resume_snapshot = snapshots.id)
          and not exists (select 1 from operations o
                           where o.state in ('accepted', 'being_processed')
                             and o.request ->> 'snapshotId' = snapshots.id::text)
          and not exists (select 1 from jobs j
                           where j.state in ('starting', 'running') and j.restore_location = snapshots.location
                             and j.latest_checkpoint is null)
        order by created
        limit ${limit}
        for update skip locked)
    returning s.id, s.realm, s.pipeline_id as "pipelineId", s.version_id as "versionId", s.template_id as "templateId",
              s.job_id as "jobId", s.reason, s.location, s.created,
              (select j.runtime from jobs j where j.id = s.job_id) as runtime`.execute(db);
  return rows.rows;
}
