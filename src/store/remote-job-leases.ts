import type { Db } from './database.js';

/**
 * Jobs on remote runtimes (their state is a cluster's, not a replica's) are looked after by the
 * replica that owns them for as long as it renews their lease; a replica that died stops
 * renewing, and the next replica to pass takes its jobs over. `runtimes` names the remote
 * runtimes of this service (the registry's `local: false`): local JVM jobs are never taken.
 */
export async function renewRemoteJobLeases(db: Db, replica: string, runtimes: string[], now: Date, leaseMs: number): Promise<void> {
  if (runtimes.length === 0) return;
  await db.updateTable('jobs')
    .set({ ownerLeaseUntil: new Date(now.getTime() + leaseMs) })
    .where('owner', '=', replica)
    .where('runtime', 'in', runtimes)
    .where('state', 'in', ['starting', 'running'])
    .execute();
}

/**
 * Takes over live remote jobs whose owner's lease ran out (a job never leased counts from its
 * last update), in one statement with `for update skip locked`, so two replicas never take the
 * same job. Returns the versions of the jobs taken, for this pass to look at.
 */
export async function takeOverRemoteJobs(db: Db, replica: string, runtimes: string[], now: Date, leaseMs: number): Promise<string[]> {
  if (runtimes.length === 0) return [];
  const expiredBefore = new Date(now.getTime() - leaseMs);
  const rows = await db.updateTable('jobs')
    .set({ owner: replica, ownerLeaseUntil: new Date(now.getTime() + leaseMs) })
    .where('id', 'in', (eb) => eb.selectFrom('jobs')
      .select('id')
      .where('state', 'in', ['starting', 'running'])
      .where('runtime', 'in', runtimes)
      .where('owner', '!=', replica)
      .where((w) => w.or([
        w('ownerLeaseUntil', '<', now),
        w.and([w('ownerLeaseUntil', 'is', null), w('updated', '<', expiredBefore)]),
      ]))
      .forUpdate()
      .skipLocked())
    .returning(['versionId'])
    .execute();
  return rows.map((r) => r.versionId);
}
