import type { FastifyBaseLogger } from 'fastify';
import { asError } from '../domain/errors.js';
import type { RuntimeRegistry } from '../runtimes/registry.js';
import type { JobRuntime } from '../runtimes/runtime.js';
import { runtimeJobOf } from './observer.js';
import type { Db } from '../store/database.js';
import { expiredJobFolders, knownIds, recordJobFoldersRemoved } from '../store/job-folders.js';
import type { CollectionTask } from './garbage-collector.js';

export interface JobFolderCollectionDeps {
  db: Db;
  runtimes: RuntimeRegistry;
  /** This replica: only its own jobs' folders are on its disk. */
  replicaId: string;
  retentionMs: number;
  /**
   * A folder without a row is left alone this long after its last change: a snapshot folder is
   * moved into place just before its row is written, and a crash in between is mended by the
   * engine on its next pass. Compared with the wall clock: it is the file system's time.
   */
  leftoverGraceMs: number;
  log: FastifyBaseLogger;
}

const BATCH = 100;

/**
 * Removes the folders of jobs that ended longer ago than the retention (the store says which are
 * still needed), then records it on the jobs' rows; and removes folders whose rows are gone
 * (deleting a version deletes its jobs and snapshots). The folder goes before the record: a crash
 * in between only means removing an absent folder again.
 */
export function jobFolderCollection({ db, runtimes, replicaId, retentionMs, leftoverGraceMs, log }: JobFolderCollectionDeps): CollectionTask {
  async function expired(now: Date): Promise<number> {
    const before = new Date(now.getTime() - retentionMs);
    let removed = 0;
    for (;;) {
      const jobs = await expiredJobFolders(db, replicaId, before, BATCH);
      const done: string[] = [];
      for (const job of jobs) {
        try {
          const runtime = runtimes.forJob(job);
          if (!runtime) throw new Error(`its runtime ${job.runtime} is not in the runtime catalog any more`);
          await runtime.removeJobFiles(runtimeJobOf(job));
          done.push(job.id);
          log.info({ jobId: job.id, ended: job.ended }, 'job folder removed after the retention');
        } catch (error) {
          log.warn({ err: asError(error), jobId: job.id }, 'job folder not removed');
        }
      }
      await recordJobFoldersRemoved(db, done, now);
      removed += done.length;
      // A folder that could not be removed is tried again at the next run, not in a loop now.
      if (jobs.length < BATCH || done.length < jobs.length) return removed;
    }
  }

  async function leftovers(): Promise<number> {
    let removed = 0;
    for (const runtime of runtimes.all()) removed += await leftoversOf(runtime);
    return removed;
  }

  async function leftoversOf(runtime: JobRuntime): Promise<number> {
    const { jobs, snapshots } = await runtime.leftovers();
    const settled = Date.now() - leftoverGraceMs;
    const oldJobs = jobs.filter((f) => f.changedMs < settled).map((f) => f.id);
    const oldSnapshots = snapshots.filter((f) => f.changedMs < settled).map((f) => f.id);
    const [knownJobs, knownSnapshots] = await Promise.all([knownIds(db, 'jobs', oldJobs), knownIds(db, 'snapshots', oldSnapshots)]);
    let removed = 0;
    for (const [kind, ids, known] of [['job', oldJobs, knownJobs], ['snapshot', oldSnapshots, knownSnapshots]] as const) {
      for (const id of ids.filter((i) => !known.has(i))) {
        await runtime.removeLeftover(kind, id);
        log.info({ kind, id }, 'folder without a row removed');
        removed++;
      }
    }
    return removed;
  }

  return {
    name: 'job folders',
    async collect(now) {
      return (await expired(now)) + (await leftovers());
    },
  };
}
