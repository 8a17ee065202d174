import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import type { Checkpoint, ObservedJob } from '../../domain/reconcile-types.js';
import type { JobLog } from '../job-log.js';
import type { JobChange, JobHandle, JobRuntime, JobSpec, RuntimeJob, SnapshotStatus, StopRequest, StoredFolder } from '../runtime.js';
import { FILES_TTL_MS, jobFilesOf, programArgsFor, type JobFilesPublisher } from './job-files.js';
import { JobWatch } from './job-watch.js';
import { flinkResources } from './resources.js';
import { FlinkRestApi, type RunRequest } from './rest-api.js';
import { FlinkAnswerError, FlinkRestClient } from './rest-client.js';
import type { FlinkSettings } from './settings.js';
import type { ResourceProfile } from '../../domain/runtime-catalog.js';

/** What the Flink runtime records per job: the cluster's job id and the JAR it ran. */
export interface FlinkHandle {
  flinkJobId: string;
  jarId: string;
  stream: boolean;
  /** The savepoint trigger of a stop that keeps state (also derivable from the snapshot id). */
  savepointTrigger?: string;
}

/**
 * Flink's job id for a Sluice job's attempt: the job id's 32 hex digits for the first attempt
 * (so the two ids read alike), a hash of id and attempt after that. Fixed, so that a launch
 * retried after a crash finds the job it started instead of starting a second one; per attempt,
 * because Flink refuses a job id it has seen before even once that job ended.
 */
export function flinkJobIdOf(jobId: string, attempt: number): string {
  const plain = jobId.replace(/-/g, '').toLowerCase();
  if (attempt === 0 && /^[0-9a-f]{32}$/.test(plain)) return plain;
  return crypto.createHash('sha256').update(`${jobId}#${attempt}`).digest('hex').slice(0, 32);
}

/** The savepoint trigger id of a snapshot: ours, so that asking again after a crash is the same operation. */
export const triggerIdOf = (snapshotId: string) => crypto.createHash('sha256').update(`savepoint:${snapshotId}`).digest('hex').slice(0, 32);

/** The name a package's JAR has on the cluster: any replica finds it there by this name. */
export const jarNameOf = (packageId: string) => `sluice-package-${packageId}.jar`;

export interface FlinkRuntimeDeps {
  name: string;
  settings: FlinkSettings;
  jobFiles: JobFilesPublisher;
  /** The resource profile a worker of this configuration gets (for the slots/memory table). */
  profileOf(id: string | undefined): ResourceProfile | undefined;
  warn(message: string, error?: unknown): void;
}

/**
 * Runs stream (and batch) jobs on a Flink session cluster through its REST API: the JAR is
 * uploaded once per package, each job run with a fixed job id, watched by polling, paused and
 * upgraded by stop-with-savepoint, canceled with PATCH mode=cancel. Any replica may act on these
 * jobs: everything needed is in the handle and on the cluster.
 */
export class FlinkRuntime implements JobRuntime {
  readonly name: string;
  readonly kind = 'flink';
  readonly local = false;
  readonly safetyPollMs: number;
  readonly api: FlinkRestApi;
  private readonly listeners: ((jobId: string, change: JobChange) => void)[] = [];
  private readonly jarIds = new Map<string, string>();
  private readonly watch_: JobWatch;

  constructor(private readonly deps: FlinkRuntimeDeps) {
    const s = deps.settings;
    this.name = deps.name;
    this.safetyPollMs = s.pollIntervalMs;
    this.api = new FlinkRestApi(new FlinkRestClient({ restUrl: s.restUrl, auth: s.auth, caFile: s.caFile, requestTimeoutMs: s.requestTimeoutMs }));
    this.watch_ = new JobWatch(this.api, s.pollIntervalMs, (jobId, change) => this.tell(jobId, change), deps.warn);
  }

  private tell(jobId: string, change: JobChange): void {
    for (const listener of this.listeners) listener(jobId, change);
  }

  onJobChanged(listener: (jobId: string, change: JobChange) => void): void {
    this.listeners.push(listener);
  }

  watch(job: RuntimeJob): void {
    const handle = handleOf(job);
    if (handle) this.watch_.watch(job.jobId, handle.flinkJobId, handle.stream);
  }

  unwatch(jobId: string): void {
    this.watch_.unwatch(jobId);
  }

