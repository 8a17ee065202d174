import { sql } from 'kysely';
import type { Db } from './database.js';

export interface ExpiredJobFolder {
  id: string;
  runtime: string;
  attempt: number;
  handle: Record<string, unknown> | null;
  ended: Date;
}

/**
 * Ended jobs of `owner` (a job's folder is on its owner's disk) that ended before `before` and
 * whose folder is still there, oldest first, except those whose folder is still needed: the
 * pipeline's last job (activate with useLatestCheckpoint starts from its checkpoints), and a job
 * whose newest checkpoint a live job restored from and has not checkpointed since (a restart
 * would restore from it again). Locations are compared whole, never taken apart: a job is only
 * ever started from the checkpoint recorded as its source's newest.
 */
export async function expiredJobFolders(db: Db, owner: string, before: Date, limit: number): Promise<ExpiredJobFolder[]> {
  const rows = await sql<ExpiredJobFolder>`
    select j.id, j.runtime, j.attempt, j.handle, j.ended
      from jobs j
     where j.owner = ${owner}
       and j.ended is not null
       and j.folder_removed is null
       and j.ended < ${before}
       and j.state in ('completed', 'failed', 'canceled')
       and exists (select 1 from jobs later where later.pipeline_id = j.pipeline_id and later.seq > j.seq)
       and not exists (select 1 from jobs live
                        where live.state in ('starting', 'running') and live.latest_checkpoint is null
                          and live.restore_location = j.latest_checkpoint)
     order by j.ended
     limit ${limit}`.execute(db);
  return rows.rows.map((row) => ({ ...row, ended: new Date(row.ended) }));
}

/** The folders are gone: the jobs' rows say since when. */
export async function recordJobFoldersRemoved(db: Db, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('jobs').set({ folderRemoved: at }).where('id', 'in', ids).execute();
}

/** Which of `ids` the store has rows for (deleting a version deletes its jobs' and snapshots' rows). */
export async function knownIds(db: Db, table: 'jobs' | 'snapshots', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom(table).select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((row) => row.id));
}
