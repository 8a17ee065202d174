import type { ClusterConfiguration } from '../domain/cluster-configuration.js';
import type { Property } from '../domain/java-properties.js';
import type { LoggingConfiguration } from '../domain/logging-configuration.js';
import type { Checkpoint, ObservedJob } from '../domain/reconcile-types.js';
import type { JobLog } from './job-log.js';

/**
 * The engine–runtime seam. Everything a job needs from "the thing that runs it" (a local JVM, a
 * Flink session cluster, later Spark) goes through `JobRuntime`; nothing outside
 * `src/runtimes/<name>/` knows what a pid, a work folder or a Flink job id is. Three rules make
 * that hold, and adapters must keep them:
 *
 * 1. A job's runtime state is an opaque `JobHandle` (JSON) that only the runtime that wrote it
 *    reads. The store keeps it in `jobs.handle` beside `jobs.runtime` (the runtime's `name`), so a
 *    restarted service, or another replica, finds the job again without knowing its shape.
 * 2. The engine speaks a neutral vocabulary (domain/reconcile-types.ts): a job is observed as
 *    starting / running / finished / failed / lost, and is asked to launch, stop (keeping its
 *    state or not) or force-stop. No signal names, no HTTP verbs, cross this line.
 * 3. Snapshot and checkpoint locations are URIs the runtime understands (`file:///…`, `s3://…`),
 *    recorded as given and handed back as given: domain and store compare them, never parse them.
 *    The runtime names a checkpoint (`Checkpoint.name`) for the messages people read.
 *
 * Every method may be called again after a crash with the same arguments (the engine records
 * what it did only after doing it), so each one is idempotent; see the notes on each.
 */

