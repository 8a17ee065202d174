import crypto from 'node:crypto';
import type { JobFilesPublisher } from '../runtimes/flink/job-files.js';
import type { Db } from '../store/database.js';
import { putJobFiles, removeJobFiles } from '../store/job-files.js';

/**
 * Publishes a remote job's files at `<base>/job-files/<token>/<name>` (http/routes/job-files.ts)
 * for a few minutes. `db` is read when called: the runtimes are built before the store opens.
 */
export function jobFilesPublisher(db: () => Db, baseUrl: () => string | undefined, now: () => Date): JobFilesPublisher {
  return {
    async publish(jobId, files, ttlMs, override) {
      const base = override ?? baseUrl();
      if (!base) throw new Error('the cluster cannot fetch the job\'s files: set SLUICE_PUBLIC_URL (or jobFilesUrl in the runtime binding) to an address of Sluice the cluster can reach');
      const token = crypto.randomBytes(32).toString('base64url');
      const tokenHash = crypto.createHash('sha256').update(token).digest('hex');
      await putJobFiles(db(), { tokenHash, jobId, files, expires: new Date(now().getTime() + ttlMs) });
      return `${base.replace(/\/+$/, '')}/job-files/${token}`;
    },
    async withdraw(jobId) {
      await removeJobFiles(db(), jobId, now());
    },
  };
}
