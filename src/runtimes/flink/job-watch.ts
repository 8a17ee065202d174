import type { Checkpoint, ObservedJob } from '../../domain/reconcile-types.js';
import type { FlinkJobStatus, FlinkRestApi } from './rest-api.js';
import { FlinkUnreachableError } from './rest-client.js';

/**
 * Flink's JobStatus in the engine's words:
 * | Flink                                   | Sluice                                   |
 * |-----------------------------------------|------------------------------------------|
 * | INITIALIZING, CREATED, RECONCILING      | starting                                 |
 * | RUNNING, RESTARTING, FAILING, CANCELLING| running (Flink restarts it / ends it)    |
 * | SUSPENDED                               | running (a new JobManager leader resumes)|
 * | FINISHED                                | finished, no exit code                   |
 * | FAILED                                  | failed, the root exception as the reason |
 * | CANCELED                                | failed "canceled on the cluster" (a      |
 * |                                         | cancel Sluice asked for ends as canceled)|
 * | unknown job (404)                       | lost                                     |
 */
export function neutralState(status: FlinkJobStatus, rootException: () => Promise<string | null>): Promise<ObservedJob> | ObservedJob {
  switch (status) {
    case 'INITIALIZING': case 'CREATED': case 'RECONCILING':
      return { state: 'starting' };
    case 'RUNNING': case 'RESTARTING': case 'FAILING': case 'CANCELLING': case 'SUSPENDED':
      return { state: 'running' };
    case 'FINISHED':
      return { state: 'finished', exitCode: null };
    case 'CANCELED':
      return { state: 'failed', reason: 'The job was canceled on the Flink cluster, not through Sluice.' };
    case 'FAILED':
      return rootException().then((root) => ({ state: 'failed', reason: root ?? 'Flink reports the job FAILED without an exception.' }));
  }
}

/** What was last seen of one job, and when. */
export interface JobSight {
  observed: ObservedJob;
  status: FlinkJobStatus | null;
  checkpoint: Checkpoint | null;
  at: number;
}

const ENDED = new Set(['finished', 'failed', 'lost']);

/**
 * The runtime's view of its live jobs, kept by one poll loop: every `pollIntervalMs`, each
 * watched job's status (and for a running stream job, its latest checkpoint) is read — at most
 * two REST calls per job per interval, whatever the engine's tick — and a change is reported
 * (`onChange`) so the engine looks at the job at once. The engine's own looks are answered from
 * here while fresh. An unreachable cluster leaves every job as last seen; it is reported once
 * per outage and read again when the cluster answers.
 */
export class JobWatch {
  private readonly sights = new Map<string, JobSight>();
  private readonly watched = new Map<string, { flinkJobId: string; stream: boolean }>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  unreachableSince: number | null = null;

  constructor(
    private readonly api: FlinkRestApi,
    private readonly pollIntervalMs: number,
    private readonly onChange: (jobId: string, change: 'ended' | 'checkpoint' | 'state') => void,
    private readonly warn: (message: string, error?: unknown) => void,
  ) {}

  watch(jobId: string, flinkJobId: string, stream: boolean): void {
    this.watched.set(jobId, { flinkJobId, stream });
    if (!this.timer) {
      this.timer = setInterval(() => void this.pollAll(), this.pollIntervalMs);
      this.timer.unref();
    }
  }

  unwatch(jobId: string): void {
    this.watched.delete(jobId);
    this.sights.delete(jobId);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Forget what was seen (after an action on the job): the next look asks the cluster. */
  invalidate(jobId: string): void {
    this.sights.delete(jobId);
  }

  /**
   * The job as last seen if that is fresh, else as the cluster says now. A watched job's sight is
   * kept fresh by the poll loop (which reports changes), so it is read again here only when the
   * loop is late by half an interval: the engine's own looks cost no calls.
   */
  async look(jobId: string, flinkJobId: string, stream: boolean): Promise<JobSight> {
    const seen = this.sights.get(jobId);
    const freshFor = this.watched.has(jobId) ? this.pollIntervalMs * 1.5 : this.pollIntervalMs;
    if (seen && Date.now() - seen.at < freshFor) return seen;
    try {
      return await this.read(jobId, flinkJobId, stream);
    } catch (error) {
      if (error instanceof FlinkUnreachableError && seen) {
        this.noteUnreachable(error);
        return seen;
      }
      throw error;
    }
  }

  private async read(jobId: string, flinkJobId: string, stream: boolean): Promise<JobSight> {
    const details = await this.api.job(flinkJobId);
    const previous = this.sights.get(jobId);
    const observed: ObservedJob = details
      ? await neutralState(details.state, () => this.api.rootException(flinkJobId))
      : { state: 'lost' };
    // Checkpoints are read while the job runs (one call), and once more when it ends.
    const readCheckpoints = stream && details && (observed.state === 'running' || !previous || previous.observed.state === 'running');
    const checkpoint = readCheckpoints ? await this.api.latestCheckpoint(flinkJobId).then((c) => c && { location: c.location, name: `chk-${c.id}` }) : previous?.checkpoint ?? null;
    const sight: JobSight = { observed, status: details?.state ?? null, checkpoint, at: Date.now() };
    this.sights.set(jobId, sight);
    if (this.unreachableSince !== null) {
      this.warn(`Flink cluster answers again after ${Math.round((Date.now() - this.unreachableSince) / 1000)} s`);
      this.unreachableSince = null;
    }
    if (previous) {
      if (previous.observed.state !== observed.state) this.onChange(jobId, ENDED.has(observed.state) ? 'ended' : 'state');
      else if (previous.checkpoint?.location !== checkpoint?.location) this.onChange(jobId, 'checkpoint');
    }
    if (ENDED.has(observed.state)) this.watched.delete(jobId);
    return sight;
  }

  private noteUnreachable(error: FlinkUnreachableError): void {
    if (this.unreachableSince !== null) return;
    this.unreachableSince = Date.now();
    this.warn(`${error.message} Its jobs stay as last seen until it answers.`);
  }

  private async pollAll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const jobs = [...this.watched.entries()];
      // A few at a time: the client keeps at most 8 connections to the JobManager.
      for (let i = 0; i < jobs.length; i += 8) {
        await Promise.all(jobs.slice(i, i + 8).map(async ([jobId, { flinkJobId, stream }]) => {
          const seen = this.sights.get(jobId);
          // Read by an engine look (after an action) within the last half interval: fresh enough.
          if (seen && Date.now() - seen.at < this.pollIntervalMs / 2) return;
          try {
            await this.read(jobId, flinkJobId, stream);
          } catch (error) {
            if (error instanceof FlinkUnreachableError) this.noteUnreachable(error);
            else this.warn(`Flink job ${flinkJobId} could not be looked at`, error);
          }
        }));
        if (this.unreachableSince !== null) break;
      }
    } finally {
      this.polling = false;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
