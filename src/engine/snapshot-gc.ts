import type { FastifyBaseLogger } from 'fastify';
import { asError } from '../domain/errors.js';
import type { RuntimeRegistry } from '../runtimes/registry.js';
import type { Db } from '../store/database.js';
import { deleteExpiredSnapshots } from '../store/snapshots.js';
import type { CollectionTask } from './garbage-collector.js';

export interface SnapshotCollectionDeps {
  db: Db;
  runtimes: RuntimeRegistry;
  retentionMs: number;
  log: FastifyBaseLogger;
}

/** Rows deleted per statement: a backlog is worked off in bounded transactions. */
const BATCH = 100;

/**
 * Removes snapshots older than the retention that nothing needs any more (the store decides
 * which, in the same statement that deletes them, so replicas never both take one), then their
 * folders. A folder whose row is gone but which survived a crash is only disk, never a wrong
 * answer (the job-folder task removes such leftovers).
 */
export function snapshotCollection({ db, runtimes, retentionMs, log }: SnapshotCollectionDeps): CollectionTask {
  return {
    name: 'snapshots',
    async collect(now) {
      const before = new Date(now.getTime() - retentionMs);
      let removed = 0;
      for (;;) {
        const rows = await deleteExpiredSnapshots(db, before, BATCH);
        for (const row of rows) {
          // The runtime of the job that took the snapshot is the one that understands its location.
          const runtime = runtimes.forJob({ runtime: row.runtime ?? 'local-jvm' });
          if (!runtime) log.warn({ snapshotId: row.id, runtime: row.runtime, location: row.location }, 'snapshot not removed: its runtime is not in the runtime catalog any more');
          await runtime?.deleteSnapshot(row.location).catch((error) => log.warn({ err: asError(error), snapshotId: row.id }, 'snapshot not removed'));
          log.info({ snapshotId: row.id, pipelineId: row.pipelineId, created: row.created }, 'snapshot garbage-collected');
        }
        removed += rows.length;
        if (rows.length < BATCH) return removed;
      }
    },
  };
}
