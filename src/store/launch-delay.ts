import type { Db } from './database.js';

/**
 * A launch that must wait (its cluster cannot take it now): the reason goes on the job and on
 * the operation waiting for it, so `GET …/operations` and `GET …/jobs` say why nothing runs yet.
 * Both stay in flight; the engine tries again, until the job's start deadline.
 */
export async function recordLaunchDelay(db: Db, delay: { jobId: string; operationId: string | null; message: string; at: Date }): Promise<void> {
  await db.updateTable('jobs').set({ message: delay.message, updated: delay.at }).where('id', '=', delay.jobId).where('state', '=', 'starting').execute();
  if (delay.operationId) {
    await db.updateTable('operations').set({ message: delay.message, updated: delay.at })
      .where('id', '=', delay.operationId).where('state', '=', 'being_processed').execute();
  }
}