  async launch(spec: JobSpec): Promise<JobHandle> {
    const flinkJobId = flinkJobIdOf(spec.jobId, spec.attempt);
    const stream = spec.kind === 'stream';
    this.watch_.invalidate(spec.jobId);
    // Launched before (a retry after a crash): the fixed id finds it.
    if (await this.api.job(flinkJobId)) return this.handle({ flinkJobId, jarId: this.jarIds.get(spec.packageId) ?? '', stream });
    let jarId = await this.jarFor(spec, false);
    const files = jobFilesOf(spec);
    const filesUrl = await this.deps.jobFiles.publish(spec.jobId, files, FILES_TTL_MS, this.deps.settings.jobFilesUrl);
    const resources = flinkResources(spec.cluster, this.deps.profileOf(spec.cluster.workerResourceProfileId));
    const body: RunRequest = {
      entryClass: spec.entryPointClassName,
      programArgsList: programArgsFor(filesUrl, files),
      parallelism: resources.parallelism,
      jobId: flinkJobId,
      flinkConfiguration: this.jobConfiguration(spec),
    };
    if (spec.restoreLocation) body.savepointPath = spec.restoreLocation;
    try {
      try {
        await this.api.runJar(jarId, body);
      } catch (error) {
        // The cluster forgot the JAR (a restarted JobManager without persistent uploads): once more.
        if (!(error instanceof FlinkAnswerError && error.status === 400 && /jar file .* does not exist/i.test(error.flinkMessage))) throw error;
        jarId = await this.jarFor(spec, true);
        await this.api.runJar(jarId, body);
      }
    } catch (error) {
      // The answer may have been lost after the job was submitted: the fixed id tells.
      if (await this.api.job(flinkJobId).catch(() => null)) return this.handle({ flinkJobId, jarId, stream });
      if (error instanceof FlinkAnswerError) throw new Error(`Flink refused to run the job: ${error.flinkMessage}`);
      throw error;
    } finally {
      // main() has run (inside the run request): the files are not needed any more.
      await this.deps.jobFiles.withdraw(spec.jobId).catch((e) => this.deps.warn(`job files of ${spec.jobId} not withdrawn (they expire)`, e));
    }
    return this.handle({ flinkJobId, jarId, stream });
  }

  private handle(handle: FlinkHandle): JobHandle {
    return { ...handle };
  }

  /** Per-job settings: where checkpoints go (both versions' keys: 1.x ignores the 2.x one and back) and what the job is. */
  private jobConfiguration(spec: JobSpec): Record<string, string> {
    const checkpoints = this.deps.settings.checkpointBase;
    return {
      'pipeline.name': `sluice ${spec.pipelineId} ${spec.versionId} ${spec.jobId}`,
      'state.checkpoints.dir': checkpoints,
      'execution.checkpointing.dir': checkpoints,
      // A checkpoint stays when the job is canceled or stopped, so useLatestCheckpoint can start from it.
      'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
      'sluice.pipeline.id': spec.pipelineId,
      'sluice.pipeline.version.id': spec.versionId,
      'sluice.job.id': spec.jobId,
    };
  }

  /** The package's JAR on the cluster: remembered, else found by its name, else uploaded. */
  private async jarFor(spec: JobSpec, forgotten: boolean): Promise<string> {
    const name = jarNameOf(spec.packageId);
    if (!forgotten) {
      const known = this.jarIds.get(spec.packageId);
      if (known) return known;
      const listed = (await this.api.jars()).find((j) => j.name === name);
      if (listed) {
        this.jarIds.set(spec.packageId, listed.id);
        return listed.id;
      }
    }
    const jarId = await this.api.uploadJar(name, await fs.readFile(spec.jarPath));
    this.jarIds.set(spec.packageId, jarId);
    return jarId;
  }

  async observe(job: RuntimeJob): Promise<ObservedJob> {
    const handle = handleOf(job);
    if (!handle) return { state: 'lost' };
    const sight = await this.watch_.look(job.jobId, handle.flinkJobId, handle.stream);
    if (sight.observed.state === 'starting' || sight.observed.state === 'running') this.watch_.watch(job.jobId, handle.flinkJobId, handle.stream);
    return sight.observed;
  }

  async stop(job: RuntimeJob, request: StopRequest): Promise<JobHandle | void> {
    const handle = handleOf(job);
    if (!handle) return;
    this.watch_.invalidate(job.jobId);
    if (!request.keepState) {
      await this.api.cancel(handle.flinkJobId);
      return;
    }
    const triggerId = triggerIdOf(request.snapshotId);
    await this.api.stopWithSavepoint(handle.flinkJobId, `${this.deps.settings.savepointBase}/${request.snapshotId}`, triggerId);
    return { ...handle, savepointTrigger: triggerId };
  }

  /** Flink has nothing harder than a cancel: asked again, it is idempotent. */
  async forceStop(job: RuntimeJob): Promise<void> {
    const handle = handleOf(job);
    if (handle) await this.api.cancel(handle.flinkJobId);
  }

