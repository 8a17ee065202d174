import type { Checkpoint, ObservedJob } from '../../domain/reconcile-types.js';
import type { ResourceProfile } from '../../domain/runtime-catalog.js';
import type { LoggingConfiguration } from '../../domain/logging-configuration.js';
import type { JobLog } from '../job-log.js';
import type { JobChange, JobHandle, JobRuntime, JobSpec, RuntimeJob, SnapshotStatus, StopRequest } from '../runtime.js';
import { driverJobLog } from './driver-log.js';
import type { SparkSettings } from './settings.js';
import { SparkJobs, SubmissionRefused, type SparkHandle } from './spark-jobs.js';
import { ClusterUnavailable, type SparkSubmitter } from './submitter.js';

/**
 * Batch jobs on a Spark cluster, one runtime per catalog binding (README "Batch pipelines on a
 * Spark standalone cluster"). Nothing about a job lives on the replica: its handle names the
 * driver, its files are on the shared folder, its state is the master's, so any replica can look
 * at it and act on it (`local: false`).
 *
 * Polling, at most one status request per driver per `pollIntervalMs`: a watched job is asked
 * for by a timer of its own, which tells the engine when the answer changed; the engine's own
 * looks in between get the last answer. Spark has no push notification a client can subscribe to.
 */
export class SparkRuntime implements JobRuntime {
  readonly kind = 'spark' as const;
  readonly local = false;
  readonly safetyPollMs: number;
  readonly jobs: SparkJobs;
  private readonly listeners: ((jobId: string, change: JobChange) => void)[] = [];
  private readonly lastSeen = new Map<string, { at: number; observed: ObservedJob }>();
  private readonly pollers = new Map<string, NodeJS.Timeout>();
  private readonly launchDelays = new Map<string, { until: number; delayMs: number; error: ClusterUnavailable }>();

  constructor(readonly name: string, readonly settings: SparkSettings, submitter: SparkSubmitter, profiles: () => ResourceProfile[]) {
    this.jobs = new SparkJobs(settings, submitter, profiles);
    this.safetyPollMs = settings.pollIntervalMs;
  }

  /**
   * Submits the job's driver. A master that cannot take it (standby, out of reach) is a
   * RuntimeUnavailable: the engine asks again at its next pass, and the attempts are spaced out
   * here, 1 s doubling to 30 s, so a master down for minutes is not called every tick.
   */
  async launch(spec: JobSpec): Promise<JobHandle> {
    if (spec.kind !== 'batch') throw new SubmissionRefused(`runtime ${this.name} runs batch pipelines on Spark; a stream pipeline needs a stream runtime environment`);
    const delayed = this.launchDelays.get(spec.jobId);
    if (delayed && Date.now() < delayed.until) throw delayed.error;
    try {
      const handle = await this.jobs.launch({ ...spec, hasJobConf: spec.catalogVersions !== undefined });
      this.launchDelays.delete(spec.jobId);
      return handle;
    } catch (error) {
      if (error instanceof ClusterUnavailable) {
        const delayMs = Math.min(30_000, (delayed?.delayMs ?? 500) * 2);
        this.launchDelays.set(spec.jobId, { until: Date.now() + delayMs, delayMs, error });
      }
      throw error;
    }
  }

  async observe(job: RuntimeJob): Promise<ObservedJob> {
    const handle = handleOf(job);
    if (!handle) return { state: 'lost' };
    const last = this.lastSeen.get(job.jobId);
    // A watched job's timer asks once per interval; the engine's looks in between (every tick) read its answer.
    const fresh = this.pollers.has(job.jobId) ? this.settings.pollIntervalMs * 1.5 : this.settings.pollIntervalMs;
    if (last && Date.now() - last.at < fresh) return last.observed;
    return this.look(job.jobId, handle);
  }

