import crypto from 'node:crypto';
import { FlinkRestError, badRequestBody, handlerError, jobNotFound } from './errors.js';
import { GLOBALLY_TERMINAL, advance, enterState, hex, jobDetails, type FakeJob, type RootException } from './jobs.js';
import { checkRunBody } from './run-body.js';

export interface ClusterOptions {
  /** `1.19.1`, `1.20.0`, `2.0.0`…: decides the 1.x / 2.x differences. */
  flinkVersion: string;
  /** Milliseconds between a running job's checkpoints (0: checkpointing off). */
  checkpointIntervalMs: number;
  /** Polls of GET /jobs/:jobid before a new job is RUNNING (2: INITIALIZING, CREATED; 0: at once, for benchmarks). */
  startPolls: number;
  /** Polls of a savepoint trigger that still answer IN_PROGRESS (at least 1, as on a real cluster). */
  savepointPolls: number;
  /** How long a finished trigger's result is kept (Flink's rest.async.store-duration, 5 min). */
  asyncResultTtlMs: number;
  /** The cluster's own state.checkpoints.dir / state.savepoints.dir (null: not set). */
  checkpointDir: string;
  savepointDir: string | null;
}

interface SavepointTrigger {
  jobId: string;
  triggerId: string;
  stop: boolean;
  targetDirectory: string;
  pollsLeft: number;
  completedAt: number | null;
  location: string | null;
  failure: string | null;
}

interface StoredJar { id: string; name: string; uploaded: number; size: number }

/** The state of one fake JobManager: its uploaded JARs, jobs and asynchronous savepoint operations. */
export class FakeCluster {
  readonly jars = new Map<string, StoredJar>();
  readonly jobs = new Map<string, FakeJob>();
  private readonly triggers = new Map<string, SavepointTrigger>();
  private readonly uploadDir = `/tmp/flink-web-${crypto.randomUUID()}/flink-web-upload`;
  /** Savepoints Flink was asked to dispose of (POST /savepoint-disposal), in order. */
  readonly disposed: string[] = [];
  /** Set by a test: the next stop or savepoint of this job (or any, '*') fails with this message. */
  readonly savepointFailures = new Map<string, string>();
  /** Set by a test: the next run of this entry class fails in its main() with this message. */
  readonly mainFailures = new Map<string, string>();

  constructor(readonly options: ClusterOptions) {}

  get major(): number {
    return Number(this.options.flinkVersion.split('.')[0]);
  }

  upload(name: string, size: number, now: number) {
    const id = `${crypto.randomUUID()}_${name}`;
    this.jars.set(id, { id, name, uploaded: now, size });
    return { filename: `${this.uploadDir}/${id}`, status: 'success' as const };
  }

  listJars(address: string) {
    return {
      address,
      files: [...this.jars.values()].map((j) => ({ id: j.id, name: j.name, uploaded: j.uploaded, entry: [] })),
    };
  }

  deleteJar(jarId: string): void {
    if (!this.jars.delete(jarId)) throw handlerError(400, `File ${jarId} does not exist in ${this.uploadDir}.`, 'JarDeleteHandler');
  }

  /** A restarted JobManager without persistent upload storage: every uploaded JAR is gone. */
  forgetJars(): void {
    this.jars.clear();
  }

