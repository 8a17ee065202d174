import type { JobSpec } from '../runtime.js';
import { applicationProperties, pipelineConfig, pipelineJob } from '../local-jvm/files.js';

/**
 * How a Flink job gets its pipeline-config.conf, pipeline-job.conf and application.properties.
 *
 * Chosen: served by Sluice at a per-job URL with a short-lived secret, rather than written to a
 * shared filesystem. Sluice needs nothing of the cluster but its REST URL (no mount shared by
 * every replica and every JobManager, no S3/HDFS client inside Sluice), and the files are only
 * needed while the job's main() runs, which Flink does inside the run request: they are
 * published just before `POST /jars/:jarid/run` and withdrawn as soon as it returns (at the
 * latest after `FILES_TTL_MS`). The secret is 256 random bits in the URL path; only its hash is
 * stored (in the database, so whichever replica the cluster's request reaches can answer).
 */
export interface JobFilesPublisher {
  /**
   * Makes the files fetchable for `ttlMs`; answers the base URL the job appends a file name to.
   * `baseUrl`: Sluice as the cluster reaches it (default: SLUICE_PUBLIC_URL).
   */
  publish(jobId: string, files: Record<string, string>, ttlMs: number, baseUrl?: string | null): Promise<string>;
  withdraw(jobId: string): Promise<void>;
}

export const FILES_TTL_MS = 10 * 60_000;

/** The job's files, by the names the job fetches them under. */
export function jobFilesOf(spec: JobSpec): Record<string, string> {
  const files: Record<string, string> = {
    'pipeline-config.conf': pipelineConfig(spec),
    'application.properties': applicationProperties(spec.applicationProperties),
  };
  if (spec.catalogVersions) files['pipeline-job.conf'] = pipelineJob(spec.catalogVersions);
  return files;
}

/**
 * The program arguments: where each file is, as `--<file name> <url>`. A job reads them in its
 * main() (README, "Flink runtime"), the Flink counterpart of the local JVM's
 * `-Dpipeline-config.file=…` system properties, which a shared session cluster cannot set per job.
 */
export function programArgsFor(baseUrl: string, files: Record<string, string>): string[] {
  return Object.keys(files).sort().flatMap((name) => [`--${name}`, `${baseUrl}/${name}`]);
}