  /** One status request; the answer is kept for the looks until the next interval. */
  private async look(jobId: string, handle: SparkHandle): Promise<ObservedJob> {
    const driver = await this.jobs.observe(handle);
    const observed: ObservedJob = driver.state === 'failed' ? { state: 'failed', reason: driver.reason } : driver.state === 'starting' ? { state: 'starting' } : driver;
    this.lastSeen.set(jobId, { at: Date.now(), observed });
    return observed;
  }

  /** Cancel and deactivate kill the driver; a batch job on Spark has no state to keep. */
  async stop(job: RuntimeJob, _request: StopRequest): Promise<void> {
    const handle = handleOf(job);
    if (handle) await this.jobs.kill(handle);
    this.lastSeen.delete(job.jobId);
  }

  async forceStop(job: RuntimeJob): Promise<void> {
    await this.stop(job, { keepState: false, snapshotId: '' });
  }

  onJobChanged(listener: (jobId: string, change: JobChange) => void): void {
    this.listeners.push(listener);
  }

  watch(job: RuntimeJob): void {
    const handle = handleOf(job);
    if (!handle || this.pollers.has(job.jobId)) return;
    const timer = setInterval(() => void this.poll(job.jobId, handle), this.settings.pollIntervalMs);
    timer.unref();
    this.pollers.set(job.jobId, timer);
  }

  private async poll(jobId: string, handle: SparkHandle): Promise<void> {
    const before = this.lastSeen.get(jobId)?.observed.state;
    const last = this.lastSeen.get(jobId);
    // The engine looked within the interval: that look counts as this interval's request.
    if (last && Date.now() - last.at < this.settings.pollIntervalMs / 2) return;
    let observed: ObservedJob;
    try {
      observed = await this.look(jobId, handle);
    } catch {
      return; // the master is out of reach: the job stays as recorded, the next interval asks again
    }
    if (observed.state === before) return;
    const ended = observed.state === 'finished' || observed.state === 'failed' || observed.state === 'lost';
    for (const listener of this.listeners) listener(jobId, ended ? 'ended' : 'state');
  }

  unwatch(jobId: string): void {
    clearInterval(this.pollers.get(jobId));
    this.pollers.delete(jobId);
    this.lastSeen.delete(jobId);
  }

  /** The driver's stderr, read through the worker's UI (the log route proxies it). */
  log(job: RuntimeJob): JobLog | null {
    const handle = handleOf(job);
    return handle ? driverJobLog(this.jobs, handle) : null;
  }

  async logTail(job: RuntimeJob, lines: number): Promise<string> {
    const handle = handleOf(job);
    return handle ? this.jobs.logTail(handle, lines) : '';
  }

  async rewriteLogging(job: RuntimeJob, logging: LoggingConfiguration): Promise<void> {
    await this.jobs.shared.rewriteLogging(job.jobId, logging);
  }

  // Batch only: Spark jobs have no snapshots or checkpoints Sluice manages.
  async snapshotStatus(): Promise<SnapshotStatus> {
    return { state: 'none' };
  }

  async keepSnapshot(): Promise<string> {
    throw new Error(`runtime ${this.name} keeps no snapshots (batch jobs on Spark)`);
  }

  async discardSnapshot(): Promise<void> {}

  async newestCheckpoint(): Promise<Checkpoint | null> {
    return null;
  }

  async deleteSnapshot(location: string): Promise<void> {
    throw new Error(`runtime ${this.name} keeps no snapshots; ${location} is not one of its`);
  }

  async removeJobFiles(job: RuntimeJob): Promise<void> {
    await this.jobs.removeJobFiles(job.jobId);
  }

  async leftovers(): Promise<{ jobs: []; snapshots: [] }> {
    return { jobs: [], snapshots: [] };
  }

  async removeLeftover(): Promise<void> {}

  async close(): Promise<void> {
    for (const timer of this.pollers.values()) clearInterval(timer);
    this.pollers.clear();
  }
}

function handleOf(job: RuntimeJob): SparkHandle | null {
  const handle = job.handle;
  if (!handle || typeof handle.submissionId !== 'string') return null;
  return handle as unknown as SparkHandle;
}