  async run(jarId: string, rawBody: string, now: number): Promise<{ jobid: string }> {
    const body = checkRunBody(rawBody, this.major, Number(this.options.flinkVersion.split('.')[1]));
    if (!this.jars.has(jarId)) {
      throw handlerError(400, `Jar file ${this.uploadDir}/${jarId} does not exist`, 'JarRunHandler');
    }
    const jobId = body.jobId ?? hex(16);
    if (this.jobs.has(jobId)) {
      // (verify) the status Flink gives a duplicate submission; the message names the exception.
      throw handlerError(400, `org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted. JobID: ${jobId}`, 'JarRunHandler');
    }
    const entryClass = body.entryClass ?? null;
    const mainFailure = this.mainFailures.get(entryClass ?? '') ?? this.mainFailures.get('*');
    if (mainFailure !== undefined) {
      this.mainFailures.delete(entryClass ?? '');
      this.mainFailures.delete('*');
      throw handlerError(400, `org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: ${mainFailure}`, 'JarRunHandler');
    }
    // The job's main() runs here, inside the request, as on a real JobManager: a Sluice job
    // reads its files from the URLs in its arguments (`--<file name> <url>`).
    const programArgsList = body.programArgsList ?? (body.programArgs ? body.programArgs.split(/\s+/).filter(Boolean) : []);
    const fetchedFiles: Record<string, string> = {};
    for (let i = 0; i + 1 < programArgsList.length; i++) {
      const [flag, value] = [programArgsList[i], programArgsList[i + 1]];
      if (!flag.startsWith('--') || !/^https?:\/\//.test(value)) continue;
      const res = await fetch(value, { signal: AbortSignal.timeout(5000) }).catch((e: Error) => e);
      if (res instanceof Error || !res.ok) {
        throw handlerError(400, `org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: cannot read ${flag.slice(2)}: ${res instanceof Error ? res.message : `HTTP ${res.status}`}`, 'JarRunHandler');
      }
      fetchedFiles[flag.slice(2)] = await res.text();
    }
    if (this.jobs.has(jobId)) {
      throw handlerError(400, `org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted. JobID: ${jobId}`, 'JarRunHandler');
    }
    const job: FakeJob = {
      id: jobId,
      name: entryClass ?? this.jars.get(jarId)!.name,
      jarId,
      entryClass,
      programArgsList,
      fetchedFiles,
      parallelism: body.parallelism ?? null,
      savepointPath: body.savepointPath ?? null,
      allowNonRestoredState: body.allowNonRestoredState ?? false,
      restoreMode: body.claimMode ?? body.restoreMode ?? null,
      flinkConfiguration: body.flinkConfiguration ?? {},
      state: 'INITIALIZING',
      upcoming: (['CREATED', 'RUNNING'] as const).slice(2 - Math.min(2, this.options.startPolls)),
      timestamps: { INITIALIZING: now },
      startTime: now,
      endTime: -1,
      checkpointsBefore: 0,
      runningSince: null,
      checkpointIntervalMs: this.options.checkpointIntervalMs,
      restoredAt: body.savepointPath ? now : null,
      exceptions: [],
      restarts: 0,
      savepoints: [],
    };
    if (job.upcoming.length === 0) enterState(job, 'RUNNING', now);
    this.jobs.set(jobId, job);
    return { jobid: jobId };
  }

  job(jobId: string): FakeJob {
    const job = this.jobs.get(jobId);
    if (!job) throw jobNotFound(jobId);
    return job;
  }

  /** GET /jobs/:jobid: answers where the job is, then moves it along for the next poll. */
  poll(jobId: string, now: number) {
    const job = this.job(jobId);
    const details = jobDetails(job, now);
    advance(job, now);
    return details;
  }

  cancel(jobId: string, mode: string | undefined, now: number): void {
    const job = this.jobs.get(jobId);
    if (!job) throw handlerError(404, 'Job could not be found.', 'job.JobCancellationHandler');
    if ((mode ?? 'cancel').toLowerCase() !== 'cancel') {
      throw handlerError(400, `Bad request: only mode=cancel is supported, got ${mode}.`, 'job.JobCancellationHandler');
    }
    if (GLOBALLY_TERMINAL.has(job.state)) {
      throw handlerError(409, `Job cancellation failed because the job has already reached another terminal state (${job.state}).`, 'job.JobCancellationHandler');
    }
    enterState(job, 'CANCELLING', now);
    job.upcoming = ['CANCELED'];
  }

  /** A test makes the job fail: with `restart`, Flink restarts it itself (RESTARTING → RUNNING). */
  fail(jobId: string, exception: Omit<RootException, 'timestamp'>, restart: boolean, now: number): void {
    const job = this.job(jobId);
    job.exceptions.push({ ...exception, timestamp: now });
    if (restart) {
      job.restarts += 1;
      enterState(job, 'RESTARTING', now);
      job.upcoming = ['RUNNING'];
    } else {
      enterState(job, 'FAILING', now);
      job.upcoming = ['FAILED'];
    }
  }

  /** A bounded job reaching its end. */
  finish(jobId: string): void {
    this.job(jobId).upcoming = ['FINISHED'];
  }

  /** POST /jobs/:jobid/stop and POST /jobs/:jobid/savepoints: an asynchronous operation. */
  triggerSavepoint(jobId: string, request: { targetDirectory?: string; triggerId?: string; stop: boolean }, bodyType: string): { 'request-id': string } {
    const job = this.job(jobId);
    const property = request.stop ? 'targetDirectory' : 'target-directory';
    const targetDirectory = request.targetDirectory ?? this.options.savepointDir;
    if (!targetDirectory) {
      throw handlerError(400, `Config key [state.savepoints.dir] is not set. Property [${property}] must be provided.`, 'savepoints.SavepointHandlers');
    }
    if (request.triggerId !== undefined && !/^[0-9a-f]{32}$/.test(request.triggerId)) throw badRequestBody(bodyType);
    const triggerId = request.triggerId ?? hex(16);
    const key = `${jobId}/${triggerId}`;
    // A client-chosen triggerId makes a repeated request the same operation (Flink 1.15+).
    if (this.triggers.has(key)) return { 'request-id': triggerId };
    const failure = this.savepointFailures.get(jobId) ?? this.savepointFailures.get('*') ?? null;
    this.savepointFailures.delete(jobId);
    this.savepointFailures.delete('*');
    const notRunning = job.state !== 'RUNNING'
      ? `org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint triggering task of job ${jobId} is not being executed at the moment. Aborting checkpoint. Failure reason: Not all required tasks are currently running.`
      : null;
    this.triggers.set(key, {
      jobId, triggerId, stop: request.stop, targetDirectory: targetDirectory.replace(/\/+$/, ''),
      pollsLeft: this.options.savepointPolls, completedAt: null, location: null, failure: failure ?? notRunning,
    });
    return { 'request-id': triggerId };
  }

  savepointStatus(jobId: string, triggerId: string, now: number) {
    const key = `${jobId}/${triggerId}`;
    const trigger = this.triggers.get(key);
    if (trigger && trigger.completedAt !== null && now - trigger.completedAt > this.options.asyncResultTtlMs) this.triggers.delete(key);
    const current = this.triggers.get(key);
    if (!current) {
      throw handlerError(404, `There is no savepoint operation with triggerId=${triggerId} for job ${jobId}.`, 'savepoints.SavepointHandlers$SavepointStatusHandler');
    }
    if (current.completedAt === null) {
      if (current.pollsLeft > 0) {
        current.pollsLeft -= 1;
        return { status: { id: 'IN_PROGRESS' }, operation: null };
      }
      this.complete(current, now);
    }
    if (current.failure !== null) {
      return { status: { id: 'COMPLETED' }, operation: { 'failure-cause': failureCause(current.failure) } };
    }
    return { status: { id: 'COMPLETED' }, operation: { location: current.location } };
  }

  private complete(trigger: SavepointTrigger, now: number): void {
    trigger.completedAt = now;
    if (trigger.failure !== null) return;
    trigger.location = `${trigger.targetDirectory}/savepoint-${trigger.jobId.slice(0, 6)}-${hex(6)}`;
    this.job(trigger.jobId).savepoints.push(trigger.location);
    // Stop-with-savepoint ends the job as FINISHED (drained or not).
    if (trigger.stop) enterState(this.job(trigger.jobId), 'FINISHED', now);
  }

  dispose(path: string): { 'request-id': string } {
    this.disposed.push(path);
    return { 'request-id': hex(16) };
  }

  overview(now: number) {
    const count = (state: string) => [...this.jobs.values()].filter((j) => j.state === state).length;
    void now;
    return {
      taskmanagers: 2,
      'slots-total': 8,
      'slots-available': 8 - count('RUNNING'),
      'jobs-running': [...this.jobs.values()].filter((j) => !GLOBALLY_TERMINAL.has(j.state)).length,
      'jobs-finished': count('FINISHED'),
      'jobs-cancelled': count('CANCELED'),
      'jobs-failed': count('FAILED'),
      'flink-version': this.options.flinkVersion,
      'flink-commit': 'f1a2b3c',
    };
  }
}

/** A failed asynchronous operation: COMPLETED with a failure-cause, never a FAILED status. */
function failureCause(message: string) {
  const className = message.startsWith('org.') ? message.split(':')[0] : 'java.util.concurrent.CompletionException';
  const stackTrace = `${message.startsWith('org.') ? message : `${className}: ${message}`}\n\tat org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointTerminationHandlerImpl.handleSavepointCreationFailure(StopWithSavepointTerminationHandlerImpl.java:198)`;
  return {
    class: className,
    'stack-trace': stackTrace,
    'serialized-throwable': Buffer.from(stackTrace).toString('base64'),
  };
}

export { FlinkRestError };
