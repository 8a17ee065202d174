import type { ClusterConfiguration } from '../domain/cluster-configuration.js';
import type { Property } from '../domain/java-properties.js';
import type { LoggingConfiguration } from '../domain/logging-configuration.js';
import type { ProcessStatus } from '../domain/reconcile-types.js';

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
  kind: 'batch' | 'stream';
  jarPath: string;
  entryPointClassName: string;
  inputCatalogs: Record<string, string>;
  outputCatalogHrn: string;
  billingTag?: string;
  catalogVersions?: PinnedCatalogVersions;
  applicationProperties: Property[];
  logging: LoggingConfiguration;
  cluster: ClusterConfiguration;
  /** Starts of this job's process before this one (a restarted stream job runs again). */
  attempt: number;
  /** stream: the snapshot or checkpoint folder to start from. */
  restoreLocation?: string;
}

/** Where a launched job's process can be found again, even by a restarted service. */
export interface ProcessHandle {
  pid: number;
  /** Start time as the OS reports it, so a reused pid is not mistaken for the job. */
  processStart: string;
}

export interface JobLocation {
  jobId: string;
  workDir: string;
  pid: number | null;
  processStart: string | null;
  attempt: number;
}

/** One interface for every engine a job can run on (local JVM today; Flink and Spark later). */
export interface JobRuntime {
  readonly name: string;
  /** The job's own folder (config files, log). */
  workDirOf(jobId: string): string;
  /** Finds the job's process if one is already up for it, otherwise writes its files and starts it. */
  launch(spec: JobSpec): Promise<ProcessHandle>;
  observe(job: JobLocation): Promise<ProcessStatus>;
  signal(job: JobLocation, signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** The last lines of the job's log, for failure messages. */
  logTail(job: JobLocation, lines: number): Promise<string>;
  logFile(job: JobLocation): string;
  /** Called when a job's process is seen to end, so the engine looks at it at once. */
  onExit(listener: (jobId: string) => void): void;

  // Stream state (behaviour notes §5).
  /** Has the stopped job written a non-empty snapshot (or has it already been kept as `snapshotId`)? */
  snapshotWritten(job: JobLocation, snapshotId: string): Promise<boolean>;
  /** Moves the job's snapshot into the snapshot store as `snapshotId`; returns where it is now. Idempotent. */
  keepSnapshot(job: JobLocation, snapshotId: string): Promise<string>;
  /** Removes what the job wrote as a snapshot (a cancel, or a pause that timed out). */
  discardSnapshot(job: JobLocation): Promise<void>;
  /** The newest complete checkpoint the job has written, if any. */
  newestCheckpoint(job: JobLocation): Promise<string | null>;
  /** Writes a changed logging configuration where the running job picks it up. */
  rewriteLogging(job: JobLocation, logging: LoggingConfiguration): Promise<void>;
  /** Removes a kept snapshot (garbage collection). */
  deleteSnapshot(location: string): Promise<void>;

  // Retention (garbage collection).
  /** Removes an ended job's folder: its files, log and checkpoints. */
  removeJobFolder(job: Pick<JobLocation, 'jobId' | 'workDir'>): Promise<void>;
  /** The job and snapshot folders on this replica's disk, by id, with when each last changed. */
  folders(): Promise<{ jobs: StoredFolder[]; snapshots: StoredFolder[] }>;
  /** Removes a folder `folders()` listed (one whose row is gone). */
  removeFolder(kind: 'job' | 'snapshot', id: string): Promise<void>;
}

export interface StoredFolder {
  id: string;
  /** Epoch ms of the folder's last change (ctime: a rename counts). */
  changedMs: number;
}