  async snapshotStatus(job: RuntimeJob, snapshotId: string): Promise<SnapshotStatus> {
    const handle = handleOf(job);
    if (!handle) return { state: 'none' };
    const result = await this.api.savepointStatus(handle.flinkJobId, triggerIdOf(snapshotId));
    if (result.kind === 'in-progress') return { state: 'pending' };
    if (result.kind === 'completed') {
      // A completed stop-with-savepoint has ended the job: what was seen of it is out of date.
      this.watch_.invalidate(job.jobId);
      this.tell(job.jobId, 'state');
      return { state: 'written' };
    }
    if (result.kind === 'failed') return { state: 'failed', reason: `Flink could not take the savepoint: ${result.reason}` };
    // The result expired (or the JobManager restarted): the job's own statistics still name its savepoint.
    return (await this.savepointOf(handle)) ? { state: 'written' } : { state: 'none' };
  }

  /** A Flink savepoint is durable where it was written: keeping it is knowing its URI. */
  async keepSnapshot(job: RuntimeJob, snapshotId: string): Promise<string> {
    const handle = handleOf(job);
    if (!handle) throw new Error(`job ${job.jobId} was never launched on Flink`);
    const result = await this.api.savepointStatus(handle.flinkJobId, triggerIdOf(snapshotId));
    if (result.kind === 'completed') return result.location;
    const location = await this.savepointOf(handle);
    if (!location) throw new Error(`Flink no longer knows the savepoint of job ${handle.flinkJobId}`);
    return location;
  }

  private async savepointOf(handle: FlinkHandle): Promise<string | null> {
    const body = await this.api.client.request<{ latest?: { savepoint?: { external_path?: string } | null } }>({
      method: 'GET', path: `/jobs/${handle.flinkJobId}/checkpoints`,
    }).catch((error) => {
      if (error instanceof FlinkAnswerError && error.status === 404) return null;
      throw error;
    });
    return body?.latest?.savepoint?.external_path ?? null;
  }

  async discardSnapshot(job: RuntimeJob): Promise<void> {
    const handle = handleOf(job);
    if (!handle?.savepointTrigger) return;
    const result = await this.api.savepointStatus(handle.flinkJobId, handle.savepointTrigger);
    if (result.kind === 'completed') await this.dispose(result.location);
  }

  async newestCheckpoint(job: RuntimeJob): Promise<Checkpoint | null> {
    const handle = handleOf(job);
    if (!handle) return null;
    return (await this.watch_.look(job.jobId, handle.flinkJobId, handle.stream)).checkpoint;
  }

  async deleteSnapshot(location: string): Promise<void> {
    if (!location.startsWith(`${this.deps.settings.savepointBase}/`)) {
      throw new Error(`${location} is not under this runtime's savepoint base ${this.deps.settings.savepointBase}`);
    }
    await this.dispose(location);
  }

  /** POST /savepoint-disposal: Flink removes the savepoint itself, with the file systems it has. */
  private async dispose(location: string): Promise<void> {
    await this.api.client.request({ method: 'POST', path: '/savepoint-disposal', json: { 'savepoint-path': location } });
  }

  /** Sluice keeps no log of a Flink job: its loggingUrl leads to the job's page in the Flink web UI. */
  log(): JobLog | null {
    return null;
  }

  /** The job's page in the Flink web UI, served on the REST port. */
  jobPageUrl(job: RuntimeJob): string | null {
    const handle = handleOf(job);
    return handle ? `${this.deps.settings.restUrl.replace(/\/v1$/, '')}/#/job/running/${handle.flinkJobId}/overview` : null;
  }

  async logTail(): Promise<string> {
    return '';
  }

  /** A running Flink job's logging is the cluster's (log4j of the TaskManagers): nothing to rewrite. */
  async rewriteLogging(): Promise<void> {}

  async removeJobFiles(job: RuntimeJob): Promise<void> {
    await this.deps.jobFiles.withdraw(job.jobId);
  }

  async leftovers(): Promise<{ jobs: StoredFolder[]; snapshots: StoredFolder[] }> {
    return { jobs: [], snapshots: [] };
  }

  async removeLeftover(): Promise<void> {}

  async close(): Promise<void> {
    this.watch_.close();
    this.api.client.close();
  }
}

function handleOf(job: RuntimeJob): FlinkHandle | null {
  const h = job.handle;
  if (!h || typeof h.flinkJobId !== 'string') return null;
  return {
    flinkJobId: h.flinkJobId,
    jarId: typeof h.jarId === 'string' ? h.jarId : '',
    stream: h.stream === true,
    savepointTrigger: typeof h.savepointTrigger === 'string' ? h.savepointTrigger : undefined,
  };
}