/** Opaque, JSON-serialisable: written by `launch` (and `stop`), read only by the same runtime. */
export type JobHandle = { readonly [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Catalog versions a batch job is pinned to (the contract's JobCatalogVersions, job side). */
export interface PinnedCatalogVersions {
  inputCatalogs: Record<string, { processingType: 'changes' | 'reprocess' | 'no_changes'; version: number; sinceVersion?: number }>;
  outputCatalog: { baseVersion: number };
}

/** Everything a runtime needs to run one job, resolved by the engine. */
export interface JobSpec {
  jobId: string;
  /** The version's realm: whose egress rules (and, isolated per realm, whose user) the job gets. */
  realm: string;
  pipelineId: string;
  versionId: string;
  /** The template's runtime environment (`stream-5.0`): the catalog binding that chose this runtime. */
  runtimeEnvironment: string;
  kind: 'batch' | 'stream';
  /** The package's JAR as Sluice stores it (a local file); a remote runtime uploads it. */
  jarPath: string;
  /** Identifies the JAR's content across jobs (a remote runtime uploads a package once). */
  packageId: string;
  entryPointClassName: string;
  inputCatalogs: Record<string, string>;
  outputCatalogHrn: string;
  billingTag?: string;
  catalogVersions?: PinnedCatalogVersions;
  applicationProperties: Property[];
  logging: LoggingConfiguration;
  cluster: ClusterConfiguration;
  /** Starts of this job before this one (a restarted stream job runs again): 0 for the first. */
  attempt: number;
  /** stream: the snapshot or checkpoint URI to start from (as the runtime gave it). */
  restoreLocation?: string;
}

/** A job as the runtime is handed it: who it is, and the handle its launch returned. */
export interface RuntimeJob {
  jobId: string;
  attempt: number;
  /** null until the launch was recorded (the log and retention methods are asked about such jobs too). */
  handle: JobHandle | null;
}

/** How to stop a live job. */
export interface StopRequest {
  /**
   * true: save the state as a snapshot, then stop (pause, upgrade); `snapshotId` names it, so a
   * retried stop after a crash targets the same snapshot. false: stop without keeping anything
   * (cancel); the job may still get a moment to shut down cleanly.
   */
  keepState: boolean;
  snapshotId: string;
}

/** What the runtime says about a stopped job's snapshot. */
export type SnapshotStatus = { state: 'pending' } | { state: 'written' } | { state: 'failed'; reason: string } | { state: 'none' };

/** Why the engine should look at a job now rather than at its next safety poll. */
export type JobChange = 'ended' | 'checkpoint' | 'state';

/**
 * One interface for every engine a job can run on. One instance per catalog binding: the
 * registry (`runtimes/registry.ts`) picks it by the template's runtime environment when a job is
 * created, and by `jobs.runtime` (= `name`) ever after.
 */
export interface JobRuntime {
  /** Unique among the registry's runtimes and stable across restarts: stored in `jobs.runtime`. */
  readonly name: string;
  readonly kind: RuntimeKindName;
  /**
   * Whether a job's runtime state lives on this replica's machine (a local process and folder):
   * then only the replica that launched it may observe or act on it. A remote runtime's jobs may
   * be taken over by any replica (store/operations.ts, the claim rule).
   */
  readonly local: boolean;
  /**
   * How often the engine looks at a live job without being told to (`onJobChanged`): a safety
   * net for changes the runtime cannot report, so it may be slow where reports are reliable.
   */
  readonly safetyPollMs: number;

  /**
   * Starts the job, or finds it already started (a launch retried after a crash must never start
   * a second copy: the local JVM finds its process by a marker, Flink by the fixed job id).
   * Returns the handle to record.
   */
  launch(spec: JobSpec): Promise<JobHandle>;
  observe(job: RuntimeJob): Promise<ObservedJob>;
  /** Asks a live job to stop; may return a new handle to record (a savepoint trigger id). */
  stop(job: RuntimeJob, request: StopRequest): Promise<JobHandle | void>;
  /** Ends the job now, without waiting for it (after `stop` was ignored past its grace). */
  forceStop(job: RuntimeJob): Promise<void>;
  /** Called with a job's id when something about it changed, so the engine looks at it at once. */
  onJobChanged(listener: (jobId: string, change: JobChange) => void): void;
  /** Tells the runtime which live jobs the engine watches (after a restart: to report their changes). */
  watch(job: RuntimeJob): void;
  /** The engine no longer needs reports about this job (it ended). */
  unwatch(jobId: string): void;

  /** Where a person sees a job whose log Sluice cannot read (the Flink web UI's job page); the log route redirects there. */
  jobPageUrl?(job: RuntimeJob): string | null;
  /** The job's log as the log route reads it, or null when this runtime keeps none Sluice can read. */
  log(job: RuntimeJob): JobLog | null;
  /** The last lines of the job's log, for failure messages ('' when there is none). */
  logTail(job: RuntimeJob, lines: number): Promise<string>;
  /** Writes a changed logging configuration where the running job picks it up. */
  rewriteLogging(job: RuntimeJob, logging: LoggingConfiguration): Promise<void>;

  // Stream state.
  /** After a `stop` that keeps state: is the snapshot `snapshotId` written (or already kept)? */
  snapshotStatus(job: RuntimeJob, snapshotId: string): Promise<SnapshotStatus>;
  /** Makes the written snapshot durable as `snapshotId` and returns its URI. Idempotent. */
  keepSnapshot(job: RuntimeJob, snapshotId: string): Promise<string>;
  /** Removes what a stop wrote as a snapshot that will not be kept (a cancel, a pause that timed out). */
  discardSnapshot(job: RuntimeJob): Promise<void>;
  /** The newest complete checkpoint of the job, if any. */
  newestCheckpoint(job: RuntimeJob): Promise<Checkpoint | null>;
  /** Removes a kept snapshot (garbage collection); a location it does not own is an error. */
  deleteSnapshot(location: string): Promise<void>;

  // Retention (garbage collection).
  /** Removes what an ended job left with the runtime (files, log, checkpoints). */
  removeJobFiles(job: RuntimeJob): Promise<void>;
  /** What this replica keeps per job and per snapshot id, with when each last changed (none: remote). */
  leftovers(): Promise<{ jobs: StoredFolder[]; snapshots: StoredFolder[] }>;
  /** Removes one of `leftovers()` (its row is gone). */
  removeLeftover(kind: 'job' | 'snapshot', id: string): Promise<void>;

  /** Releases what the runtime holds (helper processes, connections); jobs keep running. */
  close(): Promise<void>;

  /**
   * Whether the engine behind the runtime answers now (a cluster's REST endpoint), for
   * `/health/ready` (one check per runtime, `runtime:<name>`) and `sluice_runtime_reachable`.
   * Every remote kind should have one: a remote runtime without it is listed as not checked. A
   * local runtime needs none (its processes are this machine's). Bounded by the readiness
   * deadline (2 s); never throws for an unreachable engine, it answers `ok: false` with why.
   */
  reachable?(): Promise<{ ok: boolean; message?: string }>;
}

/**
 * The runtime cannot do what was asked now, and did nothing (a cluster out of reach, a standby
 * master): the engine keeps the job's record as it is and asks again later. From `launch`, the
 * job stays `starting` (with this message) until its start deadline.
 */
export class RuntimeUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeUnavailable';
  }
}

export type RuntimeKindName = 'local-jvm' | 'flink' | 'spark';

export interface StoredFolder {
  id: string;
  /** Epoch ms of the folder's last change (ctime: a rename counts). */
  changedMs: number;
}
