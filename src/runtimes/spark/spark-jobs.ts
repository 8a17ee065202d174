import fs from 'node:fs/promises';
import path from 'node:path';
import type { ResourceProfile } from '../../domain/runtime-catalog.js';
import { appNameOf, driverRequest, type SparkJob } from './driver-request.js';
import { driverLogPageUrl, driverLogTail } from './driver-log.js';
import { observeDriver, type ObservedDriver } from './driver-state.js';
import type { SparkSettings } from './settings.js';
import type { JobFiles } from './shared-files.js';
import { SharedFiles } from './shared-files.js';
import { ClusterRejected, type SparkSubmitter } from './submitter.js';

/** What Sluice records about a Spark job (the runtime's opaque handle): enough for any replica. */
export interface SparkHandle {
  [key: string]: string | null;
  submissionId: string;
  appName: string;
  /** The master the driver was submitted to, so a job stays reachable if the binding moves. */
  restUrl: string;
}

/** The cluster refused the job for good (not "try later"): the job fails with this reason. */
export class SubmissionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmissionRefused';
  }
}

export type SparkLaunch = SparkJob & JobFiles;

/** A file in the job's shared folder holding the submission id as soon as the master gave it. */
const SUBMISSION_FILE = 'submission-id';

/**
 * The Spark runtime's work on jobs, apart from the engine's interface: submit, look, kill. One per
 * catalog binding. Nothing here is kept in memory between calls: every answer comes from the
 * master (and the shared folder), so any replica can carry on with a job another one submitted.
 */
export class SparkJobs {
  readonly shared: SharedFiles;

  constructor(
    readonly settings: SparkSettings,
    private readonly submitter: SparkSubmitter,
    private readonly profiles: () => ResourceProfile[],
  ) {
    this.shared = new SharedFiles(settings);
  }

  /**
   * Stages the job's files and submits its driver, unless this job was already submitted: a launch
   * retried after a crash between the master's answer and the engine's record finds the id in the
   * job's shared folder (written right after the answer) and submits nothing. ClusterUnavailable
   * (a standby master, no connection) passes through: nothing was submitted, try again later.
   */
  async launch(job: SparkLaunch): Promise<SparkHandle> {
    const recorded = await this.recordedSubmission(job.jobId);
    if (recorded) return this.handleOf(job.jobId, recorded);
    const files = await this.shared.stage(job);
    let submission;
    try {
      submission = await this.submitter.submit(driverRequest(job, this.settings, this.profiles(), files));
    } catch (error) {
      if (error instanceof ClusterRejected) throw new SubmissionRefused(error.message);
      throw error;
    }
    if (!submission.accepted) throw new SubmissionRefused(`the Spark master refused the driver: ${submission.message}`);
    await fs.writeFile(path.join(this.shared.jobDir(job.jobId), SUBMISSION_FILE), submission.submissionId);
    return this.handleOf(job.jobId, submission.submissionId);
  }

  /** The driver's state in the engine's words; a FAILED driver's reason is read from its log. */
  async observe(handle: SparkHandle): Promise<ObservedDriver> {
    const status = await this.submitter.status(handle.submissionId);
    const tail = status.found && status.state === 'FAILED' && status.worker
      ? await driverLogTail(status.worker.hostPort, this.settings.workerUiPort, handle.submissionId)
      : null;
    return observeDriver(status, tail);
  }

  /**
   * Asks the master to kill the driver (asynchronous: it is KILLED once its worker stopped it).
   * A driver that has already ended is not an error: there is nothing left to stop.
   */
  async kill(handle: SparkHandle): Promise<void> {
    await this.submitter.kill(handle.submissionId);
  }

  /** The worker running (or that ran) the driver, as `host:port`; null before one took it. */
  async workerOf(handle: SparkHandle): Promise<string | null> {
    const status = await this.submitter.status(handle.submissionId).catch(() => null);
    return status?.found && status.worker ? status.worker.hostPort : null;
  }

  /** The worker's log page of the driver, once a worker runs it (null before). */
  async loggingUrl(handle: SparkHandle): Promise<string | null> {
    const status = await this.submitter.status(handle.submissionId);
    if (!status.found || !status.worker) return null;
    return driverLogPageUrl(status.worker.hostPort, this.settings.workerUiPort, handle.submissionId);
  }

  async logTail(handle: SparkHandle, lines: number): Promise<string> {
    const status = await this.submitter.status(handle.submissionId).catch(() => null);
    if (!status?.found || !status.worker) return '';
    const text = await driverLogTail(status.worker.hostPort, this.settings.workerUiPort, handle.submissionId);
    return (text ?? '').split('\n').filter((l) => !l.startsWith('==== Bytes')).slice(-lines - 1).join('\n').trimEnd();
  }

  async removeJobFiles(jobId: string): Promise<void> {
    await this.shared.removeJob(jobId);
  }

  private async recordedSubmission(jobId: string): Promise<string | null> {
    const text = await fs.readFile(path.join(this.shared.jobDir(jobId), SUBMISSION_FILE), 'utf8').catch(() => '');
    return text.trim() === '' ? null : text.trim();
  }

  private handleOf(jobId: string, submissionId: string): SparkHandle {
    return { submissionId, appName: appNameOf(jobId), restUrl: this.settings.restUrl };
  }
}
